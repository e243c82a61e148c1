import type { EntityManager } from 'typeorm';
import { Project } from '../../entities/project.entity';
import { ConflictError } from '../domain/errors';
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
    await this.em
      .query('UPDATE projects SET group_id = $2 WHERE id = $1', [project.id, groupId])
      .catch((err: unknown) => {
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
    const rows: { id: number }[] = await this.em.query(
      'SELECT id FROM projects WHERE service_desk_key = $1 AND service_desk_enabled',
      [key],
    );
    return rows[0]?.id ?? null;
  }

  async setServiceDeskEnabled(id: number, enabled: boolean): Promise<void> {
    await this.em.update(Project, { id }, { serviceDeskEnabled: enabled });
  }

  /** Hands out the next iid; the row lock held until commit keeps iids gap-free and unique. */
  async nextWorkItemIid(projectId: number): Promise<number> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
    const [rows]: [{ last_work_item_iid: number }[], number] = await this.em.query(
      'UPDATE projects SET last_work_item_iid = last_work_item_iid + 1 WHERE id = $1 RETURNING last_work_item_iid',
      [projectId],
    );
    const row = rows[0];
    if (!row) throw new Error(`project ${projectId} does not exist`);
    return row.last_work_item_iid;
  }
}
