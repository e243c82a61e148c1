import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { DatabaseUnavailableError, NotFoundError } from '../../src/errors';
import { createRootLogger } from '../../src/logger';
import { counterTotal, DeskMetrics } from '../../src/metrics/desk-metrics';
import { createWorkerRedis, defaultJobOptions } from '../../src/queue/connection';
import { JOBS } from '../../src/queue/jobs';
import { runWorker } from '../../workers/run-workers';
import type { WorkerDefinition } from '../../workers/worker-definition';
import { REDIS_URL } from '../support/services';
import { clearQueuePrefix, waitFor } from '../support/test-desk';

const prefix = `t${randomBytes(4).toString('hex')}`;
const connection = createWorkerRedis(REDIS_URL);
const queue = new Queue(JOBS.ingestEmail, {
  connection,
  prefix,
  defaultJobOptions: defaultJobOptions({
    redisUrl: REDIS_URL,
    prefix,
    attempts: 4,
    backoffMs: 100,
  }),
});
const attempts = new Map<string, number[]>();
const givenUp: { id: string; reason: string }[] = [];
let behaviour: (job: Job, attempt: number) => Promise<unknown>;

const definition: WorkerDefinition = {
  queue: JOBS.ingestEmail,
  async process(job) {
    const times = [...(attempts.get(job.id!) ?? []), Date.now()];
    attempts.set(job.id!, times);
    return behaviour(job, times.length);
  },
  async giveUp(job, reason) {
    givenUp.push({ id: job.id!, reason });
  },
};
const metrics = new DeskMetrics();
const worker = runWorker(definition, {
  connection,
  prefix,
  concurrency: 2,
  logger: createRootLogger('silent'),
  metrics,
});

afterAll(async () => {
  await worker.close();
  await queue.close();
  await clearQueuePrefix(prefix);
  connection.disconnect();
});

async function run(id: string) {
  await queue.add('test', {}, { jobId: id });
  return waitFor(`job ${id} to finish`, async () => {
    const state = await queue.getJobState(id);
    return state === 'completed' || state === 'failed' ? state : null;
  });
}

describe('worker retry policy', () => {
  it('retries a temporary error with growing backoff, then succeeds', async () => {
    behaviour = async (_job, attempt) => {
      if (attempt < 3) throw new DatabaseUnavailableError();
      return 'ok';
    };
    expect(await run('temp-then-ok')).toBe('completed');
    const times = attempts.get('temp-then-ok')!;
    expect(times).toHaveLength(3);
    const gaps = [times[1]! - times[0]!, times[2]! - times[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect(givenUp.filter((g) => g.id === 'temp-then-ok')).toEqual([]);
  });

  it('stops a permanent error at once and records its reason', async () => {
    behaviour = async () => {
      throw new NotFoundError('inbound email 42 no longer exists');
    };
    expect(await run('permanent')).toBe('failed');
    expect(attempts.get('permanent')).toHaveLength(1);
    await waitFor('the give-up record', async () => givenUp.find((g) => g.id === 'permanent'));
    expect(givenUp.find((g) => g.id === 'permanent')?.reason).toBe(
      'inbound email 42 no longer exists (after 1 attempts)',
    );
  });

  it('leaves work whose retries ran out during an outage to the outbox sweeper', async () => {
    behaviour = async () => {
      throw new DatabaseUnavailableError();
    };
    expect(await run('outage')).toBe('failed');
    expect(attempts.get('outage')).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 100));
    expect(givenUp.filter((g) => g.id === 'outage')).toEqual([]);
  });

  it('records unexpected errors once their retries are used up', async () => {
    behaviour = async () => {
      throw new Error('bug: undefined is not a function');
    };
    expect(await run('bug')).toBe('failed');
    expect(attempts.get('bug')).toHaveLength(4);
    await waitFor('the give-up record', async () => givenUp.find((g) => g.id === 'bug'));
  });

  it('counts each failed attempt, final or not, and each completed job', async () => {
    const failed = (final: string) =>
      counterTotal(metrics.jobsFailed, (l) => l.queue === JOBS.ingestEmail && l.final === final);
    const before = {
      retried: await failed('false'),
      final: await failed('true'),
      completed: await counterTotal(metrics.jobsCompleted),
    };
    behaviour = async (job, attempt) => {
      if (job.id === 'counted-permanent') throw new NotFoundError('gone');
      if (attempt < 3) throw new DatabaseUnavailableError();
      return 'ok';
    };
    expect(await run('counted-temp')).toBe('completed');
    expect(await run('counted-permanent')).toBe('failed');
    await waitFor('the counters', async () => (await failed('true')) > before.final);
    expect(await failed('false')).toBe(before.retried + 2);
    expect(await failed('true')).toBe(before.final + 1);
    expect(await counterTotal(metrics.jobsCompleted)).toBe(before.completed + 1);
  });
});
