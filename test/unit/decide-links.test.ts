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

  describe('under a sender-authentication policy', () => {
    const passed = {
      fromDomain: 'x.com',
      spf: { result: 'pass', domain: 'x.com' },
      dkim: [],
      dmarc: { result: 'pass', policy: 'reject' },
      arc: null,
      dmarcPass: true,
      alignedPass: true,
      dnsFailure: null,
      header: 'Authentication-Results: desk.localhost; dmarc=pass',
    };
    const failed = { ...passed, dmarc: { result: 'fail', policy: 'reject' }, dmarcPass: false };
    /** Email 100 passed, 200 failed; the fifth address lost its email (deleted). */
    const participants = [
      { ...p(1, 'u1@x.com', 'from'), inboundEmailId: '100' },
      { ...p(2, 'u2@x.com'), inboundEmailId: '100' },
      { ...p(3, 'nobody@x.com'), inboundEmailId: '100' },
      { ...p(4, 'support+k@desk.localhost'), inboundEmailId: '100' },
      { ...p(5, 'u3@x.com', 'from'), inboundEmailId: null },
      { ...p(6, 'u1@x.com'), inboundEmailId: '200' },
    ];

    it('links a passing sender and its CCs, and says which check passed', () => {
      const outcomes = decideLinks(participants, activeContacts(3), addressing, 25, {
        policy: 'dmarc',
        resultsOf: (id) => (id === '100' ? passed : id === '200' ? failed : null),
      });
      expect(outcomes).toEqual([
        { email: 'u1@x.com', outcome: 'linked', contactId: 1, reason: 'DMARC pass for x.com' },
        {
          email: 'u2@x.com',
          outcome: 'linked',
          contactId: 2,
          reason: 'CC of an email whose From passed: DMARC pass for x.com',
        },
        {
          email: 'nobody@x.com',
          outcome: 'unknown',
          contactId: null,
          reason: 'CC of an email whose From passed: DMARC pass for x.com',
        },
        { email: 'support+k@desk.localhost', outcome: 'own_address', contactId: null },
        {
          email: 'u3@x.com',
          outcome: 'unauthenticated',
          contactId: null,
          reason: 'the email has no sender authentication result',
        },
        {
          email: 'u1@x.com',
          outcome: 'unauthenticated',
          contactId: null,
          reason: 'CC of an email whose From did not pass: DMARC fail for x.com',
        },
      ]);
    });

    it('decides as before when the policy is off', () => {
      expect(
        decideLinks(participants, activeContacts(3), addressing, 25, {
          policy: 'off',
          resultsOf: () => failed,
        }),
      ).toEqual(decideLinks(participants, activeContacts(3), addressing, 25));
    });
  });
});
