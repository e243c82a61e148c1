import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { InboundEmail } from './inbound-email.entity';
import { Note } from './note.entity';
import { WorkItem } from './work-item.entity';

@Entity({ name: 'attachments' })
@Index('attachments_work_item_idx', ['workItemId'])
export class Attachment {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'attachments_pkey',
  })
  id: number;

  @ForeignKey(() => WorkItem, { name: 'attachments_work_item_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @ForeignKey(() => Note, { name: 'attachments_note_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'note_id', type: 'integer', nullable: true })
  noteId: number | null;

  @ForeignKey(() => InboundEmail, {
    name: 'attachments_inbound_email_id_fkey',
    onDelete: 'CASCADE',
  })
  @Column({ name: 'inbound_email_id', type: 'bigint' })
  inboundEmailId: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ name: 'content_type', type: 'varchar', length: 255 })
  contentType: string;

  @Column({ name: 'content_id', type: 'varchar', length: 255, nullable: true })
  contentId: string | null;

  @Column({ type: 'integer' })
  size: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bytea' })
  content: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
