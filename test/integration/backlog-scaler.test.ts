import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { createRootLogger } from '../../src/logger';
import { createWorkerRedis } from '../../src/queue/connection';
import { scaleWithBacklog, type BacklogScaler } from '../../workers/backlog-scaler';
import { REDIS_URL } from '../support/services';
import { clearQueuePrefix } from '../support/test-desk';

const prefix = `t${randomBytes(4).toString('hex')}`;
const connection = createWorkerRedis(REDIS_URL);
const queue = new Queue('scaled', { connection, prefix });
// not started: the jobs stay waiting, so the backlog is what the test makes it
const worker = new Worker('scaled', async () => 'ok', { connection, prefix, autorun: false });

afterAll(async () => {
  await worker.close();
  await queue.close();
  await clearQueuePrefix(prefix);
  connection.disconnect();
});

/** A scaler that only looks when asked (`check`), stopped after `use`. */
async function withScaler(idle: number, busy: number, use: (s: BacklogScaler) => Promise<void>) {
  const scaler = scaleWithBacklog(
    worker,
    queue,
    { idle, busy, everyMs: 1_000_000 },
    createRootLogger('silent'),
  );
  try {
    await use(scaler);
  } finally {
    scaler.stop();
  }
}

test('a worker runs narrow while its queue keeps up and wide once a backlog builds', () =>
  withScaler(2, 6, async (scaler) => {
    expect(worker.concurrency).toBe(2);
    await queue.addBulk(Array.from({ length: 4 }, (_, i) => ({ name: 'j', data: { i } })));
    expect(await scaler.check()).toBe(2); // 4 waiting: fewer than a wide round
    await queue.addBulk(Array.from({ length: 2 }, (_, i) => ({ name: 'j', data: { i } })));
    expect(await scaler.check()).toBe(6);
    await queue.drain();
    await queue.add('j', {});
    expect(await scaler.check()).toBe(2); // 1 waiting: fewer than even the narrow round
  }));

test('never runs wider than its busy width, whatever the idle one says', async () => {
  await queue.drain();
  await withScaler(4, 2, async (scaler) => {
    expect(worker.concurrency).toBe(2);
    expect(await scaler.check()).toBe(2);
  });
});
