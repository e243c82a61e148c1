import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Contact } from './contact.entity';
import { WorkItem } from './work-item.entity';

export type ContactLinkSource = 'email' | 'quick_action' | 'api' | 'move';

@Entity({ name: 'work_item_contacts' })
@Check(
  'work_item_contacts_added_via_check',
  "added_via IN ('email', 'quick_action', 'api', 'move')",
)
@Index('work_item_contacts_contact_idx', ['contactId'])
export class WorkItemContact {
  @ForeignKey(() => WorkItem, { name: 'work_item_contacts_work_item_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({
    name: 'work_item_id',
    type: 'integer',
    primaryKeyConstraintName: 'work_item_contacts_pkey',
  })
  workItemId: number;

  @ForeignKey(() => Contact, { name: 'work_item_contacts_contact_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn({
    name: 'contact_id',
    type: 'integer',
    primaryKeyConstraintName: 'work_item_contacts_pkey',
  })
  contactId: number;

  @Column({ name: 'added_via', type: 'varchar', length: 16 })
  addedVia: ContactLinkSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
