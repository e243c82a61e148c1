import { randomBytes } from 'node:crypto';
import type { Project } from '../../../entities/project.entity';
import type { Store } from '../../repositories/store';
import { serviceDeskAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import type { Actor } from '../access/actor';
import { levelInGroup, requireGroupRole } from '../access/group-access';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
import { toPage, type Page, type PageRequest } from '../pagination';

export interface ProjectView extends Project {
  serviceDeskAddress: string;
}

export const projectView = (addressing: ServiceDeskAddressing, project: Project): ProjectView => ({
  ...project,
  serviceDeskAddress: serviceDeskAddress(addressing, project.serviceDeskKey),
});

/** Unguessable: the support address is all a sender needs to open tickets. */
const newServiceDeskKey = () => randomBytes(10).toString('hex');

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
      serviceDeskKey: newServiceDeskKey(),
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

/**
 * A project by its full path (`group/subgroup/project`, case-insensitive like paths are), for
 * whoever has access to its group; null otherwise, so a path reveals nothing.
 */
export async function findProjectByFullPath(
  store: Store,
  actor: Actor,
  fullPath: string,
): Promise<(Project & { fullPath: string }) | null> {
  const cut = fullPath.lastIndexOf('/');
  if (cut <= 0) return null; // every project is in a group
  return store.run(async (repos) => {
    const filter = { fullPath: fullPath.slice(0, cut), visibleTo: null };
    const [group] = await repos.groups.list(filter, null, 1);
    const project = group
      ? await repos.projects.findByPath(group.id, fullPath.slice(cut + 1))
      : null;
    if (!group || !project || (await levelInGroup(repos, actor, project.groupId)) === null)
      return null;
    return { ...project, fullPath: `${group.fullPath}/${project.path}` };
  });
}

/** A group's projects (with its subgroups' when asked), for whoever may read the group. */
export async function listGroupProjects(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  groupId: number,
  includeSubgroups: boolean,
  page: PageRequest,
): Promise<Page<ProjectView>> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.guest);
    const rows = await repos.projects.listInGroup(
      groupId,
      includeSubgroups,
      page.cursor,
      page.limit + 1,
    );
    const { items, nextCursor } = toPage(rows, page.limit);
    return { items: items.map((p) => projectView(addressing, p)), nextCursor };
  });
}

export async function updateProject(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  projectId: number,
  changes: { name?: string; serviceDeskEnabled?: boolean },
): Promise<ProjectView> {
  return store.run(async (repos) => {
    await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.maintainer);
    return projectView(addressing, await repos.projects.update(projectId, changes));
  });
}

/** A new support address; the old one (and its tickets' reply addresses) stops receiving. */
export async function rotateServiceDeskKey(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  projectId: number,
): Promise<ProjectView> {
  return store.run(async (repos) => {
    await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.maintainer);
    const project = await repos.projects.update(projectId, { serviceDeskKey: newServiceDeskKey() });
    return projectView(addressing, project);
  });
}
