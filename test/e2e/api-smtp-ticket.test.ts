import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { ResponseConformance } from '../support/openapi-conformance';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

const ADMIN = 'e2e-admin-token-abcdef0123456789';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const responses = new ResponseConformance();

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: ADMIN });
  desk = await startTestDesk(config, { onApiBuilt: responses.watch });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
  responses.assertAllMatched();
});

async function http(method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

describe('from an email to the contact’s work items, through the running desk', () => {
  it('shows the ticket an email created on the contact’s work-items endpoint, not on an inactive one’s', async () => {
    const group = await http('POST', '/groups', { name: 'Acme', path: 'acme' });
    expect(group.status).toBe(201);
    const project = await http('POST', '/projects', {
      groupId: group.body.id,
      name: 'Helpdesk',
      path: 'helpdesk',
    });
    const address: string = project.body.serviceDeskAddress;
    const contact = await http('POST', `/groups/${group.body.id}/contacts`, {
      firstName: 'Alice',
      lastName: 'Customer',
      email: 'alice@customer.example',
    });
    const inactive = await http('POST', `/groups/${group.body.id}/contacts`, {
      firstName: 'Carol',
      lastName: 'Gone',
      email: 'carol@customer.example',
      state: 'inactive',
    });
    const bob = await http('POST', `/groups/${group.body.id}/contacts`, {
      firstName: 'Bob',
      lastName: 'Bystander',
      email: 'bob@customer.example',
    });
    expect([contact.status, inactive.status, bob.status]).toEqual([201, 201, 201]);

    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [address] },
      [
        'From: Alice <ALICE@customer.example>',
        `To: ${address}`,
        'Cc: carol@customer.example',
        'Subject: Printer on fire',
        'Message-ID: <api-e2e-1@customer.example>',
        '',
        'Please help.',
        '/add_contacts [contact:bob@customer.example]',
      ].join('\r\n'),
    );
    expect(replies.data?.code).toBe(250);

    const workItems = await waitFor('the ticket on the contact', async () => {
      const res = await http(
        'GET',
        `/groups/${group.body.id}/contacts/${contact.body.id}/work-items`,
      );
      return res.body.items.length > 0 ? res.body.items : null;
    });
    expect(workItems).toEqual([
      expect.objectContaining({ title: 'Printer on fire', serviceDesk: true, iid: 1 }),
    ]);
    const ticket = await http('GET', `/projects/${project.body.id}/work-items/1/contacts`);
    // carol (CC) is inactive; the customer's quick-action line is plain text, so bob stays out
    expect(ticket.body.items.map((c: { email: string }) => c.email)).toEqual([
      'alice@customer.example',
    ]);
    const carols = await http(
      'GET',
      `/groups/${group.body.id}/contacts/${inactive.body.id}/work-items`,
    );
    expect(carols.body.items).toEqual([]);
    const participants = await waitFor('every address decided', async () => {
      const res = await http('GET', `/projects/${project.body.id}/work-items/1/participants`);
      return res.body.items.every((p: { linkOutcome: string | null }) => p.linkOutcome)
        ? res.body.items
        : null;
    });
    expect(participants).toEqual([
      expect.objectContaining({
        email: 'alice@customer.example',
        role: 'from',
        linkOutcome: 'linked',
        explanation: 'linked: an active contact of the contact source has this address',
        contact: expect.objectContaining({ id: contact.body.id, firstName: 'Alice' }),
      }),
      expect.objectContaining({
        email: 'carol@customer.example',
        role: 'cc',
        linkOutcome: 'inactive',
        explanation: 'not linked: the contact with this address is inactive',
        contact: expect.objectContaining({ id: inactive.body.id, state: 'inactive' }),
      }),
    ]);
    const inboundId = participants[0].inboundEmailId as string;
    expect(participants[1].inboundEmailId).toBe(inboundId);
    const email = await http('GET', `/inbound-emails/${inboundId}`);
    expect(email.body.participants.map((p: { email: string }) => p.email)).toEqual([
      'alice@customer.example',
      'carol@customer.example',
    ]);
    const item = await http('GET', `/projects/${project.body.id}/work-items/1`);
    expect(item.body.description).toContain('/add_contacts [contact:bob@customer.example]');
  });
});
