import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { loadConfig } from '../src/config/env';
import { createRootLogger } from '../src/logger';
import { startDesk } from './start-desk';

/** Messages between the all-in-one process and its worker thread. */
export type ToWorkerThread = 'stop';
export type FromWorkerThread = { kind: 'started' } | { kind: 'failed'; message: string };

/**
 * The worker role of an all-in-one desk. Parsing and ticket creation run here, on their own event
 * loop, so a busy worker never delays an SMTP reply; the thread dies with the process (kill -9).
 */
async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const config = { ...loadConfig(), DESK_ROLES: ['worker' as const] };
  const logger = createRootLogger(config.LOG_LEVEL).child({ thread: 'worker' });
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
