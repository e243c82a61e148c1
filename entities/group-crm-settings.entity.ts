import { Column, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Group } from './group.entity';

@Entity({ name: 'group_crm_settings' })
@Index('group_crm_settings_source_idx', ['sourceGroupId'], { where: 'source_group_id IS NOT NULL' })
export class GroupCrmSettings {
  @ForeignKey(() => Group, { name: 'group_crm_settings_group_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({
    name: 'group_id',
    type: 'integer',
    primaryKeyConstraintName: 'group_crm_settings_pkey',
  })
  groupId: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @ForeignKey(() => Group, {
    name: 'group_crm_settings_source_group_id_fkey',
    onDelete: 'SET NULL',
  })
  @Column({ name: 'source_group_id', type: 'integer', nullable: true })
  sourceGroupId: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
