import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { seedGroup, seedProject } from '../support/seed';
import { ResponseConformance } from '../support/openapi-conformance';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

const TOKEN = 'operator-secret';
let db: TestDb;
let config: Config;
let desk: RunningDesk;
const responses = new ResponseConformance();

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: TOKEN });
  desk = await startTestDesk(config, { onApiBuilt: responses.watch });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
  responses.assertAllMatched();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();

const api = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
  fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    ...init,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('operators see received mail and send failed mail through the pipeline again', () => {
  it('lists, shows, downloads and reprocesses an email that failed', async () => {
    const group = await seedGroup(db.store, 'ops');
    const { address } = await seedProject(db.store, group.id);
    const raw = 'From: c@example.com\r\nSubject: lost once\r\n\r\nplease help\r\n';
    const replies = await sendMail(desk.smtpPort!, { from: 'c@example.com', to: [address] }, raw);
    const id = /queued as (\d+)/.exec(replies.data!.text)![1]!;
    const first = await waitFor('the ticket', async () => {
      const row = await db.store.repos.inboundEmails.findById(id);
      return row?.workItemId ? row : null;
    });
    // as if a bug had failed it: the ticket goes, the email is failed with its reason
    await db.dataSource.query('DELETE FROM work_items WHERE id = $1', [first.workItemId]);
    await db.dataSource.query(
      "UPDATE inbound_emails SET status = 'failed', reason = 'bug: x is undefined', work_item_id = NULL WHERE id = $1",
      [id],
    );

    const list = await json(await api('/inbound-emails?status=failed'));
    expect(list.items.map((e: { id: string; reason: string }) => [e.id, e.reason])).toEqual([
      [id, 'bug: x is undefined'],
    ]);
    expect(list.items[0]).not.toHaveProperty('raw');
    const shown = await json(await api(`/inbound-emails/${id}`));
    expect(shown).toMatchObject({ id, status: 'failed', mailFrom: 'c@example.com' });
    const eml = await api(`/inbound-emails/${id}/raw`);
    expect(eml.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(Buffer.from(await eml.arrayBuffer()).toString()).toBe(raw);

    const again = await api(`/inbound-emails/${id}/reprocess`, { method: 'POST' });
    expect(again.status).toBe(202);
    const done = await waitFor('the new ticket', async () => {
      const row = await db.store.repos.inboundEmails.findById(id);
      return row?.status === 'ticket_created' ? row : null;
    });
    expect(done.reason).toBeNull();
    const item = await db.store.repos.workItems.findById(done.workItemId!);
    expect(item?.title).toBe('lost once');

    const twice = await api(`/inbound-emails/${id}/reprocess`, { method: 'POST' });
    expect(twice.status).toBe(409);
    expect((await json(twice)).message).toMatch(
      /ticket_created; only failed or ignored mail is reprocessed/,
    );
  });

  it('filters the list by project, envelope sender and received-at range', async () => {
    const group = await seedGroup(db.store, 'filters');
    const a = await seedProject(db.store, group.id, 'a');
    const b = await seedProject(db.store, group.id, 'b');
    const send = async (from: string, to: string) => {
      const replies = await sendMail(
        desk.smtpPort!,
        { from, to: [to] },
        `From: ${from}\r\n\r\nx\r\n`,
      );
      return /queued as (\d+)/.exec(replies.data!.text)![1]!;
    };
    const before = new Date(Date.now() - 1000).toISOString();
    const one = await send('Ann@Filter.example', a.address);
    const two = await send('bob@filter.example', a.address);
    const three = await send('ann@filter.example', b.address);
    const ids = async (query: string) =>
      (await json(await api(`/inbound-emails?${query}`))).items.map((e: { id: string }) => e.id);

    expect(await ids(`projectId=${a.project.id}`)).toEqual([two, one]);
    expect(await ids('sender=ANN@filter.example')).toEqual([three, one]);
    expect(await ids(`sender=ann@filter.example&projectId=${b.project.id}`)).toEqual([three]);
    expect(
      await ids(`receivedFrom=${encodeURIComponent(before)}&sender=bob@filter.example`),
    ).toEqual([two]);
    expect(await ids(`receivedTo=${encodeURIComponent(before)}&sender=bob@filter.example`)).toEqual(
      [],
    );
    expect(await ids('receivedTo=2000-01-01&sender=bob@filter.example')).toEqual([]);
    const bad = await api('/inbound-emails?receivedFrom=yesterday');
    expect({ status: bad.status, body: await json(bad) }).toMatchObject({
      status: 400,
      body: {
        field: 'receivedFrom',
        message: expect.stringContaining('expected an ISO 8601 date (2026-12-01)'),
      },
    });
  });

  it('reprocesses every failed email in one call', async () => {
    const group = await seedGroup(db.store, 'bulk');
    const { address } = await seedProject(db.store, group.id);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const r = await sendMail(
        desk.smtpPort!,
        { from: 'c@example.com', to: [address] },
        `Subject: bulk ${n}\r\n\r\nx`,
      );
      ids.push(/queued as (\d+)/.exec(r.data!.text)![1]!);
    }
    await waitFor('three tickets', async () => {
      const rows = await Promise.all(ids.map((i) => db.store.repos.inboundEmails.findById(i)));
      return rows.every((r) => r?.workItemId);
    });
    await db.dataSource.query(
      "UPDATE inbound_emails SET status = 'failed', reason = 'x', work_item_id = NULL WHERE id = ANY($1::bigint[])",
      [ids],
    );
    const res = await api('/inbound-emails/reprocess?status=failed', { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await json(res)).count).toBe(3);
    await waitFor('all three processed again', async () => {
      const rows = await Promise.all(ids.map((i) => db.store.repos.inboundEmails.findById(i)));
      return rows.every((r) => r?.status === 'duplicate' || r?.status === 'ticket_created');
    });
  });

  it('is for instance admins only: 401 without a token, 403 for a user, 400 for a bad id', async () => {
    expect((await api('/inbound-emails', {}, null)).status).toBe(401);
    const user = await json(
      await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'staff1', name: 'Staff', email: 'staff1@staff.example' }),
      }),
    );
    const { token } = await json(
      await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1/users/${user.id}/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 't' }),
      }),
    );
    expect((await api('/inbound-emails', {}, token)).status).toBe(403);
    expect((await api('/inbound-emails/1/reprocess', { method: 'POST' }, token)).status).toBe(403);
    expect((await api('/inbound-emails/abc')).status).toBe(400);
    expect((await api('/inbound-emails/999999')).status).toBe(404);
  });

  // ids were sorted as text (…, 1000, 999, …) while the cursor compared numbers: pages repeated
  // and skipped mail once ids reached four digits
  it('pages through more than 1,000 emails newest first, each once, ids as strings', async () => {
    const group = await seedGroup(db.store, 'paging');
    const { project } = await seedProject(db.store, group.id);
    await db.dataSource.query(
      `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, project_id, status)
       SELECT '{x}', 1, repeat('0', 64), 'x', $1, 'duplicate' FROM generate_series(1, 1100)`,
      [project.id],
    );
    const stored: { id: string }[] = await db.dataSource.query(
      'SELECT id::text AS id FROM inbound_emails',
    );
    const newestFirst = stored.map((r) => r.id).sort((a, b) => Number(b) - Number(a));
    expect(new Set(newestFirst.map((id) => id.length)).size).toBeGreaterThan(1);

    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: unknown }[]; nextCursor: string | null } = await json(
        await api(`/inbound-emails?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(newestFirst);
  });
});
