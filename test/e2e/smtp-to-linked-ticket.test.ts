import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { ADDRESSING, seedContact, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'emails');

let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url);
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

async function inbound(id: string) {
  return db.store.repos.inboundEmails.findById(id);
}

async function settledParticipants(workItemId: number) {
  return waitFor('every participant to have a link outcome', async () => {
    const rows = await db.store.repos.participants.listForWorkItem(workItemId);
    return rows.length > 0 && rows.every((r) => r.linkOutcome !== null) ? rows : null;
  });
}

function queuedId(text: string): string {
  const match = /^2\.0\.0 Ok: queued as (\d+)$/.exec(text);
  if (!match?.[1]) throw new Error(`unexpected DATA reply: ${text}`);
  return match[1];
}

describe('an email sent over SMTP becomes a ticket linked to the right contacts', () => {
  it('links the sender and CC addresses to active contacts of the resolved contact source only', async () => {
    const root = await seedGroup(db.store, 'acme');
    const sub = await seedGroup(db.store, 'support', root.id);
    const { address } = await seedProject(db.store, sub.id);
    const alice = await seedContact(db.store, root.id, 'Alice@Customer.example');
    const bob = await seedContact(db.store, root.id, 'BOB.active@customer.example');
    await seedContact(db.store, root.id, 'carol@customer.example', 'inactive');
    const otherRoot = await seedGroup(db.store, 'globex');
    await seedContact(db.store, otherRoot.id, 'dave@customer.example');

    const message = [
      'From: "Alice Customer" <alice@customer.example>',
      `To: Support <${address}>`,
      'Cc: "Bob" <bob.active@Customer.example>, =?utf-8?Q?Carol_M=C3=BCller?= <carol@customer.example>,',
      ' dave@customer.example',
      'Subject: =?utf-8?Q?Printer_on_fire_=F0=9F=94=A5?=',
      'Message-ID: <e2e-1@customer.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The printer in room 4 is on fire.',
      '.leading dot survives',
    ].join('\r\n');
    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [address] },
      message,
    );
    expect(replies.rcpt.map((r) => r.code)).toEqual([250]);
    expect(replies.data?.code).toBe(250);
    const id = queuedId(replies.data!.text);

    const stored = await waitFor('the ticket', async () => {
      const row = await inbound(id);
      return row?.status === 'ticket_created' ? row : null;
    });
    expect(stored.mailFrom).toBe('alice@customer.example');
    expect(stored.messageId).toBe('<e2e-1@customer.example>');
    const workItem = await db.store.repos.workItems.findById(stored.workItemId!);
    expect(workItem).toMatchObject({
      title: 'Printer on fire 🔥',
      authorEmail: 'alice@customer.example',
      serviceDesk: true,
      iid: 1,
    });
    expect(workItem?.description).toContain(
      'The printer in room 4 is on fire.\n.leading dot survives',
    );

    const participants = await settledParticipants(workItem!.id);
    expect(participants.map((p) => [p.email, p.role, p.linkOutcome])).toEqual([
      ['alice@customer.example', 'from', 'linked'],
      ['bob.active@customer.example', 'cc', 'linked'],
      ['carol@customer.example', 'cc', 'inactive'],
      ['dave@customer.example', 'cc', 'unknown'],
    ]);
    expect(await db.store.repos.workItems.listContactIds(workItem!.id)).toEqual(
      [alice.id, bob.id].sort((a, b) => a - b),
    );
  });

  it('links nothing and says why when CRM is disabled on the project’s group', async () => {
    const root = await seedGroup(db.store, 'initech');
    await db.store.repos.groups.setCrmSettings(root.id, false, null);
    const { address } = await seedProject(db.store, root.id);
    await seedContact(db.store, root.id, 'peter@initech.example');
    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'peter@initech.example', to: [address] },
      'From: peter@initech.example\r\nSubject: TPS\r\n\r\nreport',
    );
    const id = queuedId(replies.data!.text);
    const stored = await waitFor('the ticket', async () => {
      const row = await inbound(id);
      return row?.workItemId ? row : null;
    });
    const participants = await settledParticipants(stored.workItemId!);
    expect(participants.map((p) => p.linkOutcome)).toEqual(['crm_disabled']);
    expect(await db.store.repos.workItems.listContactIds(stored.workItemId!)).toEqual([]);
  });

  it('turns a real-world message into a ticket with its decoded subject', async () => {
    const root = await seedGroup(db.store, 'fixtures');
    const { address } = await seedProject(db.store, root.id);
    const contact = await seedContact(db.store, root.id, 'hello@example.com');
    const raw = readFileSync(join(FIXTURES, 'flanker', 'bilingual-simple.eml'));
    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'hello@example.com', to: [address] },
      raw,
    );
    const id = queuedId(replies.data!.text);
    const stored = await waitFor('the ticket', async () => {
      const row = await inbound(id);
      return row?.workItemId ? row : null;
    });
    expect(stored.size).toBeGreaterThan(raw.length - 100);
    const workItem = await db.store.repos.workItems.findById(stored.workItemId!);
    expect(workItem?.title).toBe('Simple text. How are you? Как ты поживаешь?');
    await settledParticipants(workItem!.id);
    expect(await db.store.repos.workItems.listContactIds(workItem!.id)).toEqual([contact.id]);
  });

  it('answers 550 5.1.1 to a recipient that is no enabled Service Desk', async () => {
    const root = await seedGroup(db.store, 'closed');
    const { project, address } = await seedProject(db.store, root.id);
    await db.store.repos.projects.setServiceDeskEnabled(project.id, false);
    const replies = await sendMail(
      desk.smtpPort!,
      {
        from: 'x@example.com',
        to: [address, `support+nosuchkey@${ADDRESSING.domain}`, 'someone@elsewhere.example'],
      },
      'Subject: x\r\n\r\nx',
    );
    for (const reply of replies.rcpt) {
      expect(reply.code).toBe(550);
      expect(reply.text).toMatch(/^5\.1\.1 <.+>: no Service Desk accepts mail at this address$/);
    }
    expect(replies.data).toBeNull();
  });
});
