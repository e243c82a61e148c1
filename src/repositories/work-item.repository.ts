import type { EntityManager } from 'typeorm';
import { Note } from '../../entities/note.entity';
import { WorkItem } from '../../entities/work-item.entity';

export interface NewWorkItem {
  projectId: number;
  iid: number;
  title: string;
  description: string;
  authorEmail: string | null;
  serviceDesk: boolean;
  replyKey: string | null;
}

export class WorkItemRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewWorkItem): Promise<WorkItem> {
    return this.em.save(this.em.create(WorkItem, { ...input, state: 'open' }));
  }

  findById(id: number): Promise<WorkItem | null> {
    return this.em.findOne(WorkItem, { where: { id } });
  }

  /** The work item, locked until commit; null when the project has no such iid (any more). */
  async lockByIid(projectId: number, iid: number): Promise<WorkItem | null> {
    const rows: { id: number }[] = await this.em.query(
      'SELECT id FROM work_items WHERE project_id = $1 AND iid = $2 FOR UPDATE',
      [projectId, iid],
    );
    return rows[0] ? this.findById(rows[0].id) : null;
  }

  /** Locks the work items of projects in these groups (id order, so lockers never deadlock). */
  async lockInGroups(groupIds: number[]): Promise<number[]> {
    if (groupIds.length === 0) return [];
    // projects first: a ticket being written in the subtree holds its project FOR SHARE, so this
    // waits for it, and a ticket after it resolves the new contact source; the same order as
    // every other path
    await this.em.query(
      'SELECT id FROM projects WHERE group_id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
      [groupIds],
    );
    const rows: { id: number }[] = await this.em.query(
      `SELECT w.id FROM work_items w JOIN projects p ON p.id = w.project_id
        WHERE p.group_id = ANY($1::int[]) ORDER BY w.id FOR UPDATE OF w`,
      [groupIds],
    );
    return rows.map((r) => r.id);
  }

  async lockInProject(projectId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.em.query(
      'SELECT id FROM work_items WHERE project_id = $1 ORDER BY id FOR UPDATE',
      [projectId],
    );
    return rows.map((r) => r.id);
  }

  /** Gives the work item to another project under the iid that project handed out. */
  async moveToProject(id: number, projectId: number, iid: number): Promise<WorkItem> {
    await this.em.query('UPDATE work_items SET project_id = $2, iid = $3 WHERE id = $1', [
      id,
      projectId,
      iid,
    ]);
    return this.em.findOneOrFail(WorkItem, { where: { id } });
  }

  findByIid(projectId: number, iid: number): Promise<WorkItem | null> {
    return this.em.findOne(WorkItem, { where: { projectId, iid } });
  }

  async addNote(input: {
    workItemId: number;
    body: string;
    authorEmail: string | null;
    inboundEmailId: string | null;
  }): Promise<Note> {
    return this.em.save(this.em.create(Note, { ...input, authorUserId: null }));
  }

  async listContactIds(workItemId: number): Promise<number[]> {
    const rows: { contact_id: number }[] = await this.em.query(
      'SELECT contact_id FROM work_item_contacts WHERE work_item_id = $1 ORDER BY contact_id',
      [workItemId],
    );
    return rows.map((r) => r.contact_id);
  }

  /** A work item staff created through the API: no reply key, no Service Desk author. */
  async createByUser(input: {
    projectId: number;
    iid: number;
    title: string;
    description: string;
    authorUserId: number | null;
  }): Promise<WorkItem> {
    return this.em.save(
      this.em.create(WorkItem, { ...input, state: 'open', serviceDesk: false, replyKey: null }),
    );
  }

  /** One page of a project's work items, highest iid (newest) first. */
  async list(projectId: number, beforeIid: number | null, limit: number): Promise<WorkItem[]> {
    const q = this.em
      .createQueryBuilder(WorkItem, 'w')
      .where('w.project_id = :projectId', { projectId })
      .orderBy('w.iid', 'DESC')
      .limit(limit);
    if (beforeIid !== null) q.andWhere('w.iid < :beforeIid', { beforeIid });
    return q.getMany();
  }

  async addStaffNote(input: {
    workItemId: number;
    body: string;
    authorUserId: number | null;
  }): Promise<Note> {
    return this.em.save(
      this.em.create(Note, { ...input, authorEmail: null, inboundEmailId: null }),
    );
  }
}
