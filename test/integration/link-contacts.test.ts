import { linkContacts } from '../../src/domain/crm/link-contacts.service';
import { persist } from '../../src/domain/ingest/persist';
import { parseEmail } from '../../src/domain/ingest/parse';
import { storeOne, ingestDeps, ingestAndLink } from '../support/inbound';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const MAX_LINKS = 2;
const deps = () => ingestDeps(db.store, { maxContactsPerEmail: MAX_LINKS });

async function ingest(projectId: number, lines: string[], rcpt = 'support+x@desk.localhost') {
  const row = await storeOne(db.store, projectId, Buffer.from(lines.join('\r\n')), {
    rcptTo: [rcpt],
  });
  const outcome = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
  if (outcome.kind !== 'ticket_created' && outcome.kind !== 'note_added')
    throw new Error(`${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`);
  return outcome;
}

/** Participants and contact links of a work item as stored. */
async function linkState(workItemId: number) {
  const participants = await db.dataSource.query(
    `SELECT email, role, link_outcome, contact_id FROM email_participants
      WHERE work_item_id = $1 ORDER BY id`,
    [workItemId],
  );
  const links = await db.dataSource.query(
    'SELECT contact_id, added_via FROM work_item_contacts WHERE work_item_id = $1 ORDER BY contact_id',
    [workItemId],
  );
  return { participants, links };
}

/** What the link job stored, and that running it again changes nothing (a retry). */
async function expectIdempotent(outcome: { workItemId: number }) {
  const state = await linkState(outcome.workItemId);
  const again = await db.store.repos.outbox.addLinkContacts(outcome.workItemId, null);
  expect(await linkContacts(deps(), outcome.workItemId, again.id)).toMatchObject({
    addresses: [],
  });
  expect(await linkState(outcome.workItemId)).toEqual(state);
  return state;
}

describe('the link-contacts job of an email', () => {
  it('gives every address its outcome, from a configured source', async () => {
    const root = await seedGroup(db.store, 'lii-root');
    const source = await seedGroup(db.store, 'lii-source');
    const sub = await seedGroup(db.store, 'lii-sub', root.id);
    await db.store.repos.groups.setCrmSettings(sub.id, true, source.id);
    const { project } = await seedProject(db.store, sub.id);
    const alice = await seedContact(db.store, source.id, 'alice@customer.example');
    const bob = await seedContact(db.store, source.id, 'bob@customer.example');
    const carol = await seedContact(db.store, source.id, 'carol@customer.example');
    await seedContact(db.store, source.id, 'idle@customer.example', 'inactive');
    await seedContact(db.store, root.id, 'rooted@customer.example'); // not the source

    const ticket = await ingest(project.id, [
      'From: Alice <Alice@Customer.example>',
      'Cc: bob@customer.example, idle@customer.example, nobody@customer.example,',
      ' support+other@desk.localhost, alice@customer.example, rooted@customer.example,',
      ' carol@customer.example',
      'Message-ID: <lii-1@x>',
      '',
      'hello',
    ]);
    expect(ticket.links).toEqual({
      kind: 'linked',
      sourceGroupId: source.id,
      addresses: [
        { email: 'alice@customer.example', outcome: 'linked', contactId: alice.id },
        { email: 'bob@customer.example', outcome: 'linked', contactId: bob.id },
        { email: 'idle@customer.example', outcome: 'inactive', contactId: expect.any(Number) },
        { email: 'nobody@customer.example', outcome: 'unknown', contactId: null },
        { email: 'support+other@desk.localhost', outcome: 'own_address', contactId: null },
        { email: 'rooted@customer.example', outcome: 'unknown', contactId: null },
        { email: 'carol@customer.example', outcome: 'limit', contactId: carol.id },
      ],
    });
    const state = await expectIdempotent(ticket);
    expect(state.links).toEqual([
      { contact_id: alice.id, added_via: 'email' },
      { contact_id: bob.id, added_via: 'email' },
    ]);
  });

  it('records crm_disabled for every address when the project group has CRM off', async () => {
    const group = await seedGroup(db.store, 'lii-off');
    await db.store.repos.groups.setCrmSettings(group.id, false, null);
    const { project } = await seedProject(db.store, group.id);
    await seedContact(db.store, group.id, 'dan@customer.example');
    const ticket = await ingest(project.id, [
      'From: dan@customer.example',
      'Cc: eve@customer.example',
      '',
      'hi',
    ]);
    expect(ticket.links).toEqual({
      kind: 'crm_disabled',
      addresses: [
        { email: 'dan@customer.example', outcome: 'crm_disabled', contactId: null },
        { email: 'eve@customer.example', outcome: 'crm_disabled', contactId: null },
      ],
    });
    const state = await expectIdempotent(ticket);
    expect(state.links).toEqual([]);
  });

  it('links a reply’s new addresses and those left open before, senders first', async () => {
    const group = await seedGroup(db.store, 'lii-reply');
    const { project } = await seedProject(db.store, group.id);
    const frank = await seedContact(db.store, group.id, 'frank@customer.example');
    const gina = await seedContact(db.store, group.id, 'gina@customer.example');
    const hank = await seedContact(db.store, group.id, 'hank@customer.example');
    const ticket = await ingest(project.id, [
      'From: frank@customer.example',
      'Cc: gina@customer.example',
      'Message-ID: <lii-r1@x>',
      '',
      'first',
    ]);
    // a move to another source reopens the ticket's participants
    await db.store.repos.workItemContacts.unlinkAll([ticket.workItemId]);

    const reply = await ingest(project.id, [
      'From: hank@customer.example',
      'Cc: gina@customer.example, ivy@customer.example',
      'Message-ID: <lii-r2@x>',
      'In-Reply-To: <lii-r1@x>',
      '',
      'second',
    ]);
    expect(reply).toMatchObject({ kind: 'note_added', workItemId: ticket.workItemId });
    expect((reply.links as { addresses: unknown[] }).addresses).toEqual([
      { email: 'frank@customer.example', outcome: 'linked', contactId: frank.id },
      { email: 'hank@customer.example', outcome: 'linked', contactId: hank.id },
      // the limit (2) counts per email: frank and gina came with the first, hank with the reply
      { email: 'gina@customer.example', outcome: 'linked', contactId: gina.id },
      { email: 'ivy@customer.example', outcome: 'unknown', contactId: null },
    ]);
    const state = await expectIdempotent(reply);
    expect(state.participants.map((p: { role: string }) => p.role)).toEqual([
      'from',
      'cc',
      'from',
      'cc',
    ]);
  });
});

/** A ticket claimed and written, as ingest does, in a transaction left open until `commit`. */
async function openTicket(projectId: number) {
  const raw = Buffer.from('From: a@b.example\r\n\r\nx');
  const row = await storeOne(db.store, projectId, raw);
  const parsed = await parseEmail(raw);
  if (parsed.kind !== 'parsed') throw new Error('unparseable');
  let finish!: (rollBack: boolean) => void;
  const gate = new Promise<boolean>((resolve) => (finish = resolve));
  let written!: (iid: number | null) => void;
  const wrote = new Promise<number | null>((resolve) => (written = resolve));
  const keys = { dedupeKey: `mid:${row.inboundEmailId}`, threadRoot: null };
  const done = db.store.transaction(async (repos) => {
    await repos.ingest.claim({
      id: row.inboundEmailId,
      projectId,
      lockKeys: [keys.dedupeKey],
      outboxId: row.outboxId,
    });
    const result = await persist(repos, {
      envelope: { id: row.inboundEmailId, projectId, mailFrom: null, receivedAt: new Date() },
      outboxId: row.outboxId,
      keys,
      email: parsed.email,
      flags: [],
      replyTo: null,
      attachmentLimits: { maxCount: 50, maxTotalBytes: 1024 * 1024 },
    });
    written(result.kind === 'ticket_created' ? result.iid : null);
    if (await gate) throw new Error('rolled back');
  });
  return { wrote, commit: () => finish(false), rollBack: () => finish(true), done };
}

/** Resolves once some other session waits for a lock; fails after 10 s. */
async function someoneWaitsForALock(): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const [row] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (row.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no session waited for a lock within 10 s');
}

const settled = <T>(p: Promise<T>) =>
  Promise.race([p.then(() => 'settled'), new Promise((r) => setImmediate(() => r('pending')))]);

describe('writing a ticket', () => {
  it('takes the next iid once the ticket being written ends, so a rolled-back one leaves no gap', async () => {
    const root = await seedGroup(db.store, 'lii-parallel');
    const { project } = await seedProject(db.store, root.id);
    const { project: other } = await seedProject(db.store, root.id, 'other');
    const first = await openTicket(project.id);
    expect(await first.wrote).toBe(1);
    const second = await openTicket(project.id);
    await someoneWaitsForALock();
    expect(await settled(second.wrote)).toBe('pending');
    // another project's tickets do not wait for this one's
    const elsewhere = await openTicket(other.id);
    expect(await elsewhere.wrote).toBe(1);
    elsewhere.commit();
    await elsewhere.done;

    first.rollBack();
    await expect(first.done).rejects.toThrow('rolled back');
    expect(await second.wrote).toBe(1);
    second.commit();
    await second.done;
  });

  it('makes a project transfer wait until it commits, and waits for one in progress', async () => {
    const root = await seedGroup(db.store, 'lii-move');
    const other = await seedGroup(db.store, 'lii-move-other');
    const { project } = await seedProject(db.store, root.id);
    const ticket = await openTicket(project.id);
    await ticket.wrote;
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const moved = db.store.transaction(async (repos) => {
      await repos.projects.moveToGroup(project, other.id);
      await hold;
    });
    await someoneWaitsForALock();
    expect(await settled(moved)).toBe('pending');
    ticket.commit();
    await ticket.done;

    // the move now holds the project: the next ticket waits for it at its claim, then reads the
    // new chain (had it read the old one, its write would come back stale)
    const next = await openTicket(project.id);
    await someoneWaitsForALock();
    expect(await settled(next.wrote)).toBe('pending');
    release();
    await moved;
    expect(await next.wrote).toBe(2);
    next.commit();
    await next.done;
  });

  it('makes a group transfer wait for it', async () => {
    const root = await seedGroup(db.store, 'lii-gmove');
    const { project } = await seedProject(db.store, root.id);
    const ticket = await openTicket(project.id);
    await ticket.wrote;
    const locked = db.store.transaction((repos) => repos.workItems.lockInGroups([root.id]));
    await someoneWaitsForALock();
    expect(await settled(locked)).toBe('pending');
    ticket.commit();
    await ticket.done;
    await locked;
  });

  it('links against the contact source in force when the link job runs', async () => {
    const root = await seedGroup(db.store, 'lii-late');
    const other = await seedGroup(db.store, 'lii-late-other');
    const { project } = await seedProject(db.store, root.id);
    await seedContact(db.store, root.id, 'a@b.example');
    const moved = await seedContact(db.store, other.id, 'a@b.example');
    const row = await storeOne(db.store, project.id, Buffer.from('From: a@b.example\r\n\r\nx'));
    const { ingestEmail } = await import('../../src/domain/ingest/ingest-email.service');
    const ticket = await ingestEmail(deps(), row.inboundEmailId, row.outboxId);
    if (!('linkJob' in ticket)) throw new Error(ticket.kind);
    await db.store.repos.groups.setCrmSettings(root.id, true, other.id);
    expect(await linkContacts(deps(), ticket.workItemId, ticket.linkJob.id)).toEqual({
      kind: 'linked',
      sourceGroupId: other.id,
      addresses: [{ email: 'a@b.example', outcome: 'linked', contactId: moved.id }],
    });
  });
});
