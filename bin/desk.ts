import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/env';
import { createRootLogger, prettyDestination } from '../src/logger';
import { startDesk, StartupError, type RunningDesk } from './start-desk';

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
  const logger = createRootLogger(
    config.LOG_LEVEL,
    config.LOG_FORMAT === 'pretty' ? prettyDestination() : undefined,
  );
  let desk: RunningDesk;
  try {
    desk = await startDesk(config, logger);
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
    desk
      .close()
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
