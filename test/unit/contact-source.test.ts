import { resolveContactSource } from '../../src/domain/crm/contact-source';

describe('resolveContactSource', () => {
  it('defaults to the top-level group when nothing is configured', () => {
    expect(
      resolveContactSource([
        { groupId: 1, sourceGroupId: null },
        { groupId: 2, sourceGroupId: null },
        { groupId: 3, sourceGroupId: null },
      ]),
    ).toBe(1);
  });

  it('uses the group’s own configured source', () => {
    expect(
      resolveContactSource([
        { groupId: 1, sourceGroupId: null },
        { groupId: 2, sourceGroupId: 7 },
      ]),
    ).toBe(7);
  });

  it('inherits the nearest configured ancestor’s source', () => {
    expect(
      resolveContactSource([
        { groupId: 1, sourceGroupId: 5 },
        { groupId: 2, sourceGroupId: 6 },
        { groupId: 3, sourceGroupId: null },
        { groupId: 4, sourceGroupId: null },
      ]),
    ).toBe(6);
  });

  it('lets a subgroup override the source its ancestors configured', () => {
    expect(
      resolveContactSource([
        { groupId: 1, sourceGroupId: 5 },
        { groupId: 2, sourceGroupId: null },
        { groupId: 3, sourceGroupId: 9 },
      ]),
    ).toBe(9);
  });

  it('resolves a top-level group with no setting to itself', () => {
    expect(resolveContactSource([{ groupId: 42, sourceGroupId: null }])).toBe(42);
  });

  it('refuses an empty chain', () => {
    expect(() => resolveContactSource([])).toThrow('cannot be empty');
  });
});
