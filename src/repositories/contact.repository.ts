import type { EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import type { CrmState } from '../../entities/organization.entity';
import { WorkItemContact, type ContactLinkSource } from '../../entities/work-item-contact.entity';

export interface ContactMatch {
  id: number;
  email: string;
  state: CrmState;
}

export interface NewContact {
  groupId: number;
  firstName: string;
  lastName: string;
  email?: string | null;
  organizationId?: number | null;
  state?: CrmState;
}

export class ContactRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewContact): Promise<Contact> {
    return this.em.save(this.em.create(Contact, { state: 'active', ...input }));
  }

  /** Contacts of one group whose email equals one of `emails` (already lower-cased). */
  async findByEmails(groupId: number, emails: string[]): Promise<ContactMatch[]> {
    if (emails.length === 0) return [];
    const rows: { id: number; email: string; state: CrmState }[] = await this.em.query(
      `SELECT id, lower(email) AS email, state FROM contacts
        WHERE group_id = $1 AND lower(email) = ANY($2::text[])`,
      [groupId, emails],
    );
    return rows;
  }

  async link(workItemId: number, contactIds: number[], addedVia: ContactLinkSource): Promise<void> {
    if (contactIds.length === 0) return;
    await this.em
      .createQueryBuilder()
      .insert()
      .into(WorkItemContact)
      .values(contactIds.map((contactId) => ({ workItemId, contactId, addedVia })))
      .orIgnore()
      .execute();
  }
}
