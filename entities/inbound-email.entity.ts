import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const INBOUND_STATUSES = [
  'received',
  'ticket_created',
  'note_added',
  'ignored',
  'duplicate',
  'failed',
] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

@Entity({ name: 'inbound_emails' })
export class InboundEmail {
  /** bigint: pg returns it as a string, which is how it travels in job payloads too. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'remote_address', type: 'varchar', length: 64, nullable: true })
  remoteAddress: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  helo: string | null;

  /** Envelope sender; null for the null reverse path `<>`. */
  @Column({ name: 'mail_from', type: 'varchar', length: 512, nullable: true })
  mailFrom: string | null;

  @Column({ name: 'rcpt_to', type: 'varchar', array: true })
  rcptTo: string[];

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bytea' })
  raw: Buffer;

  @Column({ name: 'message_id', type: 'varchar', length: 998, nullable: true })
  messageId: string | null;

  /** `mid:<Message-ID>`, or `sha256:<hash of headers and body>` for mail without one. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 1024, nullable: true })
  dedupeKey: string | null;

  /** The first Message-ID of the conversation (References' first, else In-Reply-To, else its own). */
  @Column({ name: 'thread_root', type: 'varchar', length: 998, nullable: true })
  threadRoot: string | null;

  @Column({ name: 'project_id', type: 'integer' })
  projectId: number;

  @Column({ type: 'varchar', length: 16, default: 'received' })
  status: InboundStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'work_item_id', type: 'integer', nullable: true })
  workItemId: number | null;

  @Column({ name: 'note_id', type: 'integer', nullable: true })
  noteId: number | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}
