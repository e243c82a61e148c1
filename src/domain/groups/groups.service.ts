import type { Group } from '../../../entities/group.entity';
import type { GroupWithPath } from '../../repositories/group.repository';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireGroupRole } from '../access/group-access';
import { ACCESS_LEVELS } from '../access/roles';
import { toPage, type Page, type PageRequest } from '../pagination';

export interface GroupView extends Group {
  fullPath: string;
}

export async function createGroup(
  store: Store,
  actor: Actor,
  input: { name: string; path: string; parentId?: number | null },
): Promise<GroupView> {
  const parentId = input.parentId ?? null;
  return store.transaction(async (repos) => {
    if (parentId !== null) await requireGroupRole(repos, actor, parentId, ACCESS_LEVELS.maintainer);
    const group = await repos.groups.create({ name: input.name, path: input.path, parentId });
    // GitLab's rule: whoever creates a top-level group owns it
    if (parentId === null && actor.userId !== null)
      await repos.memberships.upsert(group.id, actor.userId, ACCESS_LEVELS.owner);
    return { ...group, fullPath: (await repos.groups.fullPath(group.id)) ?? group.path };
  });
}

export async function getGroup(store: Store, actor: Actor, groupId: number): Promise<GroupView> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.guest);
    const group = await repos.groups.findById(groupId);
    return { ...group!, fullPath: (await repos.groups.fullPath(groupId)) ?? '' };
  });
}

/** Instance admins see every group; others those they are members of, or of an ancestor. */
export async function listGroups(
  store: Store,
  actor: Actor,
  filter: { fullPath?: string; fullPathPrefix?: string },
  page: PageRequest,
): Promise<Page<GroupWithPath>> {
  const visibleTo = actor.isAdmin ? null : actor.userId;
  if (visibleTo === null && !actor.isAdmin) return { items: [], nextCursor: null };
  return store.run(async (repos) => {
    const rows = await repos.groups.list({ ...filter, visibleTo }, page.cursor, page.limit + 1);
    return toPage(rows, page.limit);
  });
}

/** A group's direct subgroups: whoever may read the group reads them (roles are inherited). */
export async function listSubgroups(
  store: Store,
  actor: Actor,
  groupId: number,
  page: PageRequest,
): Promise<Page<GroupWithPath>> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.guest);
    const rows = await repos.groups.list(
      { parentId: groupId, visibleTo: null },
      page.cursor,
      page.limit + 1,
    );
    return toPage(rows, page.limit);
  });
}
