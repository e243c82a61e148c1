import type { MigrationCounts } from '../../repositories/crm-migration.repository';
import type { Repositories, Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { levelInGroup, requireGroupRole } from '../access/group-access';
import { ACCESS_LEVELS } from '../access/roles';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../errors';
import type { GroupView } from '../groups/groups.service';
import { planGroupTransfer, type GroupTransferPlan } from './group-transfer-plan';

/** GitLab's words for a transfer whose contacts the actor may not take along (DESIGN §3). */
export const TRANSFER_FAILED =
  "Transfer failed: Group contains contacts/organizations and you don't have enough permissions to move them to the new root group.";

export type ContactMigration =
  | { kind: 'unchanged' }
  | ({ kind: 'moved' | 'copied'; from: number; to: number } & MigrationCounts);

export interface GroupTransferView extends GroupView {
  contacts: ContactMigration;
}

/**
 * Owner of the group and of the new parent (top level: the group's Owner). The subtree follows;
 * contacts and organizations follow as DESIGN §3 says, all of it or, on any failure, none.
 */
export async function transferGroup(
  store: Store,
  actor: Actor,
  groupId: number,
  parentId: number | null,
): Promise<GroupTransferView> {
  return store.transaction(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.owner);
    if (parentId !== null) await requireGroupRole(repos, actor, parentId, ACCESS_LEVELS.owner);
    await repos.groups.lockTransfers();
    const group = await repos.groups.findById(groupId);
    if (!group) throw new NotFoundError('group not found');
    if (group.parentId === parentId)
      throw new UnprocessableError('the group is already there', { field: 'parentId' });
    const parent = parentId === null ? null : await repos.groups.findById(parentId);
    if (parent?.traversalIds.includes(groupId))
      throw new UnprocessableError('a group cannot be moved under itself or its subgroups', {
        field: 'parentId',
      });

    const plan = planGroupTransfer({
      groupId,
      oldChain: (await repos.groups.crmChainOfGroup(groupId))!.chain,
      newParentChain:
        parentId === null ? [] : (await repos.groups.crmChainOfGroup(parentId))!.chain,
      subtree: await repos.groups.lockSubtree(groupId),
      isConfiguredSource: await repos.groups.isConfiguredSource(groupId),
    });
    await repos.groups.reparent(groupId, parentId, group.path);
    const contacts = await migrateContacts(repos, actor, plan);
    const moved = (await repos.groups.findById(groupId))!;
    return { ...moved, fullPath: (await repos.groups.fullPath(groupId)) ?? '', contacts };
  });
}

/** Runs after the move, so roles in the new source are counted where the group now is. */
async function migrateContacts(
  repos: Repositories,
  actor: Actor,
  plan: GroupTransferPlan,
): Promise<ContactMigration> {
  if (plan.kind === 'unchanged') return plan;
  // links made meanwhile by email or the API wait for these locks, then see the new source
  const workItemIds = await repos.workItems.lockInGroups(plan.groupIds);
  const anything =
    plan.kind === 'move_all'
      ? (await repos.crmMigration.countHeld(plan.from)) > 0
      : (await repos.crmMigration.contactIdsLinkedTo(workItemIds)).length > 0;
  if (anything) {
    const level = await levelInGroup(repos, actor, plan.to);
    if (level === null || level < ACCESS_LEVELS.developer)
      throw new ForbiddenError(TRANSFER_FAILED);
  }
  const counts =
    plan.kind === 'move_all'
      ? await repos.crmMigration.moveAll(plan.from, plan.to)
      : await repos.crmMigration.copyUsed(workItemIds, plan.to);
  return {
    kind: plan.kind === 'move_all' ? 'moved' : 'copied',
    from: plan.from,
    to: plan.to,
    ...counts,
  };
}
