import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ParticipantRole = 'from' | 'cc';
/** Why an address was or was not linked to a contact; null until link-contacts has run. */
export type LinkOutcome =
  'linked' | 'inactive' | 'unknown' | 'limit' | 'crm_disabled' | 'own_address';

@Entity({ name: 'email_participants' })
export class EmailParticipant {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @Column({ type: 'varchar', length: 255 })
  email: string;

  @Column({ type: 'varchar', length: 8 })
  role: ParticipantRole;

  @Column({ name: 'inbound_email_id', type: 'bigint', nullable: true })
  inboundEmailId: string | null;

  @Column({ name: 'link_outcome', type: 'varchar', length: 16, nullable: true })
  linkOutcome: LinkOutcome | null;

  @Column({ name: 'contact_id', type: 'integer', nullable: true })
  contactId: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
