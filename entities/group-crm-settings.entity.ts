import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Group } from './group.entity';

/** Which senders' addresses may be linked to contacts (see README, Sender authentication). */
export const SENDER_AUTH_POLICIES = ['off', 'dmarc', 'dkim-or-spf'] as const;
export type SenderAuthPolicy = (typeof SENDER_AUTH_POLICIES)[number];

@Entity({ name: 'group_crm_settings' })
@Index('group_crm_settings_source_idx', ['sourceGroupId'], { where: 'source_group_id IS NOT NULL' })
@Check(
  'group_crm_settings_sender_auth_policy_check',
  `sender_auth_policy IN (${SENDER_AUTH_POLICIES.map((p) => `'${p}'`).join(', ')})`,
)
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

  /** Null: inherited from the nearest ancestor that sets one, else the instance default. */
  @Column({ name: 'sender_auth_policy', type: 'varchar', length: 16, nullable: true })
  senderAuthPolicy: SenderAuthPolicy | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
