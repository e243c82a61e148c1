import { createDnsClient } from '../../src/dns/dns-client';
import { DnsUnavailableError } from '../../src/errors';
import { ingestEmail } from '../../src/domain/ingest/ingest-email.service';
import { DNS_ATTEMPTS } from '../../src/domain/ingest/authenticate';
import { linkContacts } from '../../src/domain/crm/link-contacts.service';
import type { SenderAuthPolicy } from '../../entities/group-crm-settings.entity';
import { startDnsStub, type DnsStub } from '../support/dns-stub';
import { ingestAndLink, ingestDeps, storeOne } from '../support/inbound';
import { CUSTOMER_IP, LIST_IP, mailAuthWorld, STRANGER_IP } from '../support/mail-auth';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

/**
 * Issue 21 on real PostgreSQL, with desk's own DNS client asking a DNS server on loopback:
 * messages signed here with keys made for the run, SPF and DMARC served by the stub.
 */
let db: TestDb;
let stub: DnsStub;
const world = mailAuthWorld();
let n = 0;

beforeAll(async () => {
  db = await createTestDb();
  stub = await startDnsStub(world.records);
});
afterAll(async () => {
  await stub?.close();
  await db?.drop();
});

/** A fresh client per test (an empty cache), deadlines short enough for a test. */
const deps = () =>
  ingestDeps(db.store, {
    resolveDns: createDnsClient([stub.server], { timeoutMs: 150, tries: 1 }),
  });

/** A group with the policy, its project, and active contacts alice and bob at customer.example. */
async function setup(policy: SenderAuthPolicy | null) {
  const group = await seedGroup(db.store, `sa-${++n}`);
  if (policy) await db.store.repos.groups.setSenderAuthPolicy(group.id, policy);
  const { project } = await seedProject(db.store, group.id);
  const alice = await seedContact(db.store, group.id, 'alice@customer.example');
  const bob = await seedContact(db.store, group.id, 'bob@customer.example');
  return { group, project, alice, bob };
}

const message = (extra: string[] = [], from = 'Alice <alice@customer.example>') => [
  `From: ${from}`,
  'To: support+x@desk.localhost',
  'Cc: bob@customer.example',
  'Subject: The printer is on fire',
  `Message-ID: <sa-${++n}@customer.example>`,
  ...extra,
  '',
  'Please send help.',
  '',
];

async function deliver(
  projectId: number,
  raw: Buffer,
  envelope: { mailFrom: string; remoteAddress: string },
) {
  const row = await storeOne(db.store, projectId, raw, envelope);
  const outcome = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
  const stored = await db.store.repos.inboundEmails.findEnvelope(row.inboundEmailId);
  return { row, outcome, stored: stored! };
}

const fromCustomer = { mailFrom: 'alice@customer.example', remoteAddress: CUSTOMER_IP };

describe('sender authentication decides which addresses are linked', () => {
  it('links the sender and CC of a signed message that passes DMARC, saying why', async () => {
    const { project, alice, bob } = await setup('dmarc');
    const { outcome, stored } = await deliver(
      project.id,
      await world.signed(message()),
      fromCustomer,
    );

    expect(stored.authResults).toMatchObject({
      fromDomain: 'customer.example',
      spf: { result: 'pass', domain: 'customer.example' },
      dkim: [{ result: 'pass', domain: 'customer.example', selector: 's1', aligned: true }],
      dmarc: { result: 'pass', policy: 'reject' },
      arc: null,
      dmarcPass: true,
      alignedPass: true,
      dnsFailure: null,
    });
    expect(stored.authResults!.header).toMatch(
      /^Authentication-Results: desk\.localhost;\r\n dkim=pass header\.i=@customer\.example header\.s=s1 .*\r\n spf=pass .*\r\n dmarc=pass \(p=REJECT arc=none\) header\.from=customer\.example header\.d=customer\.example$/s,
    );
    expect(outcome).toMatchObject({
      kind: 'ticket_created',
      links: {
        addresses: [
          {
            email: 'alice@customer.example',
            outcome: 'linked',
            contactId: alice.id,
            reason: 'DMARC pass for customer.example',
          },
          {
            email: 'bob@customer.example',
            outcome: 'linked',
            contactId: bob.id,
            reason: 'CC of an email whose From passed: DMARC pass for customer.example',
          },
        ],
      },
    });
    expect(stub.queries).toEqual(
      expect.arrayContaining([
        'TXT s1._domainkey.customer.example',
        'TXT customer.example',
        'TXT _dmarc.customer.example',
      ]),
    );
  });

  it('creates the ticket of a forged From but links nobody; a forged Authentication-Results has no effect', async () => {
    const { project } = await setup('dmarc');
    const forged = Buffer.from(
      message([
        // what a forger adds, hoping desk reads it: desk's own name, every check passing
        'Authentication-Results: desk.localhost; dkim=pass header.d=customer.example;',
        ' spf=pass smtp.mailfrom=customer.example; dmarc=pass header.from=customer.example',
      ]).join('\r\n'),
    );
    const { outcome, stored } = await deliver(project.id, forged, {
      mailFrom: 'ceo@attacker.example',
      remoteAddress: STRANGER_IP,
    });

    expect(stored.status).toBe('ticket_created');
    expect(stored.authResults).toMatchObject({
      fromDomain: 'customer.example',
      spf: { result: 'pass', domain: 'attacker.example' },
      dkim: [{ result: 'none' }],
      dmarc: { result: 'fail', policy: 'reject' },
      dmarcPass: false,
      alignedPass: false,
    });
    expect(stored.authResults!.header).not.toMatch(/dmarc=pass|dkim=pass/);
    expect(outcome).toMatchObject({
      links: {
        addresses: [
          {
            email: 'alice@customer.example',
            outcome: 'unauthenticated',
            contactId: null,
            reason: 'DMARC fail for customer.example',
          },
          {
            email: 'bob@customer.example',
            outcome: 'unauthenticated',
            reason: 'CC of an email whose From did not pass: DMARC fail for customer.example',
          },
        ],
      },
    });
    const links = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM work_item_contacts WHERE work_item_id = $1',
      [(outcome as { workItemId: number }).workItemId],
    );
    expect(links).toEqual([{ n: 0 }]);
  });

  it('does not link a signed message whose body was altered on the way', async () => {
    const { project } = await setup('dkim-or-spf');
    const signed = (await world.signed(message())).toString();
    const altered = Buffer.from(signed.replace('Please send help.', 'Please wire 10,000 EUR.'));
    // relayed by a host the domain's SPF does not name: only DKIM could vouch for it
    const { outcome, stored } = await deliver(project.id, altered, {
      mailFrom: 'alice@customer.example',
      remoteAddress: STRANGER_IP,
    });

    expect(stored.authResults).toMatchObject({
      spf: { result: 'fail' },
      dkim: [
        { result: 'neutral', comment: 'body hash did not verify', domain: 'customer.example' },
      ],
      dmarc: { result: 'fail' },
      alignedPass: false,
    });
    expect(outcome).toMatchObject({
      links: {
        addresses: [
          {
            outcome: 'unauthenticated',
            reason:
              'no DKIM or SPF pass aligned with customer.example (DKIM neutral by customer.example; SPF fail for customer.example)',
          },
          { outcome: 'unauthenticated' },
        ],
      },
    });
  });

  it('passes DMARC p=reject on SPF alignment alone, and fails it from a host SPF does not name', async () => {
    const { project, alice } = await setup('dmarc');
    const unsigned = Buffer.from(message().join('\r\n'));
    const pass = await deliver(project.id, unsigned, fromCustomer);
    expect(pass.stored.authResults).toMatchObject({
      spf: { result: 'pass' },
      dkim: [{ result: 'none' }],
      dmarc: { result: 'pass', policy: 'reject' },
    });
    expect(pass.outcome).toMatchObject({
      links: { addresses: [{ outcome: 'linked', contactId: alice.id }, { outcome: 'linked' }] },
    });

    const elsewhere = Buffer.from(message().join('\r\n'));
    const fail = await deliver(project.id, elsewhere, {
      mailFrom: 'alice@customer.example',
      remoteAddress: STRANGER_IP,
    });
    expect(fail.stored.authResults).toMatchObject({
      spf: { result: 'fail' },
      dmarc: { result: 'fail', policy: 'reject' },
    });
    expect(fail.outcome).toMatchObject({
      links: { addresses: [{ outcome: 'unauthenticated' }, { outcome: 'unauthenticated' }] },
    });
  });

  it('records the ARC chain of a mailing list that broke DKIM, and does not let it vouch', async () => {
    const { project } = await setup('dmarc');
    const listed = await world.throughList(await world.signed(message()));
    const { outcome, stored } = await deliver(project.id, listed, {
      mailFrom: 'help-bounces@lists.example',
      remoteAddress: LIST_IP,
    });

    expect(stored.status).toBe('ticket_created');
    expect(stored.authResults).toMatchObject({
      spf: { result: 'pass', domain: 'lists.example' },
      dkim: [{ result: 'neutral', domain: 'customer.example' }],
      dmarc: { result: 'fail' },
      arc: { result: 'pass', instance: 1, sealedBy: 'lists.example' },
    });
    expect(stored.authResults!.header).toMatch(/\r\n arc=pass \(i=1 spf=pass dkim=pass/);
    expect(outcome).toMatchObject({
      links: {
        addresses: [
          {
            outcome: 'unauthenticated',
            reason:
              'DMARC fail for customer.example; ARC pass sealed by lists.example (recorded, not trusted)',
          },
          { outcome: 'unauthenticated' },
        ],
      },
    });
  });

  it('links under dkim-or-spf a domain that signs but publishes no DMARC record', async () => {
    const group = await seedGroup(db.store, `sa-${++n}`);
    await db.store.repos.groups.setSenderAuthPolicy(group.id, 'dkim-or-spf');
    const { project } = await seedProject(db.store, group.id);
    await seedContact(db.store, group.id, 'dora@nodmarc.example');
    const raw = await world.signed(message([], 'dora@nodmarc.example'), 'nodmarc.example');
    const { outcome, stored } = await deliver(project.id, raw, {
      mailFrom: 'dora@nodmarc.example',
      remoteAddress: STRANGER_IP,
    });
    expect(stored.authResults).toMatchObject({ dmarc: { result: 'none' }, alignedPass: true });
    expect(outcome).toMatchObject({
      links: {
        addresses: [
          {
            outcome: 'linked',
            reason: 'DKIM pass by nodmarc.example, aligned with nodmarc.example',
          },
          { email: 'bob@customer.example', outcome: 'unknown' },
        ],
      },
    });
  });

  it('does not link a Reply-To at another domain than the authenticated From', async () => {
    const { project } = await setup('dmarc');
    await seedContact(db.store, project.groupId, 'mallory@attacker.example');
    const raw = await world.signed(message(['Reply-To: mallory@attacker.example']));
    const { outcome } = await deliver(project.id, raw, fromCustomer);
    expect(outcome).toMatchObject({
      links: {
        addresses: [
          {
            email: 'mallory@attacker.example',
            outcome: 'unauthenticated',
            reason:
              'attacker.example is not the authenticated From domain (DMARC pass for customer.example)',
          },
          { email: 'bob@customer.example', outcome: 'linked' },
        ],
      },
    });
  });

  it('keeps today’s behaviour by default, and a subgroup inherits or overrides its parent’s policy', async () => {
    const forged = () => Buffer.from(message().join('\r\n'));
    const stranger = { mailFrom: 'x@attacker.example', remoteAddress: STRANGER_IP };
    const plain = await setup(null);
    const byDefault = await deliver(plain.project.id, forged(), stranger);
    expect(byDefault.outcome).toMatchObject({
      links: { addresses: [{ outcome: 'linked' }, { outcome: 'linked' }] },
    });
    expect(byDefault.stored.authResults).toMatchObject({ dmarc: { result: 'fail' } });

    const root = await setup('dmarc');
    const inherits = await seedGroup(db.store, `sa-${++n}`, root.group.id);
    const overrides = await seedGroup(db.store, `sa-${++n}`, root.group.id);
    await db.store.repos.groups.setSenderAuthPolicy(overrides.id, 'off');
    const viaInherited = await seedProject(db.store, inherits.id);
    const viaOverride = await seedProject(db.store, overrides.id);
    expect((await deliver(viaInherited.project.id, forged(), stranger)).outcome).toMatchObject({
      links: { addresses: [{ outcome: 'unauthenticated' }, { outcome: 'unauthenticated' }] },
    });
    expect((await deliver(viaOverride.project.id, forged(), stranger)).outcome).toMatchObject({
      links: { addresses: [{ outcome: 'linked' }, { outcome: 'linked' }] },
    });
  });
});

describe('a DNS failure during sender authentication', () => {
  afterEach(() => stub.answer());

  it('is temporary: the email waits, unharmed, and is authenticated once DNS answers', async () => {
    const { project, alice } = await setup('dmarc');
    const raw = await world.signed(message());
    const row = await storeOne(db.store, project.id, raw, fromCustomer);
    stub.silence('customer.example');

    const failed = ingestEmail(deps(), row.inboundEmailId, row.outboxId);
    await expect(failed).rejects.toThrow(DnsUnavailableError);
    await expect(failed).rejects.toMatchObject({ temporary: true });
    const waiting = await db.store.repos.inboundEmails.findById(row.inboundEmailId);
    expect(waiting).toMatchObject({ status: 'received', authResults: null });
    expect(waiting!.raw.equals(raw)).toBe(true);

    stub.answer();
    const retried = await ingestEmail(deps(), row.inboundEmailId, row.outboxId, {
      attemptsMade: 1,
      attempts: 10,
    });
    expect(retried.kind).toBe('ticket_created');
    const linked = await linkContacts(
      { ...deps(), maxContactsPerEmail: 25 },
      (retried as { workItemId: number }).workItemId,
      (retried as unknown as { linkJob: { id: string } }).linkJob.id,
    );
    expect(linked).toMatchObject({ addresses: [{ outcome: 'linked', contactId: alice.id }, {}] });
  });

  it('after its last wait makes the ticket without linking, saying DNS failed', async () => {
    const { project } = await setup('dmarc');
    const row = await storeOne(db.store, project.id, await world.signed(message()), fromCustomer);
    stub.silence('_domainkey.customer.example', '_dmarc.customer.example');

    const outcome = await ingestEmail(deps(), row.inboundEmailId, row.outboxId, {
      attemptsMade: DNS_ATTEMPTS - 1,
      attempts: 10,
    });
    expect(outcome.kind).toBe('ticket_created');
    const stored = await db.store.repos.inboundEmails.findEnvelope(row.inboundEmailId);
    expect(stored!.authResults).toMatchObject({
      dkim: [{ result: 'temperror' }],
      dmarc: { result: 'temperror' },
      dnsFailure: 'TXT s1._domainkey.customer.example: ETIMEOUT',
    });
    const linked = await linkContacts(
      { ...deps(), maxContactsPerEmail: 25 },
      (outcome as { workItemId: number }).workItemId,
      (outcome as unknown as { linkJob: { id: string } }).linkJob.id,
    );
    expect(linked).toMatchObject({
      addresses: [
        {
          outcome: 'unauthenticated',
          reason:
            'DMARC temperror for customer.example; DNS failed: TXT s1._domainkey.customer.example: ETIMEOUT',
        },
        { outcome: 'unauthenticated' },
      ],
    });
  });
});
