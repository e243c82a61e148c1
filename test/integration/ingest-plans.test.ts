import { CLAIM_EMAIL } from '../../src/repositories/sql/claim-email.sql';
import { storeOne } from '../support/inbound';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function scansOf(node: PlanNode): PlanNode[] {
  return [...(node['Relation Name'] ? [node] : []), ...(node.Plans ?? []).flatMap(scansOf)];
}

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
  const [plan] = await db.dataSource.query(`EXPLAIN (FORMAT JSON) ${CLAIM_EMAIL}`, params);
  const scans = scansOf((plan['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
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
  const logged: string[] = [];
  const runner = db.dataSource.createQueryRunner();
  const original = runner.query.bind(runner);
  runner.query = ((sql: string, parameters?: unknown[], structured?: boolean) => {
    if (/FROM "inbound_emails"/.test(sql)) logged.push(JSON.stringify([sql, parameters]));
    return original(sql, parameters, structured as true);
  }) as typeof runner.query;
  const { InboundIngestRepository } =
    await import('../../src/repositories/inbound-ingest.repository');
  const repo = new InboundIngestRepository(runner.manager);
  await repo.findThreadCandidates({
    projectId: project.id,
    inboundEmailId: '999999',
    replyAddresses: [],
    messageIds: ['<t5@example.com>'],
    threadRoot: '<t5@example.com>',
  });
  expect(logged.length).toBe(2);
  for (const entry of logged) {
    const [sql, parameters] = JSON.parse(entry) as [string, unknown[]];
    const [plan] = await original(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    const scans = scansOf((plan['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
    expect(scans.map((s) => s['Index Name'])).toEqual([
      expect.stringMatching(/inbound_emails_project_(message_id|thread_root)_idx/),
    ]);
  }
  await runner.release();
});
