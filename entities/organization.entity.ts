import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type CrmState = 'active' | 'inactive';

@Entity({ name: 'organizations' })
export class Organization {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description: string;

  @Column({ name: 'default_rate', type: 'numeric', precision: 18, scale: 2, nullable: true })
  defaultRate: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  state: CrmState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
