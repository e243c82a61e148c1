import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';
import { storeOne, ingestDeps, ingestAndLink } from '../support/inbound';

/**
 * Each case replays, in arrival order, a minimal message that shows a bug peers shipped
 * (test/fixtures/peer-bugs/*.eml, rebuilt from the public issue threads).
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'peer-bugs');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

type Outcome = Awaited<ReturnType<typeof ingestAndLink>>;

async function replay(files: string[]) {
  const group = await seedGroup(db.store, `g${Math.random().toString(36).slice(2, 8)}`);
  const { project, address } = await seedProject(db.store, group.id);
  const outcomes: Outcome[] = [];
  for (const file of files) {
    const text = readFileSync(join(FIXTURES, file), 'utf8').replace(/KEY/g, project.serviceDeskKey);
    const raw = Buffer.from(text.replace(/\r?\n/g, '\r\n'));
    const from = /^From:.*?<?([^\s<>]+@[^\s<>]+)>?\s*$/im.exec(text)?.[1] ?? 'someone@example.com';
    const row = await storeOne(db.store, project.id, raw, {
      rcptTo: [/^To:.*?(support\+[^\s<>]+)/im.exec(text)?.[1] ?? address],
      mailFrom: from,
    });
    outcomes.push(await ingestAndLink(ingestDeps(db.store), row!.inboundEmailId, row!.outboxId));
  }
  return outcomes;
}

const kinds = (outcomes: Outcome[]) => outcomes.map((o) => o.kind);
const workItemOf = (o: Outcome | undefined) => (o && 'workItemId' in o ? o.workItemId : null);

describe('regressions for bugs peers shipped', () => {
  it('Zammad #1662: the same mail delivered twice makes one ticket', async () => {
    const outcomes = await replay(['zammad-1662-1.eml', 'zammad-1662-1.eml']);
    expect(kinds(outcomes)).toEqual(['ticket_created', 'duplicate']);
    expect(workItemOf(outcomes[1])).toBe(workItemOf(outcomes[0]));
  });

  it('Zammad #2227 (for #2498): a filename in the wrong charset does not make the mail unprocessable', async () => {
    const outcomes = await replay(['zammad-2498-1.eml']);
    expect(kinds(outcomes)).toEqual(['ticket_created']);
    const attachments = await db.store.repos.attachments.listForWorkItem(workItemOf(outcomes[0])!);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({ contentType: 'image/jpeg', size: 4 });
    expect(attachments[0]!.filename).toMatch(/^Forex Platte ohne W.*\.jpg$/);
  });

  it('Zammad #5064: a stranger quoting a ticket number in the subject gets a ticket of their own', async () => {
    const outcomes = await replay(['zammad-5064-1.eml', 'zammad-5064-2.eml']);
    expect(kinds(outcomes)).toEqual(['ticket_created', 'ticket_created']);
    expect(workItemOf(outcomes[1])).not.toBe(workItemOf(outcomes[0]));
  });

  it('Chatwoot #3868: a customer reply becomes a note without the quoted history', async () => {
    const outcomes = await replay(['chatwoot-3868-1.eml', 'chatwoot-3868-2.eml']);
    expect(kinds(outcomes)).toEqual(['ticket_created', 'note_added']);
    expect(workItemOf(outcomes[1])).toBe(workItemOf(outcomes[0]));
    const noteId = outcomes[1]!.kind === 'note_added' ? outcomes[1]!.noteId : -1;
    const [note] = await db.dataSource.query('SELECT body FROM notes WHERE id = $1', [noteId]);
    expect(note.body).toBe('It arrived today, thanks!');
  });

  it('Chatwoot #9069 (for #4746): mail without a Message-ID is kept, and deduplicated by content', async () => {
    const outcomes = await replay([
      'chatwoot-4746-1.eml',
      'chatwoot-4746-1.eml',
      'chatwoot-4746-2.eml',
    ]);
    expect(kinds(outcomes)).toEqual(['ticket_created', 'duplicate', 'ticket_created']);
    expect(outcomes[1]).toMatchObject({ reason: expect.stringMatching(/same headers and body/) });
  });

  it('Chatwoot #14590: every one of 16 attachments is kept', async () => {
    const outcomes = await replay(['chatwoot-14590-1.eml']);
    const attachments = await db.store.repos.attachments.listForWorkItem(workItemOf(outcomes[0])!);
    expect(attachments.map((a) => a.filename)).toEqual(
      Array.from({ length: 16 }, (_, i) => `p${String(i + 1).padStart(2, '0')}.txt`),
    );
  });

  it('osTicket #1426 (for #494): a reply-all naming the first message is a note, not a second ticket', async () => {
    const outcomes = await replay(['osticket-494-1.eml', 'osticket-494-2.eml']);
    expect(kinds(outcomes)).toEqual(['ticket_created', 'note_added']);
    const noteId = outcomes[1]!.kind === 'note_added' ? outcomes[1]!.noteId : -1;
    const [note] = await db.dataSource.query('SELECT body FROM notes WHERE id = $1', [noteId]);
    expect(note.body).not.toMatch(/^>/m);
  });

  it('osTicket #1041: out-of-office replies (Microsoft headers, or only a subject) open no ticket', async () => {
    const outcomes = await replay(['osticket-1041-1.eml', 'osticket-1041-2.eml']);
    expect(kinds(outcomes)).toEqual(['ignored', 'ignored']);
    expect(outcomes.map((o) => (o.kind === 'ignored' ? o.reason : ''))).toEqual([
      expect.stringMatching(/^auto-reply:/),
      expect.stringMatching(/^auto-reply: subject/),
    ]);
  });

  it('FreeScout #688: a vacation auto-reply is ignored, so two responders cannot loop', async () => {
    const outcomes = await replay(['freescout-688-1.eml']);
    expect(outcomes).toEqual([
      {
        kind: 'ignored',
        reason: expect.stringMatching(/Auto-Submitted: auto-replied/),
        projectId: expect.any(Number),
      },
    ]);
  });

  it('FreeScout #634 (for #1620): a MAILER-DAEMON bounce is ignored, not answered', async () => {
    const outcomes = await replay(['freescout-1620-1.eml']);
    expect(outcomes).toEqual([
      { kind: 'ignored', reason: expect.stringMatching(/^bounce:/), projectId: expect.any(Number) },
    ]);
  });
});
