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
});
