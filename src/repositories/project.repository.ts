import type { EntityManager } from 'typeorm';
import { Group } from '../../entities/group.entity';
import { Project } from '../../entities/project.entity';
import { ConflictError } from '../errors';
import { NEXT_WORK_ITEM_IID } from './sql/next-work-item-iid.sql';
import { uniqueViolation } from './unique-violation';

export class ProjectRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: {
    groupId: number;
    name: string;
    path: string;
    serviceDeskKey: string;
  }): Promise<Project> {
    return this.em
      .save(this.em.create(Project, { ...input, serviceDeskEnabled: true }))
      .catch((err: unknown) => {
        if (uniqueViolation(err) === 'projects_group_path_key')
          throw new ConflictError(`the path ${input.path} is already taken in this group`);
        throw err;
      });
  }

  /** Moves a project to another group, locking its row until commit. */
  async moveToGroup(project: Project, groupId: number): Promise<Project> {
    await this.em.update(Project, { id: project.id }, { groupId }).catch((err: unknown) => {
      if (uniqueViolation(err) === 'projects_group_path_key')
        throw new ConflictError(`the path ${project.path} is already taken in this group`);
      throw err;
    });
    return this.em.findOneOrFail(Project, { where: { id: project.id } });
  }

  /** One page of a group's projects in id order, with those of its subgroups when asked. */
  async listInGroup(
    groupId: number,
    includeSubgroups: boolean,
    afterId: number | null,
    limit: number,
  ): Promise<Project[]> {
    const q = this.em.createQueryBuilder(Project, 'p').orderBy('p.id', 'ASC').limit(limit);
    if (includeSubgroups)
      q.innerJoin(Group, 'g', 'g.id = p.group_id').where(
        'g.traversal_ids @> ARRAY[:groupId]::int[]',
        { groupId },
      );
    else q.where('p.group_id = :groupId', { groupId });
    if (afterId !== null) q.andWhere('p.id > :afterId', { afterId });
    return q.getMany();
  }

  findById(id: number): Promise<Project | null> {
    return this.em.findOne(Project, { where: { id } });
  }

  /** A project of a group by its path, case-insensitively like the unique index on it. */
  findByPath(groupId: number, path: string): Promise<Project | null> {
    return this.em
      .createQueryBuilder(Project, 'p')
      .where('p.group_id = :groupId AND lower(p.path) = lower(:path)', { groupId, path })
      .getOne();
  }

  /** The project whose Service Desk answers at this key, when Service Desk is enabled. */
  async findServiceDeskProjectId(key: string): Promise<number | null> {
    const project = await this.em.findOne(Project, {
      select: { id: true },
      where: { serviceDeskKey: key, serviceDeskEnabled: true },
    });
    return project?.id ?? null;
  }

  /** Changes what is given; the Service Desk key is unique, like the one it replaces. */
  async update(
    id: number,
    changes: { name?: string; serviceDeskEnabled?: boolean; serviceDeskKey?: string },
  ): Promise<Project> {
    if (Object.keys(changes).length > 0) await this.em.update(Project, { id }, changes);
    return this.em.findOneOrFail(Project, { where: { id } });
  }

  async setServiceDeskEnabled(id: number, enabled: boolean): Promise<void> {
    await this.em.update(Project, { id }, { serviceDeskEnabled: enabled });
  }

  /** Hands out the next iid from the project's sequence (never twice; a failed attempt skips one). */
  async nextWorkItemIid(projectId: number): Promise<number> {
    const rows: { iid: number }[] = await this.em.query(NEXT_WORK_ITEM_IID, [projectId]);
    return rows[0]!.iid;
  }
}
