import {
  InboundIngestRepository,
  lookupsJson,
} from '../../src/repositories/inbound-ingest.repository';
import { storeOne } from '../support/inbound';
import { seedContact, seedGroup, seedProject } from '../support/seed';
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
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

function scansOf(node: PlanNode): PlanNode[] {
  return [...(node['Relation Name'] ? [node] : []), ...(node.Plans ?? []).flatMap(scansOf)];
}

// The thread lookup is prepared once per connection, so its plan is made while a fresh install's
// tables are nearly empty and then kept as they grow: it must not depend on their size.
test('the generic plan of the thread lookup made on near-empty tables still probes indexes', async () => {
  const group = await seedGroup(db.store, 'plans');
  const { project } = await seedProject(db.store, group.id);
  await seedContact(db.store, group.id, 'known@example.com');
  const row = await storeOne(db.store, project.id, Buffer.from('Subject: x\r\n\r\nbody\r\n'));
  const lookup = {
    projectId: project.id,
    inboundEmailId: row.inboundEmailId,
    dedupeKey: 'mid:<x@example.com>',
    replyAddresses: [],
    messageIds: ['<parent@example.com>'],
    threadRoot: '<parent@example.com>',
    emails: ['known@example.com'],
  };

  const scans = await db.dataSource.transaction(async (em) => {
    const ingest = new InboundIngestRepository(em);
    // as autovacuum does early on: statistics that say the tables are tiny
    await em.query('ANALYZE inbound_emails, contacts, projects, groups');
    // PostgreSQL switches a prepared statement to its generic plan after five custom ones
    for (let i = 0; i < 7; i++) {
      await ingest.claim(row.inboundEmailId, project.id, []);
      await ingest.findCandidates([lookup]);
    }
    await em.query(
      `INSERT INTO contacts (group_id, first_name, last_name, email, state)
       SELECT $1, 'c', 'c', 'c' || i || '@example.com', 'active' FROM generate_series(1, 20000) i`,
      [group.id],
    );
    await em.query(
      `INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, message_id, project_id, status)
       SELECT '{x}', 1, repeat('0', 64), 'x', '<m' || i || '@example.com>', $1, 'received'
         FROM generate_series(1, 20000) i`,
      [project.id],
    );
    const probe = lookupsJson([
      { ...lookup, messageIds: ['<m5@example.com>'], threadRoot: '<m5@example.com>' },
    ]);
    const [plan] = await em.query(`EXPLAIN (FORMAT JSON) EXECUTE ingest_candidates('${probe}')`);
    // nor JIT: a plan estimated past jit_above_cost would be compiled at every execution
    expect((await em.query('SHOW jit'))[0].jit).toBe('off');
    const generic = await em.query(
      `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'ingest_candidates'`,
    );
    expect(Number(generic[0].generic_plans)).toBeGreaterThan(0);
    return scansOf((plan['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
  });

  const on = (table: string) => scans.filter((s) => s['Relation Name'] === table);
  expect(on('inbound_emails').length).toBeGreaterThan(0);
  expect(on('contacts').length).toBeGreaterThan(0);
  for (const scan of [...on('inbound_emails'), ...on('contacts')]) {
    expect(scan['Node Type']).toMatch(/Index/);
  }
  const byMessageId = on('inbound_emails').find(
    (s) => s['Index Name'] === 'inbound_emails_project_message_id_idx',
  );
  expect(byMessageId?.['Index Cond']).toMatch(/message_id/);
  for (const scan of on('contacts')) expect(scan['Index Cond']).toMatch(/lower\(/);
});
