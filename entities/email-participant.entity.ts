import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  ForeignKey,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Contact } from './contact.entity';
import { InboundEmail } from './inbound-email.entity';
import { WorkItem } from './work-item.entity';

export type ParticipantRole = 'from' | 'cc';
/** Why an address was or was not linked to a contact; null until link-contacts has run. */
export type LinkOutcome =
  'linked' | 'inactive' | 'unknown' | 'limit' | 'crm_disabled' | 'own_address' | 'unauthenticated';

@Entity({ name: 'email_participants' })
@Index('email_participants_contact_idx', ['contactId'], { where: 'contact_id IS NOT NULL' })
@Unique('email_participants_work_item_id_email_key', ['workItemId', 'email'])
@Check('email_participants_email_check', 'email = lower(email)')
@Check('email_participants_role_check', "role IN ('from', 'cc')")
export class EmailParticipant {
  @PrimaryGeneratedColumn('identity', {
    type: 'integer',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'email_participants_pkey',
  })
  id: number;

  @ForeignKey(() => WorkItem, { name: 'email_participants_work_item_id_fkey', onDelete: 'CASCADE' })
  @Column({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 8 })
  role: ParticipantRole;

  @ForeignKey(() => InboundEmail, {
    name: 'email_participants_inbound_email_id_fkey',
    onDelete: 'SET NULL',
  })
  @Column({ name: 'inbound_email_id', type: 'bigint', nullable: true })
  inboundEmailId: string | null;

  @Column({ name: 'link_outcome', type: 'varchar', length: 16, nullable: true })
  linkOutcome: LinkOutcome | null;

  /** What sender authentication said about this address, when a policy applied. */
  @Column({ name: 'link_reason', type: 'text', nullable: true })
  linkReason: string | null;

  @ForeignKey(() => Contact, { name: 'email_participants_contact_id_fkey', onDelete: 'SET NULL' })
  @Column({ name: 'contact_id', type: 'integer', nullable: true })
  contactId: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
