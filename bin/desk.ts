import 'reflect-metadata';
import { ConfigError, hasRole, loadConfig } from '../src/config/env';
import { createRootLogger } from '../src/logger';
import { startDesk, StartupError, type RunningDesk } from './start-desk';
import { startWorkerThread, type WorkerThread } from './worker-thread-host';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`desk: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createRootLogger(config.LOG_LEVEL);
  const threaded =
    config.WORKER_THREAD && hasRole(config, 'worker') && config.DESK_ROLES.length > 1;
  let desk: RunningDesk;
  let workerThread: WorkerThread | null = null;
  try {
    desk = await startDesk(
      threaded
        ? { ...config, DESK_ROLES: config.DESK_ROLES.filter((r) => r !== 'worker') }
        : config,
      logger,
    );
    if (threaded) {
      workerThread = await startWorkerThread(logger, (code) => {
        logger.fatal({ code }, 'worker thread died; stopping desk so it can be restarted whole');
        void desk.close().finally(() => process.exit(1));
      });
    }
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`desk: ${err.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err }, 'desk failed to start');
    process.exit(1);
  }
  logger.info({ roles: config.DESK_ROLES }, 'desk started');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new mail, finishing messages in flight');
    Promise.all([desk.close(), workerThread?.stop()])
      .then(() => process.exit(0))
      .catch((err: Error) => {
        logger.error({ err: err.message }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
