import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../src/logger';
import type { FromWorkerThread, ToWorkerThread } from './worker-thread';

export interface WorkerThread {
  /** Asks the thread to finish its jobs in flight and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * Starts the worker role on a thread of this process and resolves once it runs. `onDeath` is
 * called if the thread ends without being asked to: the process should then stop as a whole, so
 * its supervisor restarts a desk with all its roles.
 */
export function startWorkerThread(
  logger: Logger,
  onDeath: (code: number) => void,
): Promise<WorkerThread> {
  const thread = new Worker(join(__dirname, 'worker-thread.js'));
  let started = false;
  let stopping = false;
  const ended = new Promise<number>((resolve) => thread.once('exit', resolve));
  return new Promise((resolve, reject) => {
    thread.on('error', (err) => logger.error({ err: err.message }, 'worker thread crashed'));
    thread.on('message', (message: FromWorkerThread) => {
      if (message.kind === 'failed') reject(new Error(message.message));
      if (message.kind !== 'started') return;
      started = true;
      logger.info({ threadId: thread.threadId }, 'workers running on their own thread');
      resolve({
        async stop() {
          stopping = true;
          thread.postMessage('stop' satisfies ToWorkerThread);
          await ended;
        },
      });
    });
    void ended.then((code) => {
      if (!started) reject(new Error(`worker thread ended during startup (exit code ${code})`));
      else if (!stopping) onDeath(code);
    });
  });
}
