import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

// ids were sorted as text, so with more failed mail than one bulk run takes, a run picked
// 1000, 1001, … before 2, 3, …, not the oldest
test('a bulk reprocess takes the oldest emails of the status first, in numeric id order', async () => {
  const group = await seedGroup(db.store, 'bulk-order');
  const { project } = await seedProject(db.store, group.id);
  const rows: { id: string }[] = await db.dataSource.query(
    `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, project_id, status)
     SELECT '{x}', 1, repeat('0', 64), 'x', $1, CASE WHEN i % 10 = 0 THEN 'ignored' ELSE 'failed' END
       FROM generate_series(1, 1300) i
     RETURNING id::text AS id, status`,
    [project.id],
  );
  const failed = (rows as { id: string; status: string }[])
    .filter((r) => r.status === 'failed')
    .map((r) => r.id)
    .sort((a, b) => Number(a) - Number(b));
  expect(new Set(failed.map((id) => id.length)).size).toBeGreaterThan(1);

  expect(await db.store.repos.inboundEmails.idsWithStatus('failed', 1000)).toEqual(
    failed.slice(0, 1000),
  );
});
