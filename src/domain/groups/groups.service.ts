import type { Group } from '../../../entities/group.entity';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireGroupRole } from '../access/group-access';
import { ACCESS_LEVELS, type RoleName } from '../access/roles';
import { UnprocessableError } from '../../errors';

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

export async function addMember(
  store: Store,
  actor: Actor,
  groupId: number,
  input: { userId: number; role: RoleName },
): Promise<{ groupId: number; userId: number; role: RoleName; accessLevel: number }> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.owner);
    if (!(await repos.users.findById(input.userId)))
      throw new UnprocessableError(`user ${input.userId} does not exist`, { field: 'userId' });
    const accessLevel = ACCESS_LEVELS[input.role];
    await repos.memberships.upsert(groupId, input.userId, accessLevel);
    return { groupId, userId: input.userId, role: input.role, accessLevel };
  });
}
