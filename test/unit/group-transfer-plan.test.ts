import { planGroupTransfer } from '../../src/domain/moves/group-transfer-plan';

// 1 (root) › 2 (moved) › 3 › 4, and 2 › 5 with its own source 9; new parent 7 under root 6
const subtree = [
  { groupId: 2, traversalIds: [1, 2], sourceGroupId: null },
  { groupId: 3, traversalIds: [1, 2, 3], sourceGroupId: null },
  { groupId: 4, traversalIds: [1, 2, 3, 4], sourceGroupId: null },
  { groupId: 5, traversalIds: [1, 2, 5], sourceGroupId: 9 },
];
const oldChain = [
  { groupId: 1, sourceGroupId: null },
  { groupId: 2, sourceGroupId: null },
];
const newParentChain = [
  { groupId: 6, sourceGroupId: null },
  { groupId: 7, sourceGroupId: null },
];

describe('planGroupTransfer', () => {
  it('copies for the groups that inherit the source, not those with their own', () => {
    expect(
      planGroupTransfer({
        groupId: 2,
        oldChain,
        newParentChain,
        subtree,
        isConfiguredSource: false,
      }),
    ).toEqual({ kind: 'copy', from: 1, to: 6, groupIds: [2, 3, 4] });
  });

  it('changes nothing when the group has its own source or the source stays', () => {
    const own = [oldChain[0]!, { groupId: 2, sourceGroupId: 8 }];
    expect(
      planGroupTransfer({
        groupId: 2,
        oldChain: own,
        newParentChain,
        subtree,
        isConfiguredSource: false,
      }),
    ).toEqual({ kind: 'unchanged' });
    const sameRoot = [
      { groupId: 1, sourceGroupId: null },
      { groupId: 7, sourceGroupId: null },
    ];
    expect(
      planGroupTransfer({
        groupId: 2,
        oldChain,
        newParentChain: sameRoot,
        subtree,
        isConfiguredSource: false,
      }),
    ).toEqual({ kind: 'unchanged' });
  });

  it('moves everything when a top-level source moves, unless other groups use it as their source', () => {
    const top = { groupId: 2, oldChain: [{ groupId: 2, sourceGroupId: null }], newParentChain };
    const tree = subtree.map((g) => ({ ...g, traversalIds: g.traversalIds.slice(1) }));
    expect(planGroupTransfer({ ...top, subtree: tree, isConfiguredSource: false })).toEqual({
      kind: 'move_all',
      from: 2,
      to: 6,
      groupIds: [2, 3, 4],
    });
    expect(planGroupTransfer({ ...top, subtree: tree, isConfiguredSource: true }).kind).toBe(
      'copy',
    );
  });

  it('takes the new source from a configured ancestor of the new parent', () => {
    const configured = [newParentChain[0]!, { groupId: 7, sourceGroupId: 8 }];
    expect(
      planGroupTransfer({
        groupId: 2,
        oldChain,
        newParentChain: configured,
        subtree,
        isConfiguredSource: false,
      }),
    ).toMatchObject({ kind: 'copy', from: 1, to: 8 });
  });
});
