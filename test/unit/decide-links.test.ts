import { decideLinks } from '../../src/domain/crm/link-contacts.service';

const addressing = { localPart: 'support', domain: 'desk.localhost' };
const p = (id: number, email: string, role: 'from' | 'cc' = 'cc') => ({ id, email, role });
/** Active contacts u1@x.com … un@x.com. */
const activeContacts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    email: `u${i + 1}@x.com`,
    state: 'active' as const,
  }));

describe('decideLinks', () => {
  it('links active matches and explains every other address', () => {
    const outcomes = decideLinks(
      [p(1, 'a@x.com', 'from'), p(2, 'b@x.com'), p(3, 'c@x.com'), p(4, 'support+k@desk.localhost')],
      [
        { id: 10, email: 'a@x.com', state: 'active' },
        { id: 11, email: 'b@x.com', state: 'inactive' },
      ],
      addressing,
      25,
    );
    expect(outcomes).toEqual([
      { email: 'a@x.com', outcome: 'linked', contactId: 10 },
      { email: 'b@x.com', outcome: 'inactive', contactId: 11 },
      { email: 'c@x.com', outcome: 'unknown', contactId: null },
      { email: 'support+k@desk.localhost', outcome: 'own_address', contactId: null },
    ]);
  });

  it('links at most the limit and records the rest as limit', () => {
    const participants = [1, 2, 3].map((i) => p(i, `u${i}@x.com`));
    const contacts = activeContacts(3);
    expect(decideLinks(participants, contacts, addressing, 2).map((o) => o.outcome)).toEqual([
      'linked',
      'linked',
      'limit',
    ]);
  });

  it('counts the limit per email: addresses of two emails each get their own', () => {
    const participants = [1, 2, 3, 4].map((i) => ({
      ...p(i, `u${i}@x.com`),
      inboundEmailId: i <= 3 ? '100' : '200',
    }));
    const contacts = activeContacts(4);
    expect(decideLinks(participants, contacts, addressing, 2).map((o) => o.outcome)).toEqual([
      'linked',
      'linked',
      'limit',
      'linked',
    ]);
  });
});
