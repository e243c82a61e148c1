import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { createRootLogger } from '../../src/logger';
import { createProducerRedis, createQueues, createWorkerRedis } from '../../src/queue/connection';
import { jobIdOf, JOBS } from '../../src/queue/jobs';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { UNPUBLISHED_ROWS } from '../../src/repositories/outbox.repository';
import { Store, type Repositories } from '../../src/repositories/store';
import { REDIS_URL } from '../support/services';
import { clearQueuePrefix, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
const prefix = `t${randomBytes(4).toString('hex')}`;
const redis = createProducerRedis(REDIS_URL);
const queues = createQueues(redis, { redisUrl: REDIS_URL, prefix, attempts: 3, backoffMs: 100 });

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await Promise.all([...queues.values()].map((q) => q.close()));
  await clearQueuePrefix(prefix);
  redis.disconnect();
  await db?.drop();
});

/** A Store that loses Redis's data right after the relay has published, once. */
class FlushAfterPublish extends Store {
  armed = false;

  override async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return super.run((repos) => {
      const outbox = repos.outbox;
      const wrapped = Object.create(outbox) as typeof outbox;
      wrapped.markPublished = async (rows) => {
        await outbox.markPublished(rows);
        if (this.armed) {
          this.armed = false;
          await clearQueuePrefix(prefix);
        }
      };
      return fn({ ...repos, outbox: wrapped });
    });
  }
}

describe('outbox relay', () => {
  it('recovers when Redis loses its data in the middle of a recovery', async () => {
    const store = new FlushAfterPublish(db.dataSource);
    const relay = new OutboxRelay(store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 300_000,
      ingestBatch: 8,
      publishLingerMs: 0,
    });
    const row = await store.repos.outbox.add(JOBS.ingestEmail, JOBS.ingestEmail, {
      inboundEmailId: '1',
    });
    const queue = queues.get(JOBS.ingestEmail)!;
    // published once, and then Redis lost it
    await store.repos.outbox.markPublished([{ id: row.id, jobId: jobIdOf([row.id]) }]);

    store.armed = true; // the first sweep republishes the row, then Redis is wiped
    await relay.sweep();
    // the wipe took the marker that recovery had put back, so the next sweep recovers again; the
    // recovery's second look, for marks that land late, already saw the row published and lost
    expect(await redis.exists(`${prefix}:desk:redis-epoch`)).toBe(0);
    expect(await queue.getJob(jobIdOf([row.id]))).toBeDefined();

    await relay.sweep(); // must notice the loss again instead of trusting a stale marker
    expect((await queue.getJob(jobIdOf([row.id])))?.data).toEqual({
      emails: [{ inboundEmailId: '1', outboxId: row.id }],
    });
    await relay.stop();
  });
});

describe('outbox relay jobs', () => {
  const relayWith = (store: Store, publishLingerMs = 0, markDelayMs?: number) =>
    new OutboxRelay(store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 100,
      ingestBatch: 4,
      publishLingerMs,
      markDelayMs,
    });
  const addIngest = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        db.store.repos.outbox.add(JOBS.ingestEmail, JOBS.ingestEmail, {
          inboundEmailId: String(1000 + i),
        }),
      ),
    ).then((rows) => rows.sort((a, b) => Number(a.id) - Number(b.id)));
  const jobIdsOf = async (ids: string[]) =>
    (
      await db.dataSource.query('SELECT job_id FROM outbox WHERE id = ANY($1) ORDER BY id', [ids])
    ).map((r: { job_id: string | null }) => r.job_id);

  it('publishes ingest rows in jobs of up to the batch size and records each row’s job', async () => {
    const relay = relayWith(db.store);
    const rows = await addIngest(6);
    const link = await db.store.repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
      workItemId: 1,
      inboundEmailId: null,
    });
    relay.publish([link, ...rows].reverse()); // in commit order, which need not be id order
    await relay.stop();

    const ids = rows.map((r) => r.id);
    const first = jobIdOf(ids.slice(0, 4));
    const second = jobIdOf(ids.slice(4));
    expect(first).toMatch(new RegExp(`^outbox-${ids[0]}-${ids[3]}-[0-9a-f]{8}$`));
    expect(first).not.toBe(jobIdOf([ids[0]!, ids[2]!, ids[3]!])); // other rows, other job
    expect(await jobIdsOf(ids)).toEqual([first, first, first, first, second, second]);
    const job = await queues.get(JOBS.ingestEmail)!.getJob(first);
    expect(job?.data).toEqual({
      emails: rows
        .slice(0, 4)
        .map((r) => ({ inboundEmailId: r.payload.inboundEmailId, outboxId: r.id })),
    });
    expect((await queues.get(JOBS.linkContacts)!.getJob(jobIdOf([link.id])))?.data).toEqual({
      workItemId: 1,
      inboundEmailId: null,
      outboxId: link.id,
    });
    expect(await jobIdsOf([link.id])).toEqual([jobIdOf([link.id])]);
  });

  it('gathers rows committed one after another within the linger into one job', async () => {
    const relay = relayWith(db.store, 300);
    const [first, second] = await addIngest(2);
    relay.publish([first!]);
    await new Promise((r) => setTimeout(r, 20));
    relay.publish([second!]);
    const ids = [first!.id, second!.id];
    const jobIds = await waitFor('both rows published', async () => {
      const published = await jobIdsOf(ids);
      return published.every(Boolean) && published;
    });
    expect(jobIds).toEqual([jobIdOf(ids), jobIdOf(ids)]);
    await relay.stop();
  });

  it('publishes a whole job without waiting for the linger to end', async () => {
    const relay = relayWith(db.store, 600_000);
    const rows = await addIngest(4);
    relay.publish(rows.slice(0, 3));
    relay.publish(rows.slice(3));
    const ids = rows.map((r) => r.id);
    const jobIds = await waitFor(
      'the job published',
      async () => {
        const published = await jobIdsOf(ids);
        return published.every(Boolean) && published;
      },
      5_000,
    );
    expect(new Set(jobIds)).toEqual(new Set([jobIdOf(ids)]));
    await relay.stop();
  });

  it('lets only ingest rows end the linger: other jobs are one row each', async () => {
    const relay = relayWith(db.store, 300);
    const links = await Promise.all(
      [1, 2, 3, 4].map((workItemId) =>
        db.store.repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
          workItemId,
          inboundEmailId: null,
        }),
      ),
    );
    const [ingest] = await addIngest(1);
    relay.publish([...links, ingest!]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await queues.get(JOBS.ingestEmail)!.getJob(jobIdOf([ingest!.id]))).toBeUndefined();
    await waitFor('the lingered job', async () =>
      (await queues.get(JOBS.ingestEmail)!.getJob(jobIdOf([ingest!.id]))) ? true : null,
    );
    await relay.stop();
  });

  it('marks the rows of many publishes published in one statement', async () => {
    const marks: string[][] = [];
    const counting = new (class extends Store {
      override async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
        return super.run((repos) => {
          const outbox = Object.create(repos.outbox) as typeof repos.outbox;
          outbox.markPublished = (rows) => {
            marks.push(rows.map((r) => r.id));
            return repos.outbox.markPublished(rows);
          };
          return fn({ ...repos, outbox });
        });
      }
    })(db.dataSource);
    const relay = relayWith(counting, 0, 2_000); // room for three publishes on a busy machine
    const rows = await addIngest(12);
    const ids = rows.map((r) => r.id);
    for (const job of [rows.slice(0, 4), rows.slice(4, 8), rows.slice(8)]) {
      relay.publish(job);
      await waitFor('the job in Redis', async () =>
        (await queues.get(JOBS.ingestEmail)!.getJob(jobIdOf(job.map((r) => r.id)))) ? true : null,
      );
    }
    const jobIds = await waitFor('all rows marked', async () => {
      const published = await jobIdsOf(ids);
      return published.every(Boolean) && published;
    });
    expect(marks).toEqual([ids]);
    expect(jobIds).toEqual(
      [0, 4, 8].flatMap((at) => Array(4).fill(jobIdOf(ids.slice(at, at + 4)))),
    );
    await relay.stop();
  });

  it('recovers rows it published just before Redis lost its data, before their mark was written', async () => {
    const relay = new OutboxRelay(db.store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 300_000,
      ingestBatch: 4,
      publishLingerMs: 0,
      markDelayMs: 2_000,
    });
    const queue = queues.get(JOBS.ingestEmail)!;
    // the earlier tests' rows are not this test's business
    await db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL');
    const [row] = await addIngest(1);
    const jobId = jobIdOf([row!.id]);
    relay.publish([row!]);
    await waitFor('the job in Redis', async () => ((await queue.getJob(jobId)) ? true : null));
    expect(await jobIdsOf([row!.id])).toEqual([null]); // its mark is still the relay's
    await clearQueuePrefix(prefix); // the loss takes the marker key too
    await relay.sweep();
    expect((await queue.getJob(jobId))?.data.emails).toEqual([
      { inboundEmailId: row!.payload.inboundEmailId, outboxId: row!.id },
    ]);
    await relay.stop();
  });

  it('marks without waiting for a row an ingest holds, and leaves processed rows as they are', async () => {
    const [held, processed, free] = await addIngest(3);
    await db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE id = $1', [
      processed!.id,
    ]);
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('SELECT id FROM outbox WHERE id = $1 FOR UPDATE', [held!.id]);
      await db.store.repos.outbox.markPublished(
        [held!, processed!, free!].map((r) => ({ id: r.id, jobId: `job-${r.id}` })),
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await jobIdsOf([held!.id, processed!.id, free!.id])).toEqual([
      null,
      null,
      `job-${free!.id}`,
    ]);
  });

  it('a late mark leaves a row the sweeper has published again since', async () => {
    const [row] = await addIngest(1);
    await db.store.repos.outbox.markPublished([{ id: row!.id, jobId: 'outbox-again' }]);
    await db.store.repos.outbox.markPublished([{ id: row!.id, jobId: 'outbox-first' }], {
      late: true,
    });
    expect(await jobIdsOf([row!.id])).toEqual(['outbox-again']);
  });

  it('finds the rows it missed without walking a backlog of published ones', async () => {
    await db.dataSource.query(
      `INSERT INTO outbox (queue, job_name, payload, published_at, created_at)
       SELECT 'ingest-email', 'ingest-email', '{}', now(), now() - interval '1 hour'
         FROM generate_series(1, 20000)`,
    );
    try {
      await db.dataSource.query('ANALYZE outbox');
      const [{ 'QUERY PLAN': plan }] = await db.dataSource.query(
        `EXPLAIN (FORMAT JSON) ${UNPUBLISHED_ROWS.replace('$1', '1000').replace('$2', '500')}`,
      );
      const nodes = JSON.stringify(plan);
      expect(nodes).toContain('"Index Name":"outbox_unpublished_idx"');
      expect(nodes).not.toContain('Seq Scan');
    } finally {
      await db.dataSource.query(
        'UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL',
      );
    }
  });

  it('looks for long-published rows a tenth of the republish age apart, missed ones at every sweep', async () => {
    const ages: (number | null)[] = [];
    const store = new (class extends Store {
      override async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
        return super.run((repos) => {
          const outbox = Object.create(repos.outbox) as typeof repos.outbox;
          outbox.findPending = (unpublishedAgeMs, publishedAgeMs, limit) => {
            ages.push(publishedAgeMs);
            return repos.outbox.findPending(unpublishedAgeMs, publishedAgeMs, limit);
          };
          return fn({ ...repos, outbox });
        });
      }
    })(db.dataSource);
    const relay = new OutboxRelay(store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 2_000,
      ingestBatch: 4,
      publishLingerMs: 0,
    });
    await redis.set(`${prefix}:desk:redis-epoch`, '1'); // no recovery: Redis kept its data
    await relay.sweep();
    await relay.sweep();
    await relay.sweep();
    await new Promise((r) => setTimeout(r, 250));
    await relay.sweep();
    await relay.stop();
    expect(ages).toEqual([2_000, null, null, 2_000]);
  });

  it('republishes rows whose job is gone or finished without them, and leaves a queued job alone', async () => {
    const relay = relayWith(db.store);
    const queue = queues.get(JOBS.ingestEmail)!;
    const [gone, finished, queued] = await addIngest(3);
    // a job that completed (for other rows) still holds the id this row was published under
    await queue.add(JOBS.ingestEmail, { emails: [] }, { jobId: 'outbox-finished' });
    const connection = createWorkerRedis(REDIS_URL);
    const worker = new Worker(JOBS.ingestEmail, async () => 'ok', { connection, prefix });
    await waitFor('the other job to complete', async () =>
      (await queue.getJobState('outbox-finished')) === 'completed' ? true : null,
    );
    await worker.close();
    connection.disconnect();
    await queue.add(JOBS.ingestEmail, { emails: [] }, { jobId: 'outbox-queued' });
    await db.dataSource.query(
      `UPDATE outbox SET published_at = now() - interval '1 minute',
              job_id = CASE id WHEN $1 THEN 'outbox-gone' WHEN $2 THEN 'outbox-finished' ELSE 'outbox-queued' END
        WHERE id = ANY($3)`,
      [gone!.id, finished!.id, [gone!.id, finished!.id, queued!.id]],
    );

    // the earlier tests' rows are not this test's business
    await db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE id <> ALL($1)', [
      [gone!.id, finished!.id, queued!.id],
    ]);
    expect(await relay.sweep()).toBe(3);
    await relay.stop();
    const again = jobIdOf([gone!.id, finished!.id]);
    expect(await jobIdsOf([gone!.id, finished!.id, queued!.id])).toEqual([
      again,
      again,
      'outbox-queued',
    ]);
    expect((await queue.getJob(again))?.data.emails).toHaveLength(2);
    expect(await queue.getJobState('outbox-queued')).toBe('waiting');
  });
});

describe('outbox relay after a start without its Redis marker', () => {
  it('republishes only the rows whose job is not in Redis', async () => {
    await db.dataSource.query('UPDATE outbox SET processed_at = now()');
    const relay = new OutboxRelay(db.store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 300_000,
      ingestBatch: 8,
      publishLingerMs: 0,
    });
    const queue = queues.get(JOBS.ingestEmail)!;
    const add = (i: number) =>
      db.store.repos.outbox.add(JOBS.ingestEmail, JOBS.ingestEmail, {
        inboundEmailId: String(2000 + i),
      });
    const live = [await add(1), await add(2)];
    relay.publish(live);
    await relay.stop();
    const lost = await add(3);
    relay.publish([lost]);
    await relay.stop();
    await queue.remove(jobIdOf([lost.id])); // its job went with Redis's data
    const unpublished = await add(4); // the relay's, or after a second the sweep's
    const waitingBefore = await queue.getWaitingCount();

    await redis.del(`${prefix}:desk:redis-epoch`);
    expect(await relay.sweep()).toBe(1);
    await relay.stop();
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 1);
    expect((await queue.getJob(jobIdOf([lost.id])))?.data).toEqual({
      emails: [{ inboundEmailId: '2003', outboxId: lost.id }],
    });
    expect(await queue.getJob(jobIdOf([unpublished.id]))).toBeUndefined();
  });
});
