import 'reflect-metadata';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/ensure-database';
import {
  databaseUrl,
  redisClient,
  TEMPLATE_DB,
  withAdminClient,
  ADMIN_DB_URL,
  REDIS_URL,
} from './services';

/** Builds a migrated template database once; every test file clones it (fast) into its own. */
export default async function globalSetup(): Promise<void> {
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  }).catch((err: Error) => {
    throw new Error(
      `tests need PostgreSQL at ${ADMIN_DB_URL}: ${err.message} (.ci/run starts it)`,
      { cause: err },
    );
  });
  const dataSource = createDataSource({
    url: databaseUrl(TEMPLATE_DB),
    poolSize: 2,
    connectTimeoutMs: 5000,
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();

  const redis = redisClient();
  try {
    await redis.ping();
  } catch (err) {
    throw new Error(
      `tests need Redis at ${REDIS_URL}: ${(err as Error).message} (.ci/run starts it)`,
      {
        cause: err,
      },
    );
  } finally {
    redis.disconnect();
  }
}
