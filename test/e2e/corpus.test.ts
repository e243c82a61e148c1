import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { corpusIndex, readCorpusMessage, type CorpusEntry } from '../support/corpus';
import { seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { WORKER_CONCURRENCY: '4' });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

async function sendAll(
  entries: CorpusEntry[],
  address: (entry: CorpusEntry) => string,
  parallel = 6,
) {
  const ids = new Map<string, string>();
  const queue = [...entries];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        const replies = await sendMail(
          desk.smtpPort!,
          { from: 'corpus-sender@example.net', to: [address(entry)] },
          readCorpusMessage(entry.path),
        );
        const id = /queued as (\d+)/.exec(replies.data?.text ?? '')?.[1];
        if (replies.data?.code !== 250 || !id)
          throw new Error(`${entry.path}: ${JSON.stringify(replies)}`);
        ids.set(entry.path, id);
      }
    }),
  );
  return ids;
}

async function settle(expected: number) {
  const stuck = async () =>
    db.dataSource.query(
      `SELECT e.id, e.status, o.queue, o.published_at IS NOT NULL AS published FROM outbox o
         LEFT JOIN inbound_emails e ON e.id::text = o.payload->>'inboundEmailId'
        WHERE o.processed_at IS NULL LIMIT 20`,
    );
  return waitFor(
    'every corpus email to reach a terminal state and every job to finish',
    async () => {
      const [row] = await db.dataSource.query(
        `SELECT (SELECT count(*)::int FROM inbound_emails WHERE status <> 'received') AS done,
                (SELECT count(*)::int FROM outbox WHERE processed_at IS NULL) AS open`,
      );
      return row.done >= expected && row.open === 0;
    },
    180_000,
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}; still open: ${JSON.stringify(await stuck())}`);
  });
}

describe('the real-world corpus of ../shared/fixtures/emails', () => {
  it('brings every message to a terminal state; auto-replies and bounces are ignored', async () => {
    const group = await seedGroup(db.store, 'corpus');
    const { address } = await seedProject(db.store, group.id);
    const entries = corpusIndex();
    expect(entries.length).toBeGreaterThanOrEqual(500);
    const ids = await sendAll(entries, () => address);
    await settle(entries.length);

    const rows: { id: string; status: string; reason: string | null }[] = await db.dataSource.query(
      'SELECT id::text, status, reason FROM inbound_emails',
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const counts: Record<string, number> = {};
    const wrong: string[] = [];
    for (const entry of entries) {
      const row = byId.get(ids.get(entry.path)!)!;
      counts[row.status] = (counts[row.status] ?? 0) + 1;
      if (
        !['ticket_created', 'note_added', 'ignored', 'duplicate', 'failed'].includes(row.status)
      ) {
        wrong.push(`${entry.path}: ${row.status}`);
      }
      if (row.status === 'failed' && !row.reason)
        wrong.push(`${entry.path}: failed without a reason`);
      const machine = entry.tags.includes('auto-reply') || entry.tags.includes('bounce');
      if (machine && row.status !== 'ignored')
        wrong.push(`${entry.path} [${entry.tags}]: ${row.status}`);
    }
    console.log(`corpus outcomes: ${JSON.stringify(counts)}`);
    expect(wrong).toEqual([]);
  }, 300_000);

  it('keeps subject, sender, CC list, attachment names and text exact for the hand-checked subset', async () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '..', 'fixtures', 'corpus-expectations.json'), 'utf8'),
    ) as { checked: Expectation[]; knownDifferences: KnownDifference[] };
    expect(file.checked.length).toBeGreaterThanOrEqual(40);
    expect(new Set(file.checked.map((e) => e.path.split('/')[0])).size).toBe(7);
    const group = await seedGroup(db.store, 'handchecked');
    const paths = [...new Set([...file.checked, ...file.knownDifferences].map((e) => e.path))];
    const addresses = new Map<string, string>();
    for (const [i, path] of paths.entries()) {
      addresses.set(path, (await seedProject(db.store, group.id, `hc${i}`)).address);
    }
    const entries = corpusIndex().filter((e) => addresses.has(e.path));
    expect(entries).toHaveLength(paths.length);
    const before = Number(
      (await db.dataSource.query('SELECT count(*) AS n FROM inbound_emails'))[0].n,
    );
    const ids = await sendAll(entries, (e) => addresses.get(e.path)!);
    await settle(before + entries.length);

    const actual = async (path: string) => {
      const row = await db.store.repos.inboundEmails.findById(ids.get(path)!);
      if (row?.status !== 'ticket_created') return { status: row?.status, reason: row?.reason };
      const item = await db.store.repos.workItems.findById(row.workItemId!);
      const participants = await db.store.repos.participants.listForWorkItem(item!.id);
      const attachments = await db.store.repos.attachments.listForWorkItem(item!.id);
      return {
        status: row.status,
        subject: item!.title,
        sender: item!.authorEmail,
        cc: participants.filter((p) => p.role === 'cc').map((p) => p.email),
        attachments: attachments.map((a) => a.filename).filter((f) => !f.startsWith('unnamed.')),
        text: item!.description,
      };
    };
    const mismatches: unknown[] = [];
    for (const e of file.checked) {
      const got = await actual(e.path);
      const sender = e.replyTo ?? e.from;
      const want = {
        status: 'ticket_created',
        subject: e.subject || '(no subject)',
        sender,
        cc: e.cc.filter((a) => a !== sender),
        attachments: e.attachments,
      };
      const { text, ...compared } = got as typeof got & { text?: string };
      if (JSON.stringify(compared) !== JSON.stringify(want) || !text?.includes(e.textIncludes)) {
        mismatches.push({ path: e.path, want: { ...want, textIncludes: e.textIncludes }, got });
      }
    }
    for (const k of file.knownDifferences) {
      const got = (await actual(k.path)) as Record<string, unknown>;
      if (JSON.stringify(got[k.field]) !== JSON.stringify(k.desk))
        mismatches.push({ known: k, got });
    }
    expect(mismatches).toEqual([]);
  }, 300_000);
});

interface Expectation {
  path: string;
  subject: string;
  from: string;
  replyTo: string | null;
  cc: string[];
  attachments: string[];
  textIncludes: string;
}

interface KnownDifference {
  path: string;
  field: 'status' | 'subject' | 'attachments';
  desk: unknown;
}
