import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'notes' })
export class Note {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @Column({ type: 'text' })
  body: string;

  @Column({ name: 'author_user_id', type: 'integer', nullable: true })
  authorUserId: number | null;

  @Column({ name: 'author_email', type: 'varchar', length: 255, nullable: true })
  authorEmail: string | null;

  @Column({ name: 'inbound_email_id', type: 'bigint', nullable: true })
  inboundEmailId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
