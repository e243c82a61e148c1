import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';
import { linkContacts } from '../../src/domain/crm/link-contacts.service';
import { ingestEmail } from '../../src/domain/ingest/ingest-email.service';
import { storeOne, ingestDeps, ingestAndLink } from '../support/inbound';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'emails');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

async function store(
  projectId: number,
  raw: Buffer,
  mailFrom: string | null = 'sender@example.com',
) {
  const row = await storeOne(db.store, projectId, raw, { mailFrom: mailFrom });
  return row!;
}

const deps = () => ingestDeps(db.store);

describe('ingestEmail', () => {
  it('creates one ticket and one contact link when the same job runs twice', async () => {
    const group = await seedGroup(db.store, 'twice');
    const { project } = await seedProject(db.store, group.id);
    const contact = await seedContact(db.store, group.id, 'sender@example.com');
    const row = await store(
      project.id,
      Buffer.from('From: sender@example.com\r\nSubject: once\r\n\r\nbody'),
    );

    const first = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
    const second = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
    expect(first).toMatchObject({
      kind: 'ticket_created',
      links: { kind: 'linked', addresses: [{ outcome: 'linked', contactId: contact.id }] },
    });
    expect(second).toEqual({
      kind: 'skipped',
      reason: 'already ticket_created',
      projectId: project.id,
    });
    const count = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM work_items WHERE project_id = $1',
      [project.id],
    );
    expect(count[0].n).toBe(1);
    if (first.kind !== 'ticket_created') throw new Error('unreachable');
    expect(await db.store.repos.workItems.listContactIds(first.workItemId)).toEqual([contact.id]);
  });

  it('runs concurrently for one email without making two tickets', async () => {
    const group = await seedGroup(db.store, 'race');
    const { project } = await seedProject(db.store, group.id);
    const row = await store(
      project.id,
      Buffer.from('From: a@example.com\r\nSubject: race\r\n\r\nbody'),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => ingestAndLink(deps(), row.inboundEmailId, row.outboxId)),
    );
    expect(outcomes.filter((o) => o.kind === 'ticket_created')).toHaveLength(1);
    const count = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM work_items WHERE project_id = $1',
      [project.id],
    );
    expect(count[0].n).toBe(1);
  });

  it('gives iids 1..n without gaps under concurrency', async () => {
    const group = await seedGroup(db.store, 'iids');
    const { project } = await seedProject(db.store, group.id);
    const rows = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store(project.id, Buffer.from(`From: u${i}@example.com\r\nSubject: n${i}\r\n\r\nbody`)),
      ),
    );
    await Promise.all(rows.map((r) => ingestAndLink(deps(), r.inboundEmailId, r.outboxId)));
    const iids: { iid: number }[] = await db.dataSource.query(
      'SELECT iid FROM work_items WHERE project_id = $1 ORDER BY iid',
      [project.id],
    );
    expect(iids.map((r) => r.iid)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('marks a second delivery of the same Message-ID as duplicate of the first ticket', async () => {
    const group = await seedGroup(db.store, 'dupes');
    const { project } = await seedProject(db.store, group.id);
    const raw = Buffer.from(
      'From: a@example.com\r\nMessage-ID: <same@example.com>\r\nSubject: dup\r\n\r\nbody',
    );
    const a = await store(project.id, raw);
    const b = await store(project.id, raw);
    const first = await ingestAndLink(deps(), a.inboundEmailId, a.outboxId);
    const second = await ingestAndLink(deps(), b.inboundEmailId, b.outboxId);
    expect(first.kind).toBe('ticket_created');
    expect(second).toMatchObject({
      kind: 'duplicate',
      workItemId: first.kind === 'ticket_created' ? first.workItemId : -1,
    });
    const row = await db.store.repos.inboundEmails.findById(b.inboundEmailId);
    expect(row).toMatchObject({
      status: 'duplicate',
      reason: `same Message-ID as inbound email ${a.inboundEmailId}`,
    });
  });

  it('ignores a real bounce with its reason and opens no ticket', async () => {
    const group = await seedGroup(db.store, 'bounces');
    const { project } = await seedProject(db.store, group.id);
    const raw = readFileSync(join(FIXTURES, 'flanker', 'bounce', 'zed.eml'));
    const row = await store(project.id, raw, 'mailer-daemon@example.com');
    const outcome = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
    expect(outcome.kind).toBe('ignored');
    const stored = await db.store.repos.inboundEmails.findById(row.inboundEmailId);
    expect(stored?.status).toBe('ignored');
    expect(stored?.reason).toMatch(/^(bounce|auto-reply)/);
    expect(stored?.workItemId).toBeNull();
  });

  it('closes its outbox row and writes the link-contacts job in the same transaction as the ticket', async () => {
    const group = await seedGroup(db.store, 'outbox');
    const { project } = await seedProject(db.store, group.id);
    const row = await store(
      project.id,
      Buffer.from('From: a@example.com\r\nSubject: ob\r\n\r\nbody'),
    );
    const outbox = async () => {
      const rows: { processed_at: Date | null; queue: string }[] = await db.dataSource.query(
        `SELECT processed_at, queue FROM outbox WHERE id = $1 OR payload->>'inboundEmailId' = $2 ORDER BY id`,
        [row.outboxId, row.inboundEmailId],
      );
      return rows.map((r) => [r.queue, r.processed_at !== null]);
    };
    const ticket = await ingestEmail(deps(), row.inboundEmailId, row.outboxId);
    expect(ticket).toMatchObject({ kind: 'ticket_created', linkJob: { queue: 'link-contacts' } });
    expect(await outbox()).toEqual([
      ['ingest-email', true],
      ['link-contacts', false],
    ]);
    if (!('linkJob' in ticket)) throw new Error(ticket.kind);
    await linkContacts(deps(), ticket.workItemId, ticket.linkJob.id);
    expect(await outbox()).toEqual([
      ['ingest-email', true],
      ['link-contacts', true],
    ]);
  });

  it('takes Reply-To as the customer, not From, and lower-cases a bare envelope sender', async () => {
    const group = await seedGroup(db.store, 'replyto');
    const { project } = await seedProject(db.store, group.id);
    const a = await store(
      project.id,
      Buffer.from(
        'From: robot@vendor.example\r\nReply-To: Real.Person@Customer.example\r\nCc: c@x.example\r\n\r\nhi',
      ),
    );
    const withReplyTo = await ingestAndLink(deps(), a.inboundEmailId, a.outboxId);
    if (withReplyTo.kind !== 'ticket_created') throw new Error(withReplyTo.kind);
    const participants = await db.store.repos.participants.listForWorkItem(withReplyTo.workItemId);
    expect(participants.map((p) => [p.email, p.role])).toEqual([
      ['real.person@customer.example', 'from'],
      ['c@x.example', 'cc'],
    ]);

    const b = await store(
      project.id,
      Buffer.from('Subject: no address headers\r\n\r\nhi'),
      'Loud@Example.COM',
    );
    const bare = await ingestAndLink(deps(), b.inboundEmailId, b.outboxId);
    if (bare.kind !== 'ticket_created') throw new Error(bare.kind);
    const item = await db.store.repos.workItems.findById(bare.workItemId);
    expect(item?.authorEmail).toBe('loud@example.com');
  });

  it('reads back the stored bytes exactly, 8-bit and NUL included, across several slices', async () => {
    const group = await seedGroup(db.store, 'bytes');
    const { project } = await seedProject(db.store, group.id);
    const raw = Buffer.alloc(9 * 1024 * 1024 + 17);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 131 + (i >> 9)) & 0xff;
    const row = await storeOne(db.store, project.id, raw);
    const stored = await db.store.repos.inboundEmails.findById(row.inboundEmailId);
    expect(stored?.raw.length).toBe(raw.length);
    expect(stored?.raw.equals(raw)).toBe(true);
  });
});
