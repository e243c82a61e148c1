import { In, type EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import { EmailParticipant } from '../../entities/email-participant.entity';
import { Organization } from '../../entities/organization.entity';
import { WorkItemContact, type ContactLinkSource } from '../../entities/work-item-contact.entity';
import { WorkItem } from '../../entities/work-item.entity';
import { SUMMARY_COLUMNS, toSummary, type ContactSummary } from './contact.repository';

export interface ContactOnWorkItem extends ContactSummary {
  addedVia: ContactLinkSource;
  addedAt: Date;
}

/** Whose work items: one contact's, or those of any contact of one organization. */
export type LinkedTo = { contactId: number } | { organizationId: number };

export class WorkItemContactRepository {
  constructor(private readonly em: EntityManager) {}

  /** Serialises changes to one work item's contacts until the transaction ends. */
  async lockWorkItem(workItemId: number): Promise<void> {
    await this.em
      .createQueryBuilder(WorkItem, 'w')
      .select('w.id')
      .where('w.id = :workItemId', { workItemId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async list(workItemId: number): Promise<ContactOnWorkItem[]> {
    const rows: (Parameters<typeof toSummary>[0] & {
      added_via: ContactLinkSource;
      added_at: Date;
    })[] = await this.em
      .createQueryBuilder(WorkItemContact, 'wic')
      .select(SUMMARY_COLUMNS)
      .addSelect('wic.added_via', 'added_via')
      .addSelect('wic.created_at', 'added_at')
      .innerJoin(Contact, 'c', 'c.id = wic.contactId')
      .leftJoin(Organization, 'o', 'o.id = c.organizationId')
      .where('wic.workItemId = :workItemId', { workItemId })
      .orderBy('c.lastName')
      .addOrderBy('c.firstName')
      .addOrderBy('c.id')
      .getRawMany();
    return rows.map((r) => ({ ...toSummary(r), addedVia: r.added_via, addedAt: r.added_at }));
  }

  /** The same contacts as `list`, in the same order, as whole records. */
  contacts(workItemId: number): Promise<Contact[]> {
    return this.em
      .createQueryBuilder(Contact, 'c')
      .innerJoin(WorkItemContact, 'wic', 'wic.contactId = c.id')
      .where('wic.workItemId = :workItemId', { workItemId })
      .orderBy('c.lastName')
      .addOrderBy('c.firstName')
      .addOrderBy('c.id')
      .getMany();
  }

  async unlink(workItemId: number, contactIds: number[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.em.delete(WorkItemContact, { workItemId, contactId: In(contactIds) });
  }

  /**
   * Removes every contact of these work items; their email participants stay, open to be matched
   * again against the new source. Returns how many links went.
   */
  async unlinkAll(workItemIds: number[]): Promise<number> {
    if (workItemIds.length === 0) return 0;
    // one array parameter: a project's work items may outnumber PostgreSQL's 65,535 parameters
    await this.em
      .createQueryBuilder()
      .update(EmailParticipant)
      .set({ linkOutcome: null, contactId: null })
      .where('workItemId = ANY(:workItemIds)', { workItemIds })
      .execute();
    const gone = await this.em
      .createQueryBuilder()
      .delete()
      .from(WorkItemContact)
      .where('workItemId = ANY(:workItemIds)', { workItemIds })
      .execute();
    return gone.affected ?? 0;
  }

  /**
   * Work items linked to a contact or an organization's contacts, newest first; with
   * `visibleTo` only those in projects under a group the user is a member of (or below one).
   */
  async workItems(
    linkedTo: LinkedTo,
    visibleTo: number | null,
    beforeId: number | null,
    limit: number,
  ): Promise<WorkItem[]> {
    const link =
      'contactId' in linkedTo
        ? 'wic.contact_id = :target'
        : 'wic.contact_id IN (SELECT id FROM contacts WHERE organization_id = :target)';
    const q = this.em
      .createQueryBuilder(WorkItem, 'w')
      .where(
        `EXISTS (SELECT 1 FROM work_item_contacts wic WHERE wic.work_item_id = w.id AND ${link})`,
        { target: 'contactId' in linkedTo ? linkedTo.contactId : linkedTo.organizationId },
      )
      .orderBy('w.id', 'DESC')
      .limit(limit);
    if (visibleTo !== null) {
      q.andWhere(
        `EXISTS (SELECT 1 FROM projects p JOIN groups g ON g.id = p.group_id
                  JOIN group_members m ON m.group_id = ANY(g.traversal_ids)
                 WHERE p.id = w.project_id AND m.user_id = :userId)`,
        { userId: visibleTo },
      );
    }
    if (beforeId !== null) q.andWhere('w.id < :beforeId', { beforeId });
    return q.getMany();
  }
}
