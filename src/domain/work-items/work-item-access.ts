import type { Project } from '../../../entities/project.entity';
import type { WorkItem } from '../../../entities/work-item.entity';
import type { Repositories } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
import { NotFoundError } from '../../errors';

/** A work item by its project and iid, for anyone with access to the project (or `minLevel`). */
export async function requireWorkItem(
  repos: Repositories,
  actor: Actor,
  projectId: number,
  iid: number,
  minLevel: number = ACCESS_LEVELS.guest,
): Promise<{ project: Project; workItem: WorkItem }> {
  const { project } = await requireProjectRole(repos, actor, projectId, minLevel);
  const workItem = await repos.workItems.findByIid(projectId, iid);
  if (!workItem) throw new NotFoundError('work item not found');
  return { project, workItem };
}
