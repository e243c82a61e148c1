import type { WorkItem, WorkItemState } from '../../../entities/work-item.entity';
import type { WorkItemFilter } from '../../repositories/work-item.repository';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
import { projectGroupCrm, throwDenial } from '../crm/permissions';
import { toPage, type Page, type PageRequest } from '../pagination';
import { requireWorkItem } from './work-item-access';

export async function createWorkItem(
  store: Store,
  actor: Actor,
  projectId: number,
  input: { title: string; description?: string },
): Promise<WorkItem> {
  return store.transaction(async (repos) => {
    await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.guest);
    const iid = await repos.projects.nextWorkItemIid(projectId);
    return repos.workItems.createByUser({
      projectId,
      iid,
      title: input.title,
      description: input.description ?? '',
      authorUserId: actor.userId,
    });
  });
}

/** Filtering by contact reveals who is linked: it needs the right to read the contacts. */
export async function listWorkItems(
  store: Store,
  actor: Actor,
  projectId: number,
  filter: WorkItemFilter,
  page: PageRequest,
): Promise<Page<WorkItem>> {
  return store.run(async (repos) => {
    const { project } = await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.guest);
    if (filter.contactId !== undefined)
      throwDenial((await projectGroupCrm(repos, actor, project.groupId, 'read')).denial);
    const rows = await repos.workItems.list(projectId, filter, page.cursor, page.limit + 1);
    return toPage(rows, page.limit, (w) => w.iid);
  });
}

export async function getWorkItem(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<WorkItem> {
  return store.run(async (repos) => (await requireWorkItem(repos, actor, projectId, iid)).workItem);
}

/** Title and state (close, reopen): Planner+, GitLab's role for updating issues. */
export async function updateWorkItem(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
  changes: { title?: string; state?: WorkItemState },
): Promise<WorkItem> {
  return store.run(async (repos) => {
    const { workItem } = await requireWorkItem(repos, actor, projectId, iid, ACCESS_LEVELS.planner);
    return repos.workItems.update(workItem.id, changes);
  });
}
