import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  Unique,
} from 'typeorm';
import { Group } from './group.entity';

export type CrmState = 'active' | 'inactive';

@Entity({ name: 'organizations' })
@Check('organizations_state_check', "state IN ('active', 'inactive')")
// contacts refer to (group_id, id), so an organization is always in its contact's group
@Unique('organizations_group_id_id_key', ['groupId', 'id'])
// names are unique case-insensitively: an expression TypeORM cannot describe
@Index('organizations_group_name_key', { synchronize: false })
export class Organization {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'organizations_pkey',
  })
  id: number;

  @ForeignKey(() => Group, { name: 'organizations_group_id_fkey', onDelete: 'CASCADE' })
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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
