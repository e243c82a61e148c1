import type { Repositories } from '../../repositories/store';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Actor } from './actor';
import { ACCESS_LEVELS, roleName } from './roles';

/** Instance admins act as Owners everywhere. */
const ADMIN_LEVEL = ACCESS_LEVELS.owner;

/** The actor's level in a group (inherited from ancestors), or null when it has no access. */
export async function levelInGroup(
  repos: Repositories,
  actor: Actor,
  groupId: number,
): Promise<number | null> {
  const role = await repos.memberships.roleInGroup(groupId, actor.userId);
  if (!role) return null;
  return actor.isAdmin ? ADMIN_LEVEL : role.accessLevel;
}

/** levelInGroup for several groups in one query; groups that do not exist are left out. */
export async function levelsInGroups(
  repos: Repositories,
  actor: Actor,
  groupIds: readonly number[],
): Promise<Map<number, number | null>> {
  const levels = await repos.memberships.levelsInGroups(groupIds, actor.userId);
  if (actor.isAdmin) for (const id of levels.keys()) levels.set(id, ADMIN_LEVEL);
  return levels;
}

/**
 * 404 when the actor has no access to the group at all (its existence is not revealed),
 * 403 when it has access but a role below `minLevel`. Returns the actor's level.
 */
export async function requireGroupRole(
  repos: Repositories,
  actor: Actor,
  groupId: number,
  minLevel: number,
): Promise<number> {
  const level = await levelInGroup(repos, actor, groupId);
  if (level === null) throw new NotFoundError('group not found');
  assertLevel(level, minLevel, 'group');
  return level;
}

export function assertLevel(level: number, minLevel: number, where: string): void {
  if (level < minLevel)
    throw new ForbiddenError(`this action needs the ${roleName(minLevel)} role in the ${where}`);
}
