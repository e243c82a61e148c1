import type { QueueSet } from './connection';

export interface QueueJobCounts {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** How many jobs each queue holds in each state, as BullMQ counts them. */
export function jobCounts(queues: QueueSet): Promise<QueueJobCounts[]> {
  return Promise.all(
    [...queues].map(async ([queue, q]) => {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
      return {
        queue,
        waiting: c.waiting ?? 0,
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
      };
    }),
  );
}

/**
 * Seconds since the oldest waiting job of each queue was added (0 when none waits): a queue
 * whose oldest job keeps ageing has no worker taking from it.
 */
export function oldestWaitingAges(
  queues: QueueSet,
  now = Date.now(),
): Promise<{ queue: string; seconds: number }[]> {
  return Promise.all(
    [...queues].map(async ([queue, q]) => {
      // the wait list grows at its head, so its oldest job is the one `asc` returns first
      const [oldest] = await q.getJobs(['wait'], 0, 0, true);
      return { queue, seconds: oldest ? Math.max(0, now - oldest.timestamp) / 1000 : 0 };
    }),
  );
}
