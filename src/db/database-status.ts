import { openDatabase, type Database } from './database';
import type { DataSourceOptions } from './data-source';

/** What a tool finds at DATABASE_URL before it relies on desk's schema. */
export type DatabaseStatus =
  | { kind: 'unreachable'; reason: string }
  | { kind: 'missing'; name: string }
  | { kind: 'open'; database: Database; pending: string[] };

const INVALID_CATALOG_NAME = '3D000';

export const databaseName = (url: string): string =>
  decodeURIComponent(new URL(url).pathname.slice(1));

/** Opens the database without creating or migrating it; the caller closes an `open` one. */
export async function openExistingDatabase(opts: DataSourceOptions): Promise<DatabaseStatus> {
  let database: Database;
  try {
    database = await openDatabase(opts);
  } catch (err) {
    if ((err as { code?: string }).code === INVALID_CATALOG_NAME)
      return { kind: 'missing', name: databaseName(opts.url) };
    return { kind: 'unreachable', reason: (err as Error).message };
  }
  try {
    return { kind: 'open', database, pending: await database.pendingMigrations() };
  } catch (err) {
    await database.close();
    return { kind: 'unreachable', reason: (err as Error).message };
  }
}
