import 'reflect-metadata';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { loadConfig } from '../src/config/env';
import { createRootLogger } from '../src/logger';
import { startDesk } from './start-desk';

/** Messages between the all-in-one process and its worker thread. */
export type ToWorkerThread = 'stop';
export type FromWorkerThread = { kind: 'started' } | { kind: 'failed'; message: string };

/**
 * Linux schedules threads one by one: a niced worker thread yields the CPU to the SMTP thread in
 * a burst (accepting mail first, processing it a moment later), and takes all of it when idle.
 */
function lowerPriority(nice: number): string | null {
  if (nice === 0) return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The worker role of an all-in-one desk. Parsing and ticket creation run here, on their own event
 * loop, so a busy worker never delays an SMTP reply; the thread dies with the process (kill -9).
 */
async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const config = { ...loadConfig(), DESK_ROLES: ['worker' as const] };
  const logger = createRootLogger(config.LOG_LEVEL).child({ thread: 'worker' });
  const refused = lowerPriority(config.WORKER_THREAD_NICE);
  if (refused) logger.warn({ err: refused }, 'worker thread runs at normal priority');
  let desk;
  try {
    desk = await startDesk(config, logger);
  } catch (err) {
    port.postMessage({
      kind: 'failed',
      message: (err as Error).message,
    } satisfies FromWorkerThread);
    process.exit(1);
  }
  port.on('message', (message: ToWorkerThread) => {
    if (message !== 'stop') return;
    desk
      .close()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        logger.error({ err: err.message }, 'unclean shutdown of the worker thread');
        process.exit(1);
      });
  });
  port.postMessage({ kind: 'started' } satisfies FromWorkerThread);
}

if (parentPort) void main(parentPort);
