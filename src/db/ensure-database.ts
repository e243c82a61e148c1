import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { DB_CONNECT_TIMEOUT_MS } from './data-source';

/** Creates the database named in the URL when it is missing (connecting to `postgres` to do so). */
export async function ensureDatabase(
  url: string,
  connectTimeoutMs = DB_CONNECT_TIMEOUT_MS,
): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
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
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err; // another process created it first
        });
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_361_002;

/** Runs pending migrations under an advisory lock so several desk processes can start at once. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await dataSource.runMigrations({ transaction: 'all' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
