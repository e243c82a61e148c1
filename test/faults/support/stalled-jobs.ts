import { Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { JOBS } from '../../../src/queue/jobs';
import { createRedisClient } from '../../../src/queue/redis-target';

export interface ResumedJob {
  queue: string;
  id: string;
  stalled: number;
  /** When its last run began and ended (BullMQ's processedOn and finishedOn). */
  startedAt: number;
  finishedAt: number | null;
}

async function withQueues<T>(
  redisUrl: string,
  prefix: string,
  use: (queues: Queue[]) => Promise<T>,
): Promise<T> {
  const connection = createRedisClient(redisUrl, { maxRetriesPerRequest: null });
  const queues = Object.values(JOBS).map((name) => new Queue(name, { connection, prefix }));
  try {
    return await use(queues);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}

/** `queue/id` of every job active right now. */
export function activeJobs(redisUrl: string, prefix: string): Promise<Set<string>> {
  return withQueues(redisUrl, prefix, async (queues) => {
    const ids = new Set<string>();
    for (const queue of queues)
      for (const job of await queue.getActive()) ids.add(`${queue.name}/${job.id}`);
    return ids;
  });
}

/** Every job BullMQ's stalled check has moved back to wait at least once (its `stc`). */
export function resumedJobs(redisUrl: string, prefix: string): Promise<ResumedJob[]> {
  return withQueues(redisUrl, prefix, async (queues) => {
    const resumed: ResumedJob[] = [];
    for (const queue of queues) {
      const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed']);
      for (const job of jobs) {
        if (!job?.id || job.stalledCounter === 0) continue;
        resumed.push({
          queue: queue.name,
          id: job.id,
          stalled: job.stalledCounter,
          startedAt: job.processedOn ?? 0,
          finishedAt: job.finishedOn ?? null,
        });
      }
    }
    return resumed;
  });
}

/** The jobs each "resumed N jobs …" line of a desk log counts. */
export function resumeReports(logFile: string): number[] {
  const counts: number[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /"msg":"resumed (\d+) jobs/.exec(line);
    if (match) counts.push(Number(match[1]));
  }
  return counts;
}
