import { Client } from 'pg';
import IORedis from 'ioredis';

export const ADMIN_DB_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** One template per test run (set by globalSetup), so parallel runs never drop each other's. */
export const templateDb = (): string => {
  const name = process.env.DESK_TEST_TEMPLATE;
  if (!name) throw new Error('DESK_TEST_TEMPLATE is set by test/support/global-setup.ts');
  return name;
};

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DB_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_DB_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function redisClient(): IORedis {
  return new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
}
