import { createHash } from 'node:crypto';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';
import { ingestDeps, storeInbound, storeOne, ingestAndLink } from '../support/inbound';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

const limits = { maxCount: 2, maxTotalBytes: 1000 };
const deps = () => ingestDeps(db.store, { attachmentLimits: limits });

async function store(projectId: number, rcpt: string, lines: string[]) {
  const raw = Buffer.from(lines.join('\r\n'));
  const row = await storeOne(db.store, projectId, raw, {
    rcptTo: [rcpt],
    mailFrom: 'customer@example.com',
  });
  return row!;
}

async function project(name: string) {
  const group = await seedGroup(db.store, name);
  return { group, ...(await seedProject(db.store, group.id)) };
}

describe('threading replies onto tickets', () => {
  it('files a mail sent to the ticket’s reply address as a note, and links its new CC', async () => {
    const { group, project: p, address } = await project('replykey');
    const newcomer = await seedContact(db.store, group.id, 'newcomer@example.com');
    const first = await store(p.id, address, [
      'From: customer@example.com',
      'Message-ID: <t1@x>',
      '',
      'help',
    ]);
    const ticket = await ingestAndLink(deps(), first.inboundEmailId, first.outboxId);
    if (ticket.kind !== 'ticket_created') throw new Error(ticket.kind);
    const item = await db.store.repos.workItems.findById(ticket.workItemId);
    const replyAddress = `support+${p.serviceDeskKey}-${item!.replyKey}@desk.localhost`;

    const reply = await store(p.id, replyAddress, [
      'From: customer@example.com',
      'Cc: Newcomer <newcomer@example.com>',
      'Message-ID: <t2@x>',
      'Subject: no references at all',
      '',
      'More details.',
      '',
      'On Mon, Support wrote:',
      '> help',
    ]);
    const note = await ingestAndLink(deps(), reply.inboundEmailId, reply.outboxId);
    expect(note).toMatchObject({ kind: 'note_added', workItemId: ticket.workItemId });
    if (note.kind !== 'note_added') throw new Error(note.kind);
    const [row] = await db.dataSource.query('SELECT body, author_email FROM notes WHERE id = $1', [
      note.noteId,
    ]);
    expect(row).toEqual({ body: 'More details.', author_email: 'customer@example.com' });

    expect(note.links).toEqual({
      kind: 'linked',
      sourceGroupId: group.id,
      addresses: [{ email: 'newcomer@example.com', outcome: 'linked', contactId: newcomer.id }],
    });
    expect(await db.store.repos.workItems.listContactIds(ticket.workItemId)).toEqual([newcomer.id]);
  });

  it('still finds a ticket by its reply address after the ticket moved to another project', async () => {
    const a = await project('movedfrom');
    const b = await project('movedto');
    const first = await store(a.project.id, a.address, [
      'From: c@example.com',
      'Message-ID: <mv1@x>',
      '',
      'q',
    ]);
    const ticket = await ingestAndLink(deps(), first.inboundEmailId, first.outboxId);
    if (ticket.kind !== 'ticket_created') throw new Error(ticket.kind);
    await db.dataSource.query('UPDATE work_items SET project_id = $1, iid = 99 WHERE id = $2', [
      b.project.id,
      ticket.workItemId,
    ]);
    const item = await db.store.repos.workItems.findById(ticket.workItemId);
    const reply = await store(
      a.project.id,
      `support+${a.project.serviceDeskKey}-${item!.replyKey}@desk.localhost`,
      ['From: c@example.com', 'Message-ID: <mv2@x>', '', 'still there?'],
    );
    expect(await ingestAndLink(deps(), reply.inboundEmailId, reply.outboxId)).toMatchObject({
      kind: 'note_added',
      workItemId: ticket.workItemId,
    });
  });

  it('opens a new ticket for a reply to a message of another project, or to a wrong reply key', async () => {
    const a = await project('proja');
    const b = await project('projb');
    const first = await store(a.project.id, a.address, [
      'From: c@example.com',
      'Message-ID: <x1@x>',
      '',
      'a',
    ]);
    await ingestAndLink(deps(), first.inboundEmailId, first.outboxId);
    const crossProject = await store(b.project.id, b.address, [
      'From: c@example.com',
      'Message-ID: <x2@x>',
      'In-Reply-To: <x1@x>',
      '',
      'b',
    ]);
    expect(
      (await ingestAndLink(deps(), crossProject.inboundEmailId, crossProject.outboxId)).kind,
    ).toBe('ticket_created');
    const guessed = await store(
      a.project.id,
      `support+${a.project.serviceDeskKey}-0000@desk.localhost`,
      ['From: c@example.com', 'Message-ID: <x3@x>', '', 'guess'],
    );
    expect((await ingestAndLink(deps(), guessed.inboundEmailId, guessed.outboxId)).kind).toBe(
      'ticket_created',
    );
  });

  it('never makes two tickets when a reply is processed at the same time as the message it answers', async () => {
    for (let round = 0; round < 5; round++) {
      const { project: p, address } = await project(`race${round}`);
      const parent = await store(p.id, address, [
        'From: c@example.com',
        `Message-ID: <p${round}@x>`,
        '',
        'q',
      ]);
      const reply = await store(p.id, address, [
        'From: c@example.com',
        `Message-ID: <r${round}@x>`,
        `In-Reply-To: <p${round}@x>`,
        `References: <p${round}@x>`,
        '',
        'follow-up',
      ]);
      const settled = await Promise.allSettled([
        ingestAndLink(deps(), reply.inboundEmailId, reply.outboxId),
        ingestAndLink(deps(), parent.inboundEmailId, parent.outboxId),
      ]);
      // a reply that ran first waits (temporary error) and is retried, as BullMQ would
      if (settled[0].status === 'rejected') {
        expect(String(settled[0].reason)).toMatch(/not processed yet/);
        expect((await ingestAndLink(deps(), reply.inboundEmailId, reply.outboxId)).kind).toBe(
          'note_added',
        );
      } else {
        expect(settled[0].value.kind).toBe('note_added');
      }
      const [count] = await db.dataSource.query(
        'SELECT count(*)::int AS n FROM work_items WHERE project_id = $1',
        [p.id],
      );
      expect(count.n).toBe(1);
    }
  });

  it('puts sibling replies to a message desk never saw onto one ticket, even when processed at once', async () => {
    const { project: p, address } = await project('siblings');
    const reply = (n: number) =>
      store(p.id, address, [
        `From: colleague${n}@example.com`,
        `Message-ID: <sib${n}@x>`,
        'In-Reply-To: <root-never-sent-to-desk@x>',
        'References: <root-never-sent-to-desk@x>',
        '',
        `reply ${n}`,
      ]);
    const rows = [await reply(1), await reply(2), await reply(3)];
    const outcomes = await Promise.all(
      rows.map((r) => ingestAndLink(deps(), r.inboundEmailId, r.outboxId)),
    );
    expect(outcomes.map((o) => o.kind).sort()).toEqual([
      'note_added',
      'note_added',
      'ticket_created',
    ]);
    const [count] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM work_items WHERE project_id = $1',
      [p.id],
    );
    expect(count.n).toBe(1);
  });

  it('makes a note and not a second ticket when the first message arrives after its reply', async () => {
    const { project: p, address } = await project('outoforder');
    const reply = await store(p.id, address, [
      'From: c@example.com',
      'Message-ID: <late-reply@x>',
      'In-Reply-To: <late-first@x>',
      'References: <late-first@x>',
      '',
      'second thoughts',
    ]);
    const first = await store(p.id, address, [
      'From: c@example.com',
      'Message-ID: <late-first@x>',
      '',
      'first',
    ]);
    const r = await ingestAndLink(deps(), reply.inboundEmailId, reply.outboxId);
    const f = await ingestAndLink(deps(), first.inboundEmailId, first.outboxId);
    expect(r.kind).toBe('ticket_created');
    expect(f).toMatchObject({
      kind: 'note_added',
      workItemId: r.kind === 'ticket_created' ? r.workItemId : -1,
    });
  });

  it('files one delivery to two projects once in each, even with a reply address of one of them', async () => {
    const a = await project('twoa');
    const b = await project('twob');
    const first = await store(b.project.id, b.address, [
      'From: c@example.com',
      'Message-ID: <tp1@x>',
      '',
      'q',
    ]);
    const ticket = await ingestAndLink(deps(), first.inboundEmailId, first.outboxId);
    if (ticket.kind !== 'ticket_created') throw new Error(ticket.kind);
    const item = await db.store.repos.workItems.findById(ticket.workItemId);
    const replyAddress = `support+${b.project.serviceDeskKey}-${item!.replyKey}@desk.localhost`;
    const raw = Buffer.from(
      `From: c@example.com\r\nTo: ${replyAddress}\r\nCc: ${a.address}\r\nMessage-ID: <tp2@x>\r\n\r\nboth`,
    );
    const rows = await storeInbound(db.store, {
      projectIds: [b.project.id, a.project.id],
      raw: raw,
      rcptTo: [replyAddress, a.address],
      mailFrom: 'c@example.com',
    });
    const outcomes = await Promise.all(
      rows.map((r) => ingestAndLink(deps(), r.inboundEmailId, r.outboxId)),
    );
    const byProject = new Map(
      await Promise.all(
        rows.map(
          async (r, i) =>
            [
              (await db.store.repos.inboundEmails.findById(r.inboundEmailId))!.projectId,
              outcomes[i]!,
            ] as const,
        ),
      ),
    );
    expect(byProject.get(b.project.id)).toMatchObject({
      kind: 'note_added',
      workItemId: ticket.workItemId,
    });
    expect(byProject.get(a.project.id)).toMatchObject({ kind: 'ticket_created' });
  });

  it('keeps attachments within the limits and records what it dropped on the ticket', async () => {
    const { project: p, address } = await project('attach');
    const part = (name: string, bytes: number, cid?: string) => [
      '--b',
      `Content-Type: application/octet-stream; name="${name}"`,
      `Content-Disposition: ${cid ? 'inline' : 'attachment'}; filename="${name}"`,
      ...(cid ? [`Content-ID: <${cid}>`] : []),
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.alloc(bytes, 1).toString('base64'),
    ];
    const row = await store(p.id, address, [
      'From: c@example.com',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      ...part('a.bin', 100, 'img1@x'),
      ...part('big.bin', 2000),
      ...part('c.bin', 100),
      ...part('d.bin', 100),
      '--b--',
    ]);
    const outcome = await ingestAndLink(deps(), row.inboundEmailId, row.outboxId);
    if (outcome.kind !== 'ticket_created') throw new Error(outcome.kind);
    const kept = await db.store.repos.attachments.listForWorkItem(outcome.workItemId);
    expect(kept.map((a) => [a.filename, a.size, a.contentId])).toEqual([
      ['a.bin', 100, '<img1@x>'],
      ['c.bin', 100, null],
    ]);
    expect(kept[0]!.sha256).toBe(createHash('sha256').update(Buffer.alloc(100, 1)).digest('hex'));
    const notes = await db.dataSource.query('SELECT body FROM notes WHERE work_item_id = $1', [
      outcome.workItemId,
    ]);
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain(
      'big.bin (2000 bytes): attachments would exceed 1000 bytes in all',
    );
    expect(notes[0].body).toContain('d.bin (100 bytes): more than 2 attachments');
    const stored = await db.store.repos.inboundEmails.findById(row.inboundEmailId);
    expect(stored?.reason).toBe('2 attachment(s) dropped');
  });
});
