import type { Config } from '../config/env';
import { safeUrl } from '../config/safe-url';
import { openExistingDatabase } from '../db/database-status';
import type { Actor } from '../domain/access/actor';
import { createRootLogger } from '../logger';
import { openPublisher } from '../app/context';
import { pingRedis } from '../queue/connection';
import type { OutboxRow } from '../repositories/outbox.repository';
import { Store } from '../repositories/store';
import { CliError } from './cli-error';

/** Whoever can run this with DATABASE_URL holds the database already: an instance admin. */
export const OPERATOR: Actor = { userId: null, isAdmin: true };

const POOL_SIZE = 2;

export const RUN_DESK_ONCE = 'run npm start once (it creates the database and applies migrations)';

/** Runs `fn` against desk's database, refusing one that is missing or not fully migrated. */
export async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const status = await openExistingDatabase({
    url: config.DATABASE_URL,
    poolSize: POOL_SIZE,
    applicationName: 'desk-cli',
  });
  if (status.kind === 'unreachable')
    throw new CliError(
      `cannot reach PostgreSQL at ${safeUrl(config.DATABASE_URL)} (${status.reason}); start it or fix DATABASE_URL`,
    );
  if (status.kind === 'missing')
    throw new CliError(`database "${status.name}" does not exist: ${RUN_DESK_ONCE}`);
  try {
    if (status.pending.length > 0)
      throw new CliError(
        `the database lacks ${status.pending.length} migration(s) of this desk: ${RUN_DESK_ONCE}`,
      );
    return await fn(new Store(status.database.dataSource));
  } finally {
    await status.database.close();
  }
}

/**
 * Hands committed outbox rows to Redis as the running desk's relay would. Without Redis the rows
 * wait in PostgreSQL for a running desk's sweeper; the result says which happened.
 */
export async function withPublisher<T>(
  config: Config,
  store: Store,
  fn: (publish: (rows: OutboxRow[]) => void) => Promise<T>,
): Promise<{ result: T; published: boolean }> {
  const reachable = await pingRedis(config.REDIS_URL).then(
    () => true,
    () => false,
  );
  if (!reachable) return { result: await fn(() => undefined), published: false };
  const publisher = openPublisher(config, store, createRootLogger('warn', process.stderr));
  try {
    return { result: await fn((rows) => publisher.relay.publish(rows)), published: true };
  } finally {
    await publisher.close();
  }
}
