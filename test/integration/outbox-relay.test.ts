import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { createRootLogger } from '../../src/logger';
import { createProducerRedis, createQueues, createWorkerRedis } from '../../src/queue/connection';
import { jobIdOf, JOBS } from '../../src/queue/jobs';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { OutboxRepository } from '../../src/repositories/outbox.repository';
import { Store, type Repositories } from '../../src/repositories/store';
import { captureQueries, planOf } from '../support/query-plans';
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
    });
    const row = await store.repos.outbox.add(JOBS.ingestEmail, JOBS.ingestEmail, {
      inboundEmailId: '1',
    });
    const queue = queues.get(JOBS.ingestEmail)!;
    // published once, and then Redis lost it
    await store.repos.outbox.markPublished([{ id: row.id, jobId: jobIdOf(row.id) }]);

    store.armed = true; // the first sweep republishes the row, then Redis is wiped
    await relay.sweep();
    // the wipe took the marker that recovery had put back, so the next sweep recovers again
    expect(await redis.exists(`${prefix}:desk:redis-epoch`)).toBe(0);

    await relay.sweep(); // must notice the loss again instead of trusting a stale marker
    expect((await queue.getJob(jobIdOf(row.id)))?.data).toEqual({
      inboundEmailId: '1',
      outboxId: row.id,
    });
    await relay.stop();
  });
});

describe('outbox relay jobs', () => {
  const relayWith = (store: Store) =>
    new OutboxRelay(store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
      republishAfterMs: 100,
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
  /** Rows earlier tests left unfinished are not the next test's business. */
  const finishEarlierRows = () =>
    db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL');

  it('publishes one job per row and marks each row with its job id', async () => {
    const relay = relayWith(db.store);
    const rows = await addIngest(3);
    const link = await db.store.repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
      workItemId: 1,
      inboundEmailId: null,
    });
    relay.publish([link, ...rows].reverse()); // in commit order, which need not be id order
    await relay.stop();

    const ids = rows.map((r) => r.id);
    expect(await jobIdsOf(ids)).toEqual(ids.map((id) => `outbox-${id}`));
    for (const row of rows) {
      expect((await queues.get(JOBS.ingestEmail)!.getJob(jobIdOf(row.id)))?.data).toEqual({
        inboundEmailId: row.payload.inboundEmailId,
        outboxId: row.id,
      });
    }
    expect((await queues.get(JOBS.linkContacts)!.getJob(jobIdOf(link.id)))?.data).toEqual({
      workItemId: 1,
      inboundEmailId: null,
      outboxId: link.id,
    });
    expect(await jobIdsOf([link.id])).toEqual([jobIdOf(link.id)]);
  });

  it('marks the rows of publishes close together in one statement, once their jobs are in Redis', async () => {
    const marks: string[][] = [];
    const counting = new (class extends Store {
      override async run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
        return super.run((repos) => {
          const outbox = Object.create(repos.outbox) as typeof repos.outbox;
          outbox.markPublished = async (rows) => {
            const jobs = await Promise.all(
              rows.map((r) => queues.get(JOBS.ingestEmail)!.getJob(r.jobId)),
            );
            if (jobs.every(Boolean)) marks.push(rows.map((r) => r.id));
            return repos.outbox.markPublished(rows);
          };
          return fn({ ...repos, outbox });
        });
      }
    })(db.dataSource);
    const relay = relayWith(counting);
    const rows = await addIngest(5);
    const ids = rows.map((r) => r.id);
    relay.publish(rows.slice(0, 3));
    relay.publish(rows.slice(3));
    const jobIds = await waitFor('all rows marked', async () => {
      const published = await jobIdsOf(ids);
      return published.every(Boolean) && published;
    });
    expect(jobIds).toEqual(ids.map(jobIdOf));
    expect(marks).toEqual([ids]);
    await relay.stop();
  });

  it('publishes rows the relay missed within about a second of their commit', async () => {
    await finishEarlierRows();
    const relay = new OutboxRelay(db.store, queues, redis, createRootLogger('silent'), { prefix });
    await redis.set(`${prefix}:desk:redis-epoch`, '1'); // no recovery: Redis kept its data
    const [missed] = await addIngest(1); // committed, but its publish never ran (a crash)
    const committedAt = Date.now();
    relay.start();
    try {
      await waitFor(
        'the sweeper to publish the row',
        async () => (await jobIdsOf([missed!.id]))[0],
        10_000,
      );
      // a second of grace, then the next sweep a second apart (with room for a busy machine)
      expect(Date.now() - committedAt).toBeLessThan(3_500);
      expect((await queues.get(JOBS.ingestEmail)!.getJob(jobIdOf(missed!.id)))?.data).toEqual({
        inboundEmailId: missed!.payload.inboundEmailId,
        outboxId: missed!.id,
      });
    } finally {
      await relay.stop();
    }
  });

  it('republishes every unfinished row after Redis loses its data, and no finished one', async () => {
    await finishEarlierRows();
    const relay = relayWith(db.store);
    const queue = queues.get(JOBS.ingestEmail)!;
    const rows = await addIngest(4);
    relay.publish(rows);
    await relay.stop();
    const [done, ...unfinished] = rows;
    await db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE id = $1', [done!.id]);
    await clearQueuePrefix(prefix); // the loss takes the marker key too

    expect(await relay.sweep()).toBe(3);
    for (const row of unfinished) {
      expect((await queue.getJob(jobIdOf(row.id)))?.data).toEqual({
        inboundEmailId: row.payload.inboundEmailId,
        outboxId: row.id,
      });
    }
    expect(await queue.getJob(jobIdOf(done!.id))).toBeUndefined();
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

  it('finds the rows it missed without walking a backlog of published ones', async () => {
    await db.dataSource.query(
      `INSERT INTO outbox (queue, job_name, payload, published_at, created_at)
       SELECT 'ingest-email', 'ingest-email', '{}', now(), now() - interval '1 hour'
         FROM generate_series(1, 20000)`,
    );
    try {
      await db.dataSource.query('ANALYZE outbox');
      const [unpublished, ...others] = await captureQueries(db.dataSource, /FROM "outbox"/, (em) =>
        new OutboxRepository(em).findPending(1000, null, 500),
      );
      expect(others).toEqual([]);
      const nodes = JSON.stringify(
        await planOf(db.dataSource, unpublished!.sql, unpublished!.params),
      );
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
    const [gone, finished, own, queued] = await addIngest(4);
    // a job that completed (for other rows) still holds the id this row was published under
    await queue.add(JOBS.ingestEmail, {}, { jobId: 'outbox-finished' });
    // and one that completed under the row's own id, which a new add would silently reuse
    await queue.add(JOBS.ingestEmail, {}, { jobId: jobIdOf(own!.id) });
    const connection = createWorkerRedis(REDIS_URL);
    const worker = new Worker(JOBS.ingestEmail, async () => 'ok', { connection, prefix });
    await waitFor('the other jobs to complete', async () =>
      (await queue.getJobState('outbox-finished')) === 'completed' &&
      (await queue.getJobState(jobIdOf(own!.id))) === 'completed'
        ? true
        : null,
    );
    await worker.close();
    connection.disconnect();
    await queue.add(JOBS.ingestEmail, {}, { jobId: jobIdOf(queued!.id) });
    const ids = [gone!.id, finished!.id, own!.id, queued!.id];
    await db.dataSource.query(
      `UPDATE outbox SET published_at = now() - interval '1 minute',
              job_id = CASE id WHEN $1 THEN 'outbox-gone' WHEN $2 THEN 'outbox-finished'
                               ELSE 'outbox-' || id END
        WHERE id = ANY($3)`,
      [gone!.id, finished!.id, ids],
    );

    // the earlier tests' rows are not this test's business
    await db.dataSource.query('UPDATE outbox SET processed_at = now() WHERE id <> ALL($1)', [ids]);
    await redis.set(`${prefix}:desk:redis-epoch`, '1'); // no recovery: Redis kept its data
    expect(await relay.sweep()).toBe(4);
    await relay.stop();
    expect(await jobIdsOf(ids)).toEqual([
      jobIdOf(gone!.id),
      jobIdOf(finished!.id),
      jobIdOf(own!.id),
      jobIdOf(queued!.id),
    ]);
    for (const row of [gone!, finished!, own!]) {
      expect(await queue.getJobState(jobIdOf(row.id))).toBe('waiting');
      expect((await queue.getJob(jobIdOf(row.id)))?.data).toEqual({
        inboundEmailId: row.payload.inboundEmailId,
        outboxId: row.id,
      });
    }
    expect(await queue.getJobState(jobIdOf(queued!.id))).toBe('waiting');
    expect((await queue.getJob(jobIdOf(queued!.id)))?.data).toEqual({}); // left alone, not re-added
  });
});

describe('outbox relay after a start without its Redis marker', () => {
  it('republishes only the rows whose job is not in Redis', async () => {
    await db.dataSource.query('UPDATE outbox SET processed_at = now()');
    const relay = new OutboxRelay(db.store, queues, redis, createRootLogger('silent'), {
      prefix,
      sweepIntervalMs: 1_000_000,
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
    await queue.remove(jobIdOf(lost.id)); // its job went with Redis's data
    const unpublished = await add(4); // the relay's, or after a second the sweep's
    const waitingBefore = await queue.getWaitingCount();

    await redis.del(`${prefix}:desk:redis-epoch`);
    expect(await relay.sweep()).toBe(1);
    await relay.stop();
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 1);
    expect((await queue.getJob(jobIdOf(lost.id)))?.data).toEqual({
      inboundEmailId: '2003',
      outboxId: lost.id,
    });
    expect(await queue.getJob(jobIdOf(unpublished.id))).toBeUndefined();
  });
});
