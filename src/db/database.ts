import { MigrationExecutor, type DataSource } from 'typeorm';
import { createDataSource, type DataSourceOptions } from './data-source';
import { runMigrations } from './ensure-database';

/** An open connection pool and what a process does with it outside repositories. */
export interface Database {
  dataSource: DataSource;
  migrate(): Promise<string[]>;
  /** Names of the migrations this build has and the database has not run; reads only. */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openDatabase(opts: DataSourceOptions): Promise<Database> {
  const dataSource = createDataSource(opts);
  await dataSource.initialize();
  return {
    dataSource,
    migrate: () => runMigrations(dataSource),
    pendingMigrations: async () =>
      (await new MigrationExecutor(dataSource).getPendingMigrations()).map((m) => m.name),
    close: () => dataSource.destroy(),
  };
}
