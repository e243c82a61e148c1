import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'projects' })
export class Project {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  path: string;

  @Column({ name: 'service_desk_enabled', type: 'boolean', default: true })
  serviceDeskEnabled: boolean;

  @Column({ name: 'service_desk_key', type: 'varchar', length: 64 })
  serviceDeskKey: string;

  /** Last iid handed out; bumped under the row lock so iids have no gaps. */
  @Column({ name: 'last_work_item_iid', type: 'integer', default: 0 })
  lastWorkItemIid: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
