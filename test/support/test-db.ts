import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { Store } from '../../src/repositories/store';
import { databaseUrl, templateDb, withAdminClient } from './services';

export interface TestDb {
  name: string;
  url: string;
  dataSource: DataSource;
  store: Store;
  drop(): Promise<void>;
}

/** A fresh migrated database for one test file, cloned from the template. */
export async function createTestDb(): Promise<TestDb> {
  const name = `desk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
  const url = databaseUrl(name);
  const dataSource = createDataSource({
    url,
    poolSize: 4,
    connectTimeoutMs: 5000,
    applicationName: 'desk-test',
  });
  await dataSource.initialize();
  return {
    name,
    url,
    dataSource,
    store: new Store(dataSource),
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
