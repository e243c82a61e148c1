import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'group_crm_settings' })
export class GroupCrmSettings {
  @PrimaryColumn({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'source_group_id', type: 'integer', nullable: true })
  sourceGroupId: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
