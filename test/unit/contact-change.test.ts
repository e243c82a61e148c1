import { decideContactChange, type Target } from '../../src/domain/crm/contact-change';

const active = (id: number): Target => ({
  ref: { contactId: id },
  contact: { id, email: `c${id}@x.example`, state: 'active' },
});
const inactive = (id: number): Target => ({
  ref: { contactId: id },
  contact: { id, email: `c${id}@x.example`, state: 'inactive' },
});
const missing = (email: string): Target => ({ ref: { email }, contact: null });

describe('decideContactChange', () => {
  it('appends active contacts, keeps linked ones and refuses inactive and unknown ones', () => {
    const change = decideContactChange(
      'append',
      [active(1), active(2), inactive(3), missing('n@x.example')],
      new Set([2]),
    );
    expect(change.link).toEqual([1]);
    expect(change.failures.map((f) => f.reason)).toEqual(['inactive', 'not_found']);
  });

  it('replaces: links the new, unlinks the others, lets an already linked inactive contact stay', () => {
    const change = decideContactChange('replace', [active(1), inactive(4)], new Set([4, 5]));
    expect(change).toMatchObject({ link: [1], unlink: [5], failures: [] });
  });

  it('removes only contacts on the work item', () => {
    const change = decideContactChange('remove', [active(1), active(2)], new Set([2]));
    expect(change.unlink).toEqual([2]);
    expect(change.failures).toEqual([
      expect.objectContaining({ contactId: 1, reason: 'not_on_work_item' }),
    ]);
  });

  it('refuses every target of an operation that adds more than 6', () => {
    const targets = [1, 2, 3, 4, 5, 6, 7].map(active);
    const change = decideContactChange('append', targets, new Set());
    expect(change.link).toEqual([]);
    expect(change.failures).toHaveLength(7);
    expect(decideContactChange('append', targets.slice(0, 6), new Set()).link).toHaveLength(6);
  });
});
