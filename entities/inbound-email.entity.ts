import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Project } from './project.entity';
import { WorkItem } from './work-item.entity';

export const INBOUND_STATUSES = [
  'received',
  'ticket_created',
  'note_added',
  'ignored',
  'duplicate',
  'failed',
] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

/** One check's result as mailauth reports it (pass, fail, none, temperror …) and its comment. */
export interface AuthCheck {
  result: string;
  comment?: string;
}

/**
 * What desk's own sender authentication found for an email (SPF for the envelope sender and the
 * connecting IP, each DKIM signature, DMARC for the From domain, ARC). Never read from the
 * message's own Authentication-Results headers.
 */
export interface SenderAuthResults {
  /** The From header's domain (the identity DMARC authenticates); null unless exactly one From. */
  fromDomain: string | null;
  spf: AuthCheck & { domain: string | null };
  dkim: (AuthCheck & { domain: string | null; selector: string | null; aligned: boolean })[];
  dmarc: (AuthCheck & { policy: string | null }) | null;
  /** The chain's last instance and the domain that sealed it, when the message carries one. */
  arc: (AuthCheck & { instance: number; sealedBy: string | null }) | null;
  /** DMARC passed for fromDomain (policy `dmarc`). */
  dmarcPass: boolean;
  /** A DKIM signature aligned with fromDomain passed, or SPF passed aligned (`dkim-or-spf`). */
  alignedPass: boolean;
  /** Set when DNS kept failing and the email went on without the answers. */
  dnsFailure: string | null;
  /** Why nothing could be checked (a header block past what desk authenticates). */
  notChecked?: string;
  /** desk's own Authentication-Results header field, as an MTA would prepend it. */
  header: string;
}

@Entity({ name: 'inbound_emails' })
@Check(
  'inbound_emails_status_check',
  `status IN (${INBOUND_STATUSES.map((s) => `'${s}'`).join(', ')})`,
)
@Index('inbound_emails_status_idx', ['status', 'id'])
@Index('inbound_emails_project_message_id_idx', ['projectId', 'messageId'], {
  where: 'message_id IS NOT NULL',
})
@Index('inbound_emails_work_item_idx', ['workItemId'], { where: 'work_item_id IS NOT NULL' })
@Index('inbound_emails_project_dedupe_key_idx', ['projectId', 'dedupeKey'], {
  where: 'dedupe_key IS NOT NULL',
})
@Index('inbound_emails_project_thread_root_idx', ['projectId', 'threadRoot'], {
  where: 'thread_root IS NOT NULL AND work_item_id IS NOT NULL',
})
export class InboundEmail {
  /** bigint: pg returns it as a string, which is how it travels in job payloads too. */
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'inbound_emails_pkey',
  })
  id: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
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

  @ForeignKey(() => Project, { name: 'inbound_emails_project_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'project_id', type: 'integer' })
  projectId: number;

  @Column({ type: 'varchar', length: 16, default: 'received' })
  status: InboundStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @ForeignKey(() => WorkItem, { name: 'inbound_emails_work_item_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'work_item_id', type: 'integer', nullable: true })
  workItemId: number | null;

  // by name: notes refer back to inbound emails, and entity files must not import in a circle
  @ForeignKey('Note', { name: 'inbound_emails_note_fk', onDelete: 'SET NULL' })
  @Column({ name: 'note_id', type: 'integer', nullable: true })
  noteId: number | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  /** Null until ingest has authenticated it (and for mail received before desk did). */
  @Column({ name: 'auth_results', type: 'jsonb', nullable: true })
  authResults: SenderAuthResults | null;
}
