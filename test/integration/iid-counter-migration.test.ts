import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS } from '../../src/db/data-source';
import { WorkItemIidCounters1795652300000 } from '../../src/db/migrations/1795652300000-WorkItemIidCounters';
import { databaseUrl, withAdminClient } from '../support/services';

const name = `desk_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
let ds: DataSource;
const upTo = (migration: unknown, included: boolean) =>
  MIGRATIONS.slice(
    0,
    MIGRATIONS.indexOf(migration as (typeof MIGRATIONS)[number]) + (included ? 1 : 0),
  );

beforeAll(async () => {
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name}`));
  const base = createDataSource({ url: databaseUrl(name), poolSize: 2, connectTimeoutMs: 5000 });
  // the schema as it was while iids came from sequences
  ds = new DataSource({
    ...base.options,
    migrations: upTo(WorkItemIidCounters1795652300000, false),
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

describe('migration to iid counters', () => {
  it('continues each project after its highest iid, gives a rolled-back iid back, and migrates down', async () => {
    const [group] = await ds.query(
      "INSERT INTO groups (name, path, parent_id, traversal_ids) VALUES ('m', 'm', NULL, '{}') RETURNING id",
    );
    const [a] = await ds.query(
      `INSERT INTO projects (group_id, name, path, service_desk_key)
       VALUES ($1, 'a', 'a', 'miga') RETURNING id`,
      [group.id],
    );
    await ds.query(
      "INSERT INTO projects (group_id, name, path, service_desk_key) VALUES ($1, 'b', 'b', 'migb')",
      [group.id],
    );
    for (let i = 0; i < 3; i++)
      await ds.query(
        "INSERT INTO work_items (project_id, iid, title) VALUES ($1, next_work_item_iid($1), 't')",
        [a.id],
      );

    ds.setOptions({ migrations: upTo(WorkItemIidCounters1795652300000, true) });
    await ds.destroy();
    await ds.initialize();
    await ds.runMigrations();
    expect(await nextIids()).toEqual(['a:4', 'b:1']);

    // a ticket whose transaction rolls back does not use up its number
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    const [taken] = await runner.query('SELECT next_work_item_iid($1) AS iid', [a.id]);
    expect(taken.iid).toBe(5);
    await runner.rollbackTransaction();
    await runner.release();
    expect(await nextIids()).toEqual(['a:5', 'b:2']);

    // a project made afterwards starts at 1, and its counter goes with it
    await ds.query(
      "INSERT INTO projects (group_id, name, path, service_desk_key) VALUES ($1, 'c', 'c', 'migc')",
      [group.id],
    );
    expect(await nextIids()).toEqual(['a:6', 'b:3', 'c:1']);
    await ds.query("DELETE FROM projects WHERE path = 'c'");
    const [left] = await ds.query('SELECT count(*)::int AS n FROM work_item_iid_counters');
    expect(left.n).toBe(2);

    await ds.undoLastMigration();
    expect(await nextIids()).toEqual(['a:7', 'b:4']);
  });
});
