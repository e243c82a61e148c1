import { randomBytes } from 'node:crypto';
import { createRootLogger } from '../../src/logger';
import { createProducerRedis, createQueues } from '../../src/queue/connection';
import { jobIdOf, JOBS } from '../../src/queue/jobs';
import { OutboxRelay } from '../../src/queue/outbox-relay';
import { Store, type Repositories } from '../../src/repositories/store';
import { REDIS_URL } from '../support/services';
import { clearQueuePrefix } from '../support/test-desk';
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
      wrapped.markPublished = async (ids: string[]) => {
        await outbox.markPublished(ids);
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
    });
    const row = await store.repos.outbox.add(JOBS.ingestEmail, JOBS.ingestEmail, {
      inboundEmailId: '1',
    });
    const queue = queues.get(JOBS.ingestEmail)!;

    store.armed = true; // the first sweep republishes the row, then Redis is wiped
    await relay.sweep();
    expect(await queue.getJob(jobIdOf(row.id))).toBeUndefined();

    await relay.sweep(); // must notice the loss again instead of trusting a stale marker
    expect((await queue.getJob(jobIdOf(row.id)))?.data).toEqual({
      inboundEmailId: '1',
      outboxId: row.id,
    });
    await relay.stop();
  });
});
