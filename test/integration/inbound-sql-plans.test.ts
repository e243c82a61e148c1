import { InboundEmailRepository } from '../../src/repositories/inbound-email.repository';
import { acceptStatement } from '../../src/repositories/sql/accept-group-commit.sql';
import { COPY_EMAIL_TO_PROJECTS, rawBytesOf } from '../../src/repositories/sql/copy-raw-bytes.sql';
import { MARK_PUBLISHED } from '../../src/repositories/sql/mark-published.sql';
import { captureQueries, nodesOf, planOf, scansOf } from '../support/query-plans';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

// The hand-written statements of accept, raw bytes and the relay (src/repositories/sql/), each
// planned against a backlog of 20,000 emails and outbox rows. The COPY … FROM STDIN statements
// have no plan: they only append rows.
let db: TestDb;
let projectIds: number[];
let emailId: string;
let outboxIds: string[];

beforeAll(async () => {
  db = await createTestDb();
  const group = await seedGroup(db.store, 'sql-plans');
  projectIds = [];
  for (const path of ['a', 'b', 'c']) {
    projectIds.push((await seedProject(db.store, group.id, path)).project.id);
  }
  await db.dataSource.query(
    `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, message_id, project_id, status)
     SELECT '{x}', 1, repeat('0', 64), 'x', '<m' || i || '@example.com>', $1,
            CASE WHEN i % 100 = 0 THEN 'failed' ELSE 'ticket_created' END
       FROM generate_series(1, 20000) i`,
    [projectIds[0]],
  );
  await db.dataSource.query(
    `INSERT INTO outbox (queue, job_name, payload, published_at)
     SELECT 'ingest-email', 'ingest-email', '{}', CASE WHEN i % 2 = 0 THEN now() END
       FROM generate_series(1, 20000) i`,
  );
  await db.dataSource.query('ANALYZE inbound_emails, outbox, projects');
  [{ id: emailId }] = await db.dataSource.query('SELECT max(id)::text AS id FROM inbound_emails');
  const rows: { id: string }[] = await db.dataSource.query(
    'SELECT id::text AS id FROM outbox ORDER BY id LIMIT 50',
  );
  outboxIds = rows.map((r) => r.id);
});
afterAll(async () => {
  await db?.drop();
});

const indexScansOn = (plan: Parameters<typeof scansOf>[0], table: string) =>
  scansOf(plan).filter((s) => s['Relation Name'] === table);

test('the accept group commit reads no table and looks the id sequence up once', async () => {
  for (const count of [1, 8, 32]) {
    const params: unknown[] = ['ingest-email', 'ingest-email'];
    for (let n = 0; n < count; n++) {
      params.push('127.0.0.1', 'mx.example', 'c@example.com', ['support+a@desk.localhost']);
      params.push(4, '0'.repeat(64), Buffer.from('x\r\n\r\n'), `<a${n}@example.com>`, projectIds);
    }
    const plan = await planOf(db.dataSource, acceptStatement(count).text, params);
    expect(scansOf(plan)).toEqual([]);
    const modified = nodesOf(plan).filter((n) => n['Node Type'] === 'ModifyTable');
    expect(modified.map((n) => n['Relation Name']).sort()).toEqual(['inbound_emails', 'outbox']);
    // pg_get_serial_sequence in an InitPlan: once per statement, not once per row
    expect(nodesOf(plan).some((n) => n['Parent Relationship'] === 'InitPlan')).toBe(true);
  }
});

test('a large message is copied to its other projects from its row, found by primary key', async () => {
  const plan = await planOf(db.dataSource, COPY_EMAIL_TO_PROJECTS, [emailId, projectIds.slice(1)]);
  const reads = indexScansOn(plan, 'inbound_emails');
  expect(reads.length).toBe(1);
  expect(reads[0]!['Node Type']).toMatch(/Index/);
  expect(reads[0]!['Index Name']).toBe('inbound_emails_pkey');
});

test('the raw bytes streamed by COPY are read by primary key', async () => {
  const plan = await planOf(db.dataSource, rawBytesOf(emailId));
  expect(indexScansOn(plan, 'inbound_emails')).toEqual([
    expect.objectContaining({ 'Node Type': 'Index Scan', 'Index Name': 'inbound_emails_pkey' }),
  ]);
});

test("the relay's mark reaches its outbox rows through an index, never a scan of the backlog", async () => {
  const plan = await planOf(db.dataSource, MARK_PUBLISHED, [
    outboxIds,
    outboxIds.map((id) => `outbox-${id}`),
  ]);
  const reads = indexScansOn(plan, 'outbox');
  expect(reads.length).toBeGreaterThan(0);
  for (const read of reads) {
    expect(read['Node Type']).toMatch(/Index/);
    expect(read['Index Name']).toMatch(/^outbox_(pkey|pending_idx)$/);
  }
});

// TypeORM statements, but what the fix of the numeric order is for: a page is an index walk
test('a page of inbound emails walks an index in id order, with or without a status', async () => {
  for (const status of [null, 'failed'] as const) {
    const [page, ...others] = await captureQueries(db.dataSource, /FROM "inbound_emails"/, (em) =>
      new InboundEmailRepository(em).list(status ? { status } : {}, emailId, 20),
    );
    expect(others).toEqual([]);
    const plan = await planOf(db.dataSource, page!.sql, page!.params);
    expect(nodesOf(plan).map((n) => n['Node Type'])).not.toContain('Sort');
    expect(indexScansOn(plan, 'inbound_emails')).toEqual([
      expect.objectContaining({
        'Index Name': status ? 'inbound_emails_status_idx' : 'inbound_emails_pkey',
      }),
    ]);
  }
});
