import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ZodError } from 'zod';
import type { AppContext } from '../src/app/context';
import { NO_WATCH, type OutageReporter } from '../src/app/dependency-watch';
import { DeskError } from '../src/errors';
import type { Logger } from '../src/logger';
import type { DeskMetrics } from '../src/metrics/desk-metrics';
import { createWorkerRedis, isRedisDataLoss } from '../src/queue/connection';
import type { RedisClient } from '../src/queue/redis-target';
import { ingestEmailWorker } from './ingest-email.worker';
import { linkContactsWorker } from './link-contacts.worker';
import type { WorkerDefinition } from './worker-definition';

export interface RunningWorkers {
  close(): Promise<void>;
}

/** Permanent errors stop at once; temporary and unexpected ones retry with backoff. */
function guarded(definition: WorkerDefinition) {
  return async (job: Job) => {
    try {
      return await definition.process(job);
    } catch (err) {
      if (err instanceof ZodError)
        throw new UnrecoverableError(`invalid job payload: ${err.message}`);
      if (err instanceof DeskError && !err.temporary) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

export interface WorkerSettings {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  logger: Logger;
  outages?: OutageReporter;
  metrics: DeskMetrics;
  onStalled?: (queue: string) => void;
}

/**
 * A job whose worker died is back in the queue 6–10 s after the death: its lock lapses after at
 * most lockDuration, and the next stalled check by any live worker (every stalledInterval, and
 * once at each worker's start) moves it back to wait. The lock is renewed every 3 s, so only an
 * event loop blocked that long looks like a death; the job then runs twice, which idempotent
 * handlers allow. A job that stalls a third time (an email that kills its worker) fails.
 */
export const STALLED_JOBS = { lockDuration: 6000, stalledInterval: 2000, maxStalledCount: 2 };

/** One BullMQ worker for one definition, with desk's retry policy and failure recording. */
export function runWorker(definition: WorkerDefinition, settings: WorkerSettings): Worker {
  const worker = new Worker(definition.queue, guarded(definition), {
    connection: settings.connection,
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    ...STALLED_JOBS,
  });
  const outages = settings.outages ?? NO_WATCH;
  const queue = definition.queue;
  worker.on('stalled', () => settings.onStalled?.(queue));
  worker.on('completed', (job) => {
    settings.metrics.jobsCompleted.inc({ queue });
    if (job.processedOn && job.finishedOn)
      settings.metrics.jobDuration.observe({ queue }, (job.finishedOn - job.processedOn) / 1000);
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    settings.metrics.jobsFailed.inc({ queue, final: String(final) });
    const log = settings.logger.child({ module: definition.queue, jobId: job.id });
    if (!final) {
      if (outages.report(err, 'job attempts failed')) return;
      log.warn({ err: err.message, attempt: job.attemptsMade }, 'job failed, will retry');
      return;
    }
    if (err instanceof DeskError && err.temporary) {
      // the outbox row stays open: the sweeper retries the job once the outage is over
      if (outages.report(err, 'jobs left to the outbox sweeper')) return;
      log.warn(
        { err: err.message },
        'retries used up during an outage; the outbox sweeper will retry',
      );
      return;
    }
    definition
      .giveUp(job, `${err.message} (after ${job.attemptsMade} attempts)`)
      .catch((e: Error) => log.error({ err: e.message }, 'could not record the failure'));
  });
  worker.on('error', (err) => {
    const effect = isRedisDataLoss(err)
      ? 'jobs whose keys Redis lost (the outbox republishes them)'
      : 'worker connection errors';
    if (!outages.report(err, effect))
      settings.logger.warn({ err: err.message, queue: definition.queue }, 'worker error');
  });
  return worker;
}

export function startWorkers(ctx: AppContext): RunningWorkers {
  const connection = createWorkerRedis(ctx.config.REDIS_URL);
  connection.on('error', (err) => ctx.outages.failed('Redis', err, 'connection errors'));
  const resumed = resumedJobsReport(ctx.logger);
  const settings = {
    connection,
    prefix: ctx.queueSettings.prefix,
    concurrency: ctx.config.WORKER_CONCURRENCY,
    logger: ctx.logger,
    outages: ctx.outages,
    metrics: ctx.metrics,
    onStalled: resumed.count,
  };
  const workers = [ingestEmailWorker(ctx), linkContactsWorker(ctx)].map((d) =>
    runWorker(d, settings),
  );
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      resumed.flush();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * BullMQ reports each job a stalled check moved back to wait, queue by queue; operators want one
 * line per recovery. A dead worker's locks lapse within one renewal period (3 s) of each other
 * and the checks come every 2 s, so its jobs all come back within lockDuration of the first.
 */
function resumedJobsReport(logger: Logger) {
  let perQueue: Record<string, number> = {};
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const total = Object.values(perQueue).reduce((a, b) => a + b, 0);
    if (total > 0)
      logger.warn(
        { jobs: perQueue },
        `resumed ${total} jobs left active by a stopped (or stuck) worker`,
      );
    perQueue = {};
  };
  return {
    count(queue: string) {
      perQueue[queue] = (perQueue[queue] ?? 0) + 1;
      timer ??= setTimeout(flush, STALLED_JOBS.lockDuration);
    },
    flush,
  };
}
