import type { EntityManager } from 'typeorm';
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

  findById(id: number): Promise<Project | null> {
    return this.em.findOne(Project, { where: { id } });
  }

  /** The project whose Service Desk answers at this key, when Service Desk is enabled. */
  async findServiceDeskProjectId(key: string): Promise<number | null> {
    const project = await this.em.findOne(Project, {
      select: { id: true },
      where: { serviceDeskKey: key, serviceDeskEnabled: true },
    });
    return project?.id ?? null;
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
