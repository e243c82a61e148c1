import type { Project } from '../../../entities/project.entity';
import type { Repositories } from '../../repositories/store';
import { NotFoundError } from '../../errors';
import type { Actor } from './actor';
import { assertLevel, levelInGroup } from './group-access';

/** A project is visible to whoever has access to its group; the same 404/403 rules apply. */
export async function requireProjectRole(
  repos: Repositories,
  actor: Actor,
  projectId: number,
  minLevel: number,
): Promise<{ project: Project; level: number }> {
  const project = await repos.projects.findById(projectId);
  const level = project ? await levelInGroup(repos, actor, project.groupId) : null;
  if (!project || level === null) throw new NotFoundError('project not found');
  assertLevel(level, minLevel, 'project’s group');
  return { project, level };
}
