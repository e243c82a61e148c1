import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS } from '../../src/db/data-source';
import { WorkItemIidSequences1795651600000 } from '../../src/db/migrations/1795651600000-WorkItemIidSequences';
import { databaseUrl, withAdminClient } from '../support/services';

const name = `desk_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
let ds: DataSource;

beforeAll(async () => {
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name}`));
  const base = createDataSource({ url: databaseUrl(name), poolSize: 2, connectTimeoutMs: 5000 });
  // the schema as it was before iids came from sequences
  ds = new DataSource({
    ...base.options,
    migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(WorkItemIidSequences1795651600000)),
  } as typeof base.options);
  await ds.initialize();
  await ds.runMigrations();
});
afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

const nextIids = async () =>
  (await ds.query('SELECT path, next_work_item_iid(id) AS iid FROM projects ORDER BY path')).map(
    (r: { path: string; iid: number }) => `${r.path}:${r.iid}`,
  );

describe('migration to iid sequences', () => {
  it('carries every project’s counter over, and back on the way down', async () => {
    const [group] = await ds.query(
      "INSERT INTO groups (name, path, parent_id, traversal_ids) VALUES ('m', 'm', NULL, '{}') RETURNING id",
    );
    await ds.query(
      `INSERT INTO projects (group_id, name, path, service_desk_key, last_work_item_iid)
       VALUES ($1, 'a', 'a', 'miga', 7), ($1, 'b', 'b', 'migb', 0)`,
      [group.id],
    );
    ds.setOptions({
      migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(WorkItemIidSequences1795651600000) + 1),
    });
    await ds.destroy();
    await ds.initialize();
    await ds.runMigrations();
    expect(await nextIids()).toEqual(['a:8', 'b:1']);

    // a project made afterwards gets its sequence from the trigger, and loses it when deleted
    await ds.query(
      "INSERT INTO projects (group_id, name, path, service_desk_key) VALUES ($1, 'c', 'c', 'migc')",
      [group.id],
    );
    expect(await nextIids()).toEqual(['a:9', 'b:2', 'c:1']);
    await ds.query("DELETE FROM projects WHERE path = 'c'");
    const [left] = await ds.query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S' AND relname LIKE 'project\\_%\\_work\\_item\\_iid\\_seq'",
    );
    expect(left.n).toBe(2);

    await ds.undoLastMigration();
    expect(await ds.query('SELECT path, last_work_item_iid FROM projects ORDER BY path')).toEqual([
      { path: 'a', last_work_item_iid: 9 },
      { path: 'b', last_work_item_iid: 2 },
    ]);
  });
});
