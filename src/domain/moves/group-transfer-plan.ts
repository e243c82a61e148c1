import type { AncestorSetting, SubtreeGroup } from '../../repositories/group.repository';
import { resolveContactSource } from '../crm/contact-source';

/**
 * What a group transfer does to contacts (DESIGN §3 "Moves"):
 * - `unchanged`: the group has its own source, or its resolved source stays the same;
 * - `move_all`: the group was itself the old source (a top-level group moving under another):
 *   its contacts and organizations move to the new source;
 * - `copy`: the contacts (and their organizations) the affected work items use are copied.
 * `groupIds` are the groups of the subtree whose source changes: those with no configured
 * source between themselves and the moved group.
 */
export type GroupTransferPlan =
  | { kind: 'unchanged' }
  | { kind: 'move_all' | 'copy'; from: number; to: number; groupIds: number[] };

export interface GroupTransferFacts {
  groupId: number;
  /** CRM settings from the current root down to the group itself. */
  oldChain: readonly AncestorSetting[];
  /** The same for the new parent; empty when the group becomes top-level. */
  newParentChain: readonly AncestorSetting[];
  subtree: readonly SubtreeGroup[];
  /** Some group has this one configured as its contact source. */
  isConfiguredSource: boolean;
}

export function planGroupTransfer(facts: GroupTransferFacts): GroupTransferPlan {
  const self = facts.oldChain[facts.oldChain.length - 1];
  if (!self || self.groupId !== facts.groupId) throw new Error('oldChain must end with the group');
  if (self.sourceGroupId !== null) return { kind: 'unchanged' };
  const from = resolveContactSource(facts.oldChain);
  const to = resolveContactSource([...facts.newParentChain, self]);
  if (from === to) return { kind: 'unchanged' };
  const configured = new Map(facts.subtree.map((g) => [g.groupId, g.sourceGroupId]));
  const groupIds = facts.subtree
    .filter((g) => {
      const below = g.traversalIds.slice(g.traversalIds.indexOf(facts.groupId));
      return below.every((id) => (configured.get(id) ?? null) === null);
    })
    .map((g) => g.groupId);
  // a group other groups name as their source keeps its contacts for them: copy instead
  const movesAll = from === facts.groupId && !facts.isConfiguredSource;
  return { kind: movesAll ? 'move_all' : 'copy', from, to, groupIds };
}
