import type { GroupCrmChain } from '../../repositories/group.repository';
import type { Repositories, Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { levelInGroup, levelsInGroups, requireGroupRole } from '../access/group-access';
import { ACCESS_LEVELS } from '../access/roles';
import { UnprocessableError } from '../../errors';
import { resolveContactSource } from './contact-source';
import { resolveSenderAuthPolicy, type SenderAuthPolicy } from './sender-auth-policy';

export interface CrmSettingsView {
  enabled: boolean;
  contactSourceGroupId: number | null;
  resolvedContactSourceGroupId: number;
  /** The group's own policy; null inherits it (from the nearest ancestor, else `off`). */
  senderAuthPolicy: SenderAuthPolicy | null;
  resolvedSenderAuthPolicy: SenderAuthPolicy;
}

export const SOURCE_LOCKED =
  'Contact source cannot be changed when work items already have contacts assigned from a different source';

/** A group's settings from its chain: the chain ends with the group's own row. */
function viewOf(crm: GroupCrmChain): CrmSettingsView {
  return {
    enabled: crm.crmEnabled,
    contactSourceGroupId: crm.chain[crm.chain.length - 1]!.sourceGroupId,
    resolvedContactSourceGroupId: resolveContactSource(crm.chain),
    senderAuthPolicy: crm.senderAuthPolicies[crm.senderAuthPolicies.length - 1] ?? null,
    resolvedSenderAuthPolicy: resolveSenderAuthPolicy(crm.senderAuthPolicies),
  };
}

async function view(repos: Repositories, groupId: number): Promise<CrmSettingsView> {
  return viewOf((await repos.groups.crmChainOfGroup(groupId))!);
}

export async function getCrmSettings(
  store: Store,
  actor: Actor,
  groupId: number,
): Promise<CrmSettingsView> {
  return store.run(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.owner);
    return view(repos, groupId);
  });
}

/** At most this many groups per call of crmSettingsOfGroups. */
export const CRM_SETTINGS_BATCH = 200;

/**
 * The settings of those of `groupIds` the actor owns (the others are left out), in two queries
 * whatever their number (the groups tree); at most CRM_SETTINGS_BATCH groups.
 */
export async function crmSettingsOfGroups(
  store: Store,
  actor: Actor,
  groupIds: readonly number[],
): Promise<Map<number, CrmSettingsView>> {
  if (groupIds.length > CRM_SETTINGS_BATCH)
    throw new RangeError(`at most ${CRM_SETTINGS_BATCH} groups at a time`);
  return store.run(async (repos) => {
    const levels = await levelsInGroups(repos, actor, groupIds);
    const owned = groupIds.filter((id) => (levels.get(id) ?? -1) >= ACCESS_LEVELS.owner);
    const chains = await repos.groups.crmChainsOfGroups(owned);
    return new Map([...chains].map(([id, crm]) => [id, viewOf(crm)]));
  });
}

/** Owner only; a field left out keeps its value, so changing the source never flips `enabled`. */
export async function updateCrmSettings(
  store: Store,
  actor: Actor,
  groupId: number,
  input: {
    enabled?: boolean;
    contactSourceGroupId?: number | null;
    senderAuthPolicy?: SenderAuthPolicy | null;
  },
): Promise<CrmSettingsView> {
  return store.transaction(async (repos) => {
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.owner);
    const own = await repos.groups.ownCrmSettings(groupId);
    const sourceGroupId =
      input.contactSourceGroupId === undefined ? own.sourceGroupId : input.contactSourceGroupId;
    if (sourceGroupId !== null && sourceGroupId !== own.sourceGroupId) {
      // reading and linking the source's contacts is what the setting hands out: the Owner must
      // be able to manage them there. No access and a low role answer alike (no existence leak).
      const level = await levelInGroup(repos, actor, sourceGroupId);
      if (level === null || level < ACCESS_LEVELS.developer)
        throw new UnprocessableError(
          `contact source group ${sourceGroupId} not found, or you are not a Developer there`,
          { field: 'contactSourceGroupId' },
        );
    }
    const chain = (await repos.groups.crmChainOfGroup(groupId))!.chain;
    const before = resolveContactSource(chain);
    const after = resolveContactSource(
      chain.map((g) => (g.groupId === groupId ? { groupId, sourceGroupId } : g)),
    );
    if (before !== after) {
      // a link job holds its work item while it reads the source and links: take them all first,
      // so none links from the old source after the check below
      const subtree = await repos.groups.lockSubtree(groupId);
      await repos.workItems.lockInGroups(subtree.map((g) => g.groupId));
      if (await repos.groups.subtreeUsesContactsOf(groupId, before))
        throw new UnprocessableError(SOURCE_LOCKED, { field: 'contactSourceGroupId' });
    }
    await repos.groups.setCrmSettings(groupId, input.enabled ?? own.enabled, sourceGroupId);
    if (input.senderAuthPolicy !== undefined)
      await repos.groups.setSenderAuthPolicy(groupId, input.senderAuthPolicy);
    return view(repos, groupId);
  });
}
