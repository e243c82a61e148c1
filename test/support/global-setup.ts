import 'reflect-metadata';
import type { Client } from 'pg';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/ensure-database';
import { databaseUrl, redisClient, withAdminClient, ADMIN_DB_URL, REDIS_URL } from './services';

/** Builds a migrated template database once; every test file clones it (fast) into its own. */
export default async function globalSetup(): Promise<void> {
  const template = `desk_test_template_${process.pid}`;
  process.env.DESK_TEST_TEMPLATE = template;
  await withAdminClient(async (client) => {
    await dropStaleTestDatabases(client).catch(() => undefined); // cleanup only, needs superuser
    await client.query(`CREATE DATABASE ${template}`);
  }).catch((err: Error) => {
    throw new Error(
      `tests need PostgreSQL at ${ADMIN_DB_URL}: ${err.message} (.ci/run starts it)`,
      { cause: err },
    );
  });
  const dataSource = createDataSource({
    url: databaseUrl(template),
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

/** Databases of earlier runs that died before their teardown (older than an hour). */
async function dropStaleTestDatabases(client: Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database
      WHERE datname LIKE 'desk\\_test\\_%'
        AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '1 hour'`,
  );
  for (const { datname } of rows)
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}
