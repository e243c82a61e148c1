import { InboundIngestRepository } from '../../src/repositories/inbound-ingest.repository';
import { CLAIM_EMAIL } from '../../src/repositories/sql/claim-email.sql';
import { storeOne } from '../support/inbound';
import { captureQueries, planOf, scansOf } from '../support/query-plans';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

// The claim is the one hand-written statement of ingest (sql/claim-email.sql.ts): with a backlog
// of emails and outbox rows it must reach its three rows through their primary keys.
test('the claim reaches the project, the email and its outbox row by primary key', async () => {
  const group = await seedGroup(db.store, 'plans');
  const { project } = await seedProject(db.store, group.id);
  const row = await storeOne(db.store, project.id, Buffer.from('Subject: x\r\n\r\nbody\r\n'));
  await db.dataSource.query(
    `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, message_id, project_id, status)
     SELECT '{x}', 1, repeat('0', 64), 'x', '<m' || i || '@example.com>', $1, 'received'
       FROM generate_series(1, 20000) i`,
    [project.id],
  );
  await db.dataSource.query(
    `INSERT INTO outbox (queue, job_name, payload)
     SELECT 'ingest-email', 'ingest-email', '{}' FROM generate_series(1, 20000)`,
  );
  await db.dataSource.query('ANALYZE inbound_emails, outbox, projects');

  const params = [project.id, ['mid:<x@example.com>'], row.inboundEmailId, row.outboxId];
  const scans = scansOf(await planOf(db.dataSource, CLAIM_EMAIL, params));
  const on = (table: string) => scans.filter((s) => s['Relation Name'] === table);
  expect(on('projects').length).toBe(1); // a handful of rows: any scan will do
  for (const table of ['inbound_emails', 'outbox']) {
    expect(on(table).length).toBe(1);
    expect(on(table)[0]!['Node Type']).toMatch(/Index/);
    expect(on(table)[0]!['Index Name']).toMatch(/pkey/);
  }
  const [claimed] = await db.dataSource.transaction((em) => em.query(CLAIM_EMAIL, params));
  expect(claimed).toEqual({ status: 'received' });
});

// The thread lookups go through TypeORM; each must probe the index made for it, not the table.
test('the thread lookups probe their (project, column) indexes', async () => {
  const group = await seedGroup(db.store, 'plans-thread');
  const { project } = await seedProject(db.store, group.id);
  const [item] = await db.dataSource.query(
    `INSERT INTO work_items (project_id, iid, title) VALUES ($1, 1, 't') RETURNING id`,
    [project.id],
  );
  // as in production: most emails made or joined a ticket
  await db.dataSource.query(
    `INSERT INTO inbound_emails
       (rcpt_to, size, sha256, raw, message_id, thread_root, project_id, status, work_item_id)
     SELECT '{x}', 1, repeat('0', 64), 'x', '<t' || i || '@example.com>', '<t' || i || '@example.com>',
            $1, 'ticket_created', $2
       FROM generate_series(1, 20000) i`,
    [project.id, item.id],
  );
  await db.dataSource.query('ANALYZE inbound_emails');
  const logged = await captureQueries(db.dataSource, /FROM "inbound_emails"/, (em) =>
    new InboundIngestRepository(em).findThreadCandidates({
      projectId: project.id,
      inboundEmailId: '999999',
      replyAddresses: [],
      messageIds: ['<t5@example.com>'],
      threadRoot: '<t5@example.com>',
    }),
  );
  expect(logged.length).toBe(2);
  for (const { sql, params } of logged) {
    const scans = scansOf(await planOf(db.dataSource, sql, params));
    expect(scans.map((s) => s['Index Name'])).toEqual([
      expect.stringMatching(/inbound_emails_project_(message_id|thread_root)_idx/),
    ]);
  }
});
