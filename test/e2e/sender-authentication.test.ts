import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { startDnsStub, type DnsStub } from '../support/dns-stub';
import { ResponseConformance } from '../support/openapi-conformance';
import { mailAuthWorld } from '../support/mail-auth';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

/**
 * A whole desk whose DNS_SERVERS is a DNS stub on loopback: mail over a real SMTP socket (from
 * 127.0.0.1, which customer.example's SPF names), the verdict through the real worker and API.
 */
const TOKEN = 'sender-auth-operator';
const world = mailAuthWorld();
let db: TestDb;
let stub: DnsStub;
let config: Config;
let desk: RunningDesk;
/** Every answer checked against the OpenAPI document (authResults, linkReason, the policy). */
const responses = new ResponseConformance();

beforeAll(async () => {
  db = await createTestDb();
  stub = await startDnsStub(world.records);
  config = testConfig(db.url, { ADMIN_TOKEN: TOKEN, DNS_SERVERS: stub.server });
  desk = await startTestDesk(config, {
    dns: { timeoutMs: 100, tries: 1 },
    onApiBuilt: responses.watch,
  });
});

afterAll(async () => {
  await desk?.close();
  responses.assertAllMatched();
  await stub?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();
const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  });

let n = 0;
const message = (extra: string[] = [], from = 'Alice <alice@customer.example>') =>
  [
    `From: ${from}`,
    'To: support@desk.localhost',
    'Cc: bob@customer.example',
    'Subject: Invoice question',
    `Message-ID: <e2e-sa-${++n}@customer.example>`,
    ...extra,
    '',
    'Where is my invoice?',
    '',
  ].join('\r\n');

async function send(address: string, from: string, raw: Buffer | string): Promise<string> {
  const replies = await sendMail(desk.smtpPort!, { from, to: [address] }, raw);
  expect(replies.data?.code).toBe(250);
  return /queued as (\d+)/.exec(replies.data!.text)![1]!;
}

/** The operator's view of an email once every address it brought has its link outcome. */
async function settled(id: string) {
  return waitFor('the email linked', async () => {
    const res = await api(`/inbound-emails/${id}`);
    const body = await json(res);
    const participants: { linkOutcome: string | null }[] = body.participants ?? [];
    return participants.length > 0 && participants.every((p) => p.linkOutcome) ? body : null;
  });
}

describe('sender authentication in a running desk', () => {
  it('an owner sets the policy; the operator sees desk’s verdict and why a forged email linked nobody', async () => {
    const root = await seedGroup(db.store, 'sa-e2e');
    const sub = await seedGroup(db.store, 'sa-e2e-sub', root.id);
    const { address } = await seedProject(db.store, sub.id);
    await seedContact(db.store, root.id, 'alice@customer.example');
    await seedContact(db.store, root.id, 'bob@customer.example');

    const set = await api(`/groups/${root.id}/crm-settings`, {
      method: 'PUT',
      body: JSON.stringify({ senderAuthPolicy: 'dmarc' }),
    });
    expect(set.status).toBe(200);
    expect(await json(set)).toMatchObject({ senderAuthPolicy: 'dmarc', enabled: true });
    expect(await json(await api(`/groups/${sub.id}/crm-settings`))).toMatchObject({
      senderAuthPolicy: null,
      resolvedSenderAuthPolicy: 'dmarc',
    });
    const bad = await api(`/groups/${sub.id}/crm-settings`, {
      method: 'PUT',
      body: JSON.stringify({ senderAuthPolicy: 'strict' }),
    });
    expect(bad.status).toBe(400);

    const genuine = await send(address, 'alice@customer.example', await world.signed([message()]));
    const forged = await send(
      address,
      'ceo@attacker.example',
      message([
        'Authentication-Results: desk.localhost; dkim=pass header.d=customer.example;',
        ' spf=pass; dmarc=pass header.from=customer.example',
      ]),
    );

    const shown = await settled(genuine);
    expect(shown).toMatchObject({
      status: 'ticket_created',
      remoteAddress: expect.stringMatching(/127\.0\.0\.1$/),
      authResults: {
        fromDomain: 'customer.example',
        spf: { result: 'pass' },
        dkim: [{ result: 'pass', domain: 'customer.example' }],
        dmarc: { result: 'pass' },
      },
      participants: [
        {
          email: 'alice@customer.example',
          linkOutcome: 'linked',
          linkReason: 'DMARC pass for customer.example',
        },
        { email: 'bob@customer.example', linkOutcome: 'linked' },
      ],
    });
    expect(shown.authResults.header).toMatch(/^Authentication-Results: desk\.localhost;\r\n/);

    const rejected = await settled(forged);
    expect(rejected).toMatchObject({
      status: 'ticket_created',
      authResults: { dmarc: { result: 'fail' }, dmarcPass: false },
      participants: [
        {
          email: 'alice@customer.example',
          linkOutcome: 'unauthenticated',
          linkReason: 'DMARC fail for customer.example',
          explanation:
            'not linked: the sender did not pass the group’s sender-authentication policy',
          contact: null,
        },
        {
          email: 'bob@customer.example',
          linkOutcome: 'unauthenticated',
          linkReason: 'CC of an email whose From did not pass: DMARC fail for customer.example',
        },
      ],
    });
    expect(rejected.authResults.header).not.toMatch(/dmarc=pass/);
  });

  // a domain the test above did not look up: desk's cache would answer for it
  it('retries an email while DNS does not answer, and authenticates it once DNS is back', async () => {
    const group = await seedGroup(db.store, 'sa-e2e-dns');
    await db.store.repos.groups.setSenderAuthPolicy(group.id, 'dkim-or-spf');
    const { address } = await seedProject(db.store, group.id);
    await seedContact(db.store, group.id, 'dora@nodmarc.example');
    stub.silence('nodmarc.example');
    const asked = () => stub.queries.filter((q) => q === 'TXT s1._domainkey.nodmarc.example');

    const raw = await world.signed([message([], 'dora@nodmarc.example')], 'nodmarc.example');
    const id = await send(address, 'dora@nodmarc.example', raw);
    await waitFor('a second attempt', async () => asked().length >= 2);
    const waiting = await db.store.repos.inboundEmails.findEnvelope(id);
    expect(waiting).toMatchObject({ status: 'received', authResults: null });

    stub.answer();
    const shown = await settled(id);
    expect(shown).toMatchObject({
      status: 'ticket_created',
      authResults: { dkim: [{ result: 'pass' }], alignedPass: true, dnsFailure: null },
      participants: [{ linkOutcome: 'linked' }, { linkOutcome: 'unknown' }],
    });
  });
});
