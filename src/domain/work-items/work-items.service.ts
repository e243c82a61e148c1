import type { WorkItem } from '../../../entities/work-item.entity';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
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

export async function listWorkItems(
  store: Store,
  actor: Actor,
  projectId: number,
  page: PageRequest,
): Promise<Page<WorkItem>> {
  return store.run(async (repos) => {
    await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.guest);
    const rows = await repos.workItems.list(projectId, page.cursor, page.limit + 1);
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
