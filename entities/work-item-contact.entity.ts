import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type ContactLinkSource = 'email' | 'quick_action' | 'api' | 'move';

@Entity({ name: 'work_item_contacts' })
export class WorkItemContact {
  @PrimaryColumn({ name: 'work_item_id', type: 'integer' })
  workItemId: number;

  @PrimaryColumn({ name: 'contact_id', type: 'integer' })
  contactId: number;

  @Column({ name: 'added_via', type: 'varchar', length: 16 })
  addedVia: ContactLinkSource;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
