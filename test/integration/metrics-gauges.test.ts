import { randomBytes } from 'node:crypto';
import { createProducerRedis, createQueues, type QueueSet } from '../../src/queue/connection';
import { jobCounts, oldestWaitingAges } from '../../src/queue/queue-depth';
import { STUCK_RECEIVED_AFTER_MS } from '../../src/metrics/desk-metrics';
import { seedGroup, seedProject } from '../support/seed';
import { REDIS_URL } from '../support/services';
import { clearQueuePrefix } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

// What the scrape-time gauges read: backlog in PostgreSQL (repositories) and in Redis (queues).
let db: TestDb;
const prefix = `t${randomBytes(4).toString('hex')}`;
const redis = createProducerRedis(REDIS_URL);
let queues: QueueSet;

beforeAll(async () => {
  db = await createTestDb();
  queues = createQueues(redis, { redisUrl: REDIS_URL, prefix, attempts: 1, backoffMs: 100 });
});

afterAll(async () => {
  await Promise.all([...queues.values()].map((q) => q.close()));
  await clearQueuePrefix(prefix);
  redis.disconnect();
  await db?.drop();
});

test('counts emails still received after five minutes, and only those', async () => {
  const group = await seedGroup(db.store, 'gauges');
  const { project } = await seedProject(db.store, group.id);
  await db.dataSource.query(
    `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, project_id, status, received_at)
     VALUES ('{x}', 1, repeat('0', 64), 'x', $1, 'received', now() - interval '6 minutes'),
            ('{x}', 1, repeat('0', 64), 'x', $1, 'received', now() - interval '7 minutes'),
            ('{x}', 1, repeat('0', 64), 'x', $1, 'received', now() - interval '4 minutes'),
            ('{x}', 1, repeat('0', 64), 'x', $1, 'failed', now() - interval '9 minutes')`,
    [project.id],
  );
  const count = () =>
    db.store.run((repos) => repos.inboundEmails.countReceivedBefore(STUCK_RECEIVED_AFTER_MS));
  expect(await count()).toBe(2);
});

test('counts outbox rows neither published nor processed', async () => {
  await db.dataSource.query(
    `INSERT INTO outbox (queue, job_name, payload, published_at, processed_at)
     VALUES ('q', 'j', '{}', NULL, NULL), ('q', 'j', '{}', NULL, NULL),
            ('q', 'j', '{}', now(), NULL), ('q', 'j', '{}', NULL, now())`,
  );
  expect(await db.store.run((repos) => repos.outbox.countUnpublished())).toBe(2);
});

test('reads each queue’s job counts and the age of its oldest waiting job', async () => {
  const ingest = queues.get('ingest-email')!;
  await ingest.add('ingest-email', {}, { jobId: 'oldest', timestamp: Date.now() - 90_000 });
  await ingest.add('ingest-email', {}, { jobId: 'newer' });
  await ingest.add('ingest-email', {}, { jobId: 'later', delay: 60_000 });

  expect(await jobCounts(queues)).toEqual([
    { queue: 'ingest-email', waiting: 2, active: 0, delayed: 1, failed: 0 },
    { queue: 'link-contacts', waiting: 0, active: 0, delayed: 0, failed: 0 },
  ]);
  const ages = await oldestWaitingAges(queues);
  expect(ages.map((a) => a.queue)).toEqual(['ingest-email', 'link-contacts']);
  expect(ages[0]!.seconds).toBeGreaterThanOrEqual(90);
  expect(ages[0]!.seconds).toBeLessThan(120);
  expect(ages[1]!.seconds).toBe(0);
});
