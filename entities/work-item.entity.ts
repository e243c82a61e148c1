import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Project } from './project.entity';
import { User } from './user.entity';

export type WorkItemState = 'open' | 'closed';

@Entity({ name: 'work_items' })
@Check('work_items_state_check', "state IN ('open', 'closed')")
@Unique('work_items_project_id_iid_key', ['projectId', 'iid'])
@Unique('work_items_reply_key_key', ['replyKey'])
// created_at DESC: TypeORM cannot describe a column's sort order
@Index('work_items_project_created_idx', { synchronize: false })
@Index('work_items_project_state_iid_idx', ['projectId', 'state', 'iid'])
export class WorkItem {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'work_items_pkey',
  })
  id: number;

  @ForeignKey(() => Project, { name: 'work_items_project_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'project_id', type: 'integer' })
  projectId: number;

  @Column({ type: 'integer' })
  iid: number;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  state: WorkItemState;

  @Column({ name: 'author_email', type: 'varchar', length: 255, nullable: true })
  authorEmail: string | null;

  @ForeignKey(() => User, { name: 'work_items_author_user_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'author_user_id', type: 'integer', nullable: true })
  authorUserId: number | null;

  @Column({ name: 'service_desk', type: 'boolean', default: false })
  serviceDesk: boolean;

  @Column({ name: 'reply_key', type: 'varchar', length: 64, nullable: true })
  replyKey: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
