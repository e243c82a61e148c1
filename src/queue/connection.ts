import { Queue, type JobsOptions } from 'bullmq';
import { JOBS, type JobName } from './jobs';
import { createRedisClient, type RedisClient } from './redis-target';

/** The first retry's delay; each next one doubles (BullMQ's exponential backoff). */
export const JOB_BACKOFF_MS = 1000;

export interface QueueSettings {
  redisUrl: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

const REDIS_AWAY =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|max retries per request|enableOfflineQueue|^LOADING|^MASTERDOWN|^CLUSTERDOWN|Too many Cluster redirections/i;

/**
 * True when the error is Redis being away or starting, not a fault of the command. PostgreSQL's
 * socket errors never reach here raw: the repositories wrap them (DatabaseUnavailableError).
 */
export function isRedisConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; message?: string };
  return REDIS_AWAY.test(e.code ?? '') || REDIS_AWAY.test(e.message ?? '');
}

/**
 * BullMQ finishing a job whose keys are gone: Redis lost its data (a restart without persistence,
 * a flush) while the job ran. Not the job's fault: the outbox republishes unfinished work.
 */
export function isRedisDataLoss(err: unknown): boolean {
  return /^Missing key for job /.test((err as { message?: string } | null)?.message ?? '');
}

/** Producers fail fast while Redis is away: the outbox keeps the work and the sweeper retries. */
export function createProducerRedis(url: string): RedisClient {
  return createRedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
}

/** Connects once, without retrying, and answers whether Redis replies to PING. */
export async function pingRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = createRedisClient(
    url,
    {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    },
    { retry: false },
  );
  // connect() rejects with "Connection is closed."; the socket's own error says why
  let cause: Error | null = null;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw cause ?? err;
  } finally {
    client.disconnect();
  }
}

/** Workers wait for Redis to come back instead of failing, as BullMQ requires. */
export function createWorkerRedis(url: string): RedisClient {
  return createRedisClient(url, { maxRetriesPerRequest: null, connectTimeout: 5000 });
}

export function defaultJobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export type QueueSet = Map<JobName, Queue>;

export function createQueues(connection: RedisClient, settings: QueueSettings): QueueSet {
  const queues: QueueSet = new Map();
  for (const name of Object.values(JOBS)) {
    queues.set(
      name,
      new Queue(name, {
        connection,
        prefix: settings.prefix,
        defaultJobOptions: defaultJobOptions(settings),
      }),
    );
  }
  return queues;
}
