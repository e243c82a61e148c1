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
import { Group } from './group.entity';

@Entity({ name: 'projects' })
@Check('projects_service_desk_key_check', "service_desk_key ~ '^[a-z0-9]+$'")
@Unique('projects_service_desk_key_key', ['serviceDeskKey'])
// paths are unique in a group case-insensitively: an expression TypeORM cannot describe
@Index('projects_group_path_key', { synchronize: false })
export class Project {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'projects_pkey',
  })
  id: number;

  @ForeignKey(() => Group, { name: 'projects_group_id_fkey', onDelete: 'RESTRICT' })
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
