import type { EntityManager } from 'typeorm';
import { WorkItem } from '../../entities/work-item.entity';
import { SUMMARY_COLUMNS, toSummary, type ContactSummary } from './contact.repository';

export interface ContactOnWorkItem extends ContactSummary {
  addedVia: string;
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
    const rows: (Parameters<typeof toSummary>[0] & { added_via: string; added_at: Date })[] =
      await this.em.query(
        `SELECT ${SUMMARY_COLUMNS}, wic.added_via, wic.created_at AS added_at
           FROM work_item_contacts wic
           JOIN contacts c ON c.id = wic.contact_id
           LEFT JOIN organizations o ON o.id = c.organization_id
          WHERE wic.work_item_id = $1
          ORDER BY c.last_name, c.first_name, c.id`,
        [workItemId],
      );
    return rows.map((r) => ({ ...toSummary(r), addedVia: r.added_via, addedAt: r.added_at }));
  }

  async unlink(workItemId: number, contactIds: number[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.em.query(
      'DELETE FROM work_item_contacts WHERE work_item_id = $1 AND contact_id = ANY($2::int[])',
      [workItemId, contactIds],
    );
  }

  /**
   * Removes every contact of these work items; their email participants stay, open to be matched
   * again against the new source. Returns how many links went.
   */
  async unlinkAll(workItemIds: number[]): Promise<number> {
    if (workItemIds.length === 0) return 0;
    await this.em.query(
      'UPDATE email_participants SET link_outcome = NULL, contact_id = NULL WHERE work_item_id = ANY($1::int[])',
      [workItemIds],
    );
    const rows: { n: number }[] = await this.em.query(
      `WITH gone AS (DELETE FROM work_item_contacts WHERE work_item_id = ANY($1::int[]) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [workItemIds],
    );
    return rows[0]?.n ?? 0;
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
