import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type WorkItemState = 'open' | 'closed';

@Entity({ name: 'work_items' })
export class WorkItem {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

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

  @Column({ name: 'author_user_id', type: 'integer', nullable: true })
  authorUserId: number | null;

  @Column({ name: 'service_desk', type: 'boolean', default: false })
  serviceDesk: boolean;

  @Column({ name: 'reply_key', type: 'varchar', length: 64, nullable: true })
  replyKey: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
