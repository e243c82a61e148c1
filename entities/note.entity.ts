import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { InboundEmail } from './inbound-email.entity';
import { User } from './user.entity';
import { WorkItem } from './work-item.entity';

@Entity({ name: 'notes' })
@Index('notes_work_item_idx', ['workItemId', 'id'])
export class Note {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'notes_pkey',
  })
  id: number;

  @ForeignKey(() => WorkItem, { name: 'notes_work_item_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @Column({ type: 'text' })
  body: string;

  @ForeignKey(() => User, { name: 'notes_author_user_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'author_user_id', type: 'integer', nullable: true })
  authorUserId: number | null;

  @Column({ name: 'author_email', type: 'varchar', length: 255, nullable: true })
  authorEmail: string | null;

  @ForeignKey(() => InboundEmail, { name: 'notes_inbound_email_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'inbound_email_id', type: 'bigint', nullable: true })
  inboundEmailId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
