import type { GroupMember } from '../../../entities/group-member.entity';
import type { EffectiveMember } from '../../repositories/membership.repository';
import type { Repositories, Store } from '../../repositories/store';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors';
import type { Actor } from '../access/actor';
import { requireGroupRole } from '../access/group-access';
import { ACCESS_LEVELS, roleName, type RoleName } from '../access/roles';
import { toPage, type Page, type PageRequest } from '../pagination';

export interface Membership {
  groupId: number;
  userId: number;
  role: RoleName;
  accessLevel: number;
}

export interface MemberView extends EffectiveMember {
  role: RoleName;
  /** True when the role comes from an ancestor's membership, not the group's own. */
  inherited: boolean;
}

/** Members of the group and of its ancestors, each with its role here; anyone in the group reads them. */
export async function listMembers(
  store: Store,
  actor: Actor,
  groupId: number,
  page: PageRequest,
): Promise<Page<MemberView>> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.guest);
    const group = (await repos.groups.findById(groupId))!;
    const rows = await repos.memberships.listEffective(
      groupId,
      group.traversalIds,
      page.cursor,
      page.limit + 1,
    );
    const { items, nextCursor } = toPage(rows, page.limit, (m) => m.userId);
    return {
      items: items.map((m) => ({
        ...m,
        role: roleName(m.accessLevel),
        inherited: m.membershipGroupId !== groupId,
      })),
      nextCursor,
    };
  });
}

/** Adds a member, or changes the role of one (never demoting the group's last Owner). */
export async function addMember(
  store: Store,
  actor: Actor,
  groupId: number,
  input: { userId: number; role: RoleName },
): Promise<Membership> {
  return store.transaction(async (repos) => {
    const owners = await lockAsOwner(repos, actor, groupId);
    if (!(await repos.users.findById(input.userId)))
      throw new UnprocessableError(`user ${input.userId} does not exist`, { field: 'userId' });
    const current = await repos.memberships.lockDirect(groupId, input.userId);
    return setRole(repos, owners, groupId, input.userId, input.role, current);
  });
}

/** Changes a member's own role in this group; an inherited one is changed where it comes from. */
export async function updateMember(
  store: Store,
  actor: Actor,
  groupId: number,
  userId: number,
  role: RoleName,
): Promise<Membership> {
  return store.transaction(async (repos) => {
    const owners = await lockAsOwner(repos, actor, groupId);
    const current = await repos.memberships.lockDirect(groupId, userId);
    if (current === null)
      throw new NotFoundError('member not found (an inherited role is changed in its own group)');
    return setRole(repos, owners, groupId, userId, role, current);
  });
}

export async function removeMember(
  store: Store,
  actor: Actor,
  groupId: number,
  userId: number,
): Promise<void> {
  await store.transaction(async (repos) => {
    const owners = await lockAsOwner(repos, actor, groupId);
    const level = await repos.memberships.lockDirect(groupId, userId);
    if (level === null)
      throw new NotFoundError(
        'member not found (an inherited member is removed from its own group)',
      );
    if (level === ACCESS_LEVELS.owner) assertAnotherOwner(owners, groupId, userId, 'removed');
    await repos.memberships.remove(groupId, userId);
  });
}

/**
 * Locks the Owner memberships of the group and its ancestors before anything is read, so two
 * Owners changing each other wait in turn (and never deadlock), and the second finds what the
 * first left: possibly no longer an Owner, or the last one. Then checks the actor is an Owner.
 */
async function lockAsOwner(
  repos: Repositories,
  actor: Actor,
  groupId: number,
): Promise<GroupMember[]> {
  const group = await repos.groups.findById(groupId);
  const owners = group
    ? await repos.memberships.lockOwners(group.traversalIds, ACCESS_LEVELS.owner)
    : [];
  await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.owner);
  return owners;
}

async function setRole(
  repos: Repositories,
  owners: GroupMember[],
  groupId: number,
  userId: number,
  role: RoleName,
  current: number | null,
): Promise<Membership> {
  const accessLevel = ACCESS_LEVELS[role];
  if (current === ACCESS_LEVELS.owner && accessLevel < current)
    assertAnotherOwner(owners, groupId, userId, 'demoted');
  await repos.memberships.upsert(groupId, userId, accessLevel);
  return { groupId, userId, role, accessLevel };
}

/** A group always keeps an Owner: its own, or one it inherits from an ancestor. */
function assertAnotherOwner(
  owners: GroupMember[],
  groupId: number,
  userId: number,
  change: 'removed' | 'demoted',
): void {
  if (!owners.some((o) => o.groupId !== groupId || o.userId !== userId))
    throw new ConflictError(
      `the last Owner of a group cannot be ${change}: make another member Owner first`,
    );
}
