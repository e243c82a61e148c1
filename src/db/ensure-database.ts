import { Client } from 'pg';
import { MigrationExecutor, type DataSource } from 'typeorm';
import { DB_CONNECT_TIMEOUT_MS } from './data-source';
import { databaseTarget } from './pooler';

/** PostgreSQL answered, but the user may not create the database: the one line says what to do. */
export class DatabaseCreateError extends Error {}

/**
 * What a CREATE DATABASE loses to another process creating the same name at once: 42P04 when the
 * other had committed before it looked, 23505 on the catalog's unique index when both got past
 * that check. Either way the database now exists.
 */
const CREATED_ELSEWHERE = new Set(['42P04', '23505']);
const INSUFFICIENT_PRIVILEGE = '42501';

/** Creates the database named in the URL when it is missing (connecting to `postgres` to do so). */
export async function ensureDatabase(
  url: string,
  connectTimeoutMs = DB_CONNECT_TIMEOUT_MS,
): Promise<void> {
  const direct = databaseTarget(url).url;
  const target = new URL(direct);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(direct);
  admin.pathname = '/postgres';
  const client = new Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: connectTimeoutMs,
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch((err: { code?: string; message?: string }) => {
          if (CREATED_ELSEWHERE.has(err.code ?? '')) return;
          if (err.code !== INSUFFICIENT_PRIVILEGE) throw err;
          throw new DatabaseCreateError(
            `cannot create the database "${name}" (${err.message ?? String(err)}); ` +
              'create it yourself, or let the user in DATABASE_URL create databases (CREATEDB)',
          );
        });
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_361_002;

/**
 * Runs pending migrations under an advisory lock so several desk processes can start at once:
 * one transaction takes the lock (a transaction-level one, released by the commit), reads what
 * has run and runs the rest. One transaction, so it holds through a transaction-pooling PgBouncer,
 * which may hand each statement outside a transaction to another server connection.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    const done = await executor.executePendingMigrations();
    await runner.commitTransaction();
    return done.map((m) => m.name);
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
