import { randomBytes } from 'node:crypto';
import type { Project } from '../../../entities/project.entity';
import type { Store } from '../../repositories/store';
import { serviceDeskAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import type { Actor } from '../access/actor';
import { requireGroupRole } from '../access/group-access';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';

export interface ProjectView extends Project {
  serviceDeskAddress: string;
}

export const projectView = (addressing: ServiceDeskAddressing, project: Project): ProjectView => ({
  ...project,
  serviceDeskAddress: serviceDeskAddress(addressing, project.serviceDeskKey),
});

export async function createProject(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  input: { groupId: number; name: string; path: string },
): Promise<ProjectView> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, input.groupId, ACCESS_LEVELS.maintainer);
    const project = await repos.projects.create({
      ...input,
      serviceDeskKey: randomBytes(10).toString('hex'),
    });
    return projectView(addressing, project);
  });
}

export async function getProject(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  projectId: number,
): Promise<ProjectView> {
  return store.run(async (repos) => {
    const { project } = await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.guest);
    return projectView(addressing, project);
  });
}
