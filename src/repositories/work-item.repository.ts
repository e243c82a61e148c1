import type { EntityManager } from 'typeorm';
import { Note } from '../../entities/note.entity';
import { Project } from '../../entities/project.entity';
import { WorkItemContact } from '../../entities/work-item-contact.entity';
import { WorkItem, type WorkItemState } from '../../entities/work-item.entity';

export interface NewWorkItem {
  projectId: number;
  iid: number;
  title: string;
  description: string;
  authorEmail: string | null;
  serviceDesk: boolean;
  replyKey: string | null;
}

export interface WorkItemFilter {
  state?: WorkItemState;
  /** True: tickets created from email; false: work items staff created. */
  serviceDesk?: boolean;
  contactId?: number;
}

export class WorkItemRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewWorkItem): Promise<WorkItem> {
    return this.em.save(this.em.create(WorkItem, { ...input, state: 'open' }));
  }

  /** A Service Desk ticket under the project's next iid (its sequence), in one statement. */
  async createTicket(
    input: Omit<NewWorkItem, 'iid' | 'serviceDesk'>,
  ): Promise<{ id: number; iid: number }> {
    const result = await this.em
      .createQueryBuilder()
      .insert()
      .into(WorkItem)
      .values({
        ...input,
        iid: () => 'next_work_item_iid(:projectId)',
        serviceDesk: true,
        state: 'open',
      })
      .setParameter('projectId', input.projectId)
      .returning(['id', 'iid'])
      .updateEntity(false)
      .execute();
    const row = (result.raw as { id: number; iid: number }[])[0]!;
    return { id: row.id, iid: row.iid };
  }

  findById(id: number): Promise<WorkItem | null> {
    return this.em.findOne(WorkItem, { where: { id } });
  }

  /** The work item, locked until commit; null when the project has no such iid (any more). */
  lockByIid(projectId: number, iid: number): Promise<WorkItem | null> {
    return this.em
      .createQueryBuilder(WorkItem, 'w')
      .where('w.projectId = :projectId AND w.iid = :iid', { projectId, iid })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Locks the work items of projects in these groups (id order, so lockers never deadlock). */
  async lockInGroups(groupIds: number[]): Promise<number[]> {
    if (groupIds.length === 0) return [];
    // projects first: a ticket being written in the subtree holds its project FOR SHARE, so this
    // waits for it and then locks it too, and a ticket after it waits; its link job then reads
    // the new contact source. The same order as every other path
    await this.em
      .createQueryBuilder(Project, 'p')
      .select('p.id')
      .where('p.groupId = ANY(:groupIds)', { groupIds })
      .orderBy('p.id')
      .setLock('for_no_key_update')
      .getMany();
    const items = await this.em
      .createQueryBuilder(WorkItem, 'w')
      .select('w.id')
      .innerJoin(Project, 'p', 'p.id = w.projectId')
      .where('p.groupId = ANY(:groupIds)', { groupIds })
      .orderBy('w.id')
      .setLock('pessimistic_write', undefined, ['w'])
      .getMany();
    return items.map((w) => w.id);
  }

  async lockInProject(projectId: number): Promise<number[]> {
    const items = await this.em
      .createQueryBuilder(WorkItem, 'w')
      .select('w.id')
      .where('w.projectId = :projectId', { projectId })
      .orderBy('w.id')
      .setLock('pessimistic_write')
      .getMany();
    return items.map((w) => w.id);
  }

  /** Gives the work item to another project under the iid that project handed out. */
  async moveToProject(id: number, projectId: number, iid: number): Promise<WorkItem> {
    await this.em.update(WorkItem, { id }, { projectId, iid });
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
    const links = await this.em.find(WorkItemContact, {
      where: { workItemId },
      select: { contactId: true },
      order: { contactId: 'ASC' },
    });
    return links.map((l) => l.contactId);
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
  async list(
    projectId: number,
    filter: WorkItemFilter,
    beforeIid: number | null,
    limit: number,
  ): Promise<WorkItem[]> {
    const q = this.em
      .createQueryBuilder(WorkItem, 'w')
      .where('w.project_id = :projectId', { projectId })
      .orderBy('w.iid', 'DESC')
      .limit(limit);
    if (filter.state !== undefined) q.andWhere('w.state = :state', { state: filter.state });
    if (filter.serviceDesk !== undefined)
      q.andWhere('w.service_desk = :serviceDesk', { serviceDesk: filter.serviceDesk });
    if (filter.contactId !== undefined)
      q.andWhere(
        'EXISTS (SELECT 1 FROM work_item_contacts wic WHERE wic.work_item_id = w.id AND wic.contact_id = :contactId)',
        { contactId: filter.contactId },
      );
    if (beforeIid !== null) q.andWhere('w.iid < :beforeIid', { beforeIid });
    return q.getMany();
  }

  async update(id: number, changes: { title?: string; state?: WorkItemState }): Promise<WorkItem> {
    if (Object.keys(changes).length > 0) await this.em.update(WorkItem, { id }, changes);
    return this.em.findOneOrFail(WorkItem, { where: { id } });
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
