import {
  InboundIngestRepository,
  lookupsJson,
  writeParams,
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
      await ingest.claim([
        { id: row.inboundEmailId, projectId: project.id, lockKeys: [], outboxId: row.outboxId },
      ]);
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

// The job's write is prepared as well: with eight emails to update among thousands waiting, it
// must find them by id, not walk an index of every email still `received` (or outbox row still
// open) as a plan made on near-empty tables did.
test('the generic plan of the job write made on near-empty tables updates by id', async () => {
  const group = await seedGroup(db.store, 'plans-write');
  const { project } = await seedProject(db.store, group.id);
  const rows: Awaited<ReturnType<typeof storeOne>>[] = [];
  for (let i = 0; i < 8; i++)
    rows.push(await storeOne(db.store, project.id, Buffer.from(`Subject: w${i}\r\n\r\nb\r\n`)));
  const writeOf = (row: (typeof rows)[number], chainVersion: string) => ({
    inboundEmailId: row.inboundEmailId,
    outboxId: row.outboxId,
    keys: { dedupeKey: `mid:<w${row.inboundEmailId}@example.com>`, threadRoot: null },
    reason: null,
    target: {
      kind: 'ticket' as const,
      projectId: project.id,
      chainVersion,
      title: 'w',
      description: 'b',
      authorEmail: null,
      replyKey: `key${row.inboundEmailId}`,
    },
    newParticipants: [],
    decidedExisting: [],
    linkContactIds: [],
  });

  const scans = await db.dataSource.transaction(async (em) => {
    const ingest = new InboundIngestRepository(em);
    await em.query('ANALYZE inbound_emails, outbox, work_items, projects, groups');
    const claims = rows.map((r) => ({ ...r, id: r.inboundEmailId, projectId: project.id }));
    await ingest.claim(claims.map((c) => ({ ...c, lockKeys: [] })));
    const crm = await ingest.linkContext({ projectId: project.id }, []);
    for (const row of rows.slice(0, 7)) await ingest.write([writeOf(row, crm!.chainVersion)]);
    await em.query(
      `WITH e AS (
         INSERT INTO inbound_emails (rcpt_to, size, sha256, raw, project_id, status)
         SELECT '{x}', 1, repeat('0', 64), 'x', $1, 'received' FROM generate_series(1, 20000)
         RETURNING id)
       INSERT INTO outbox (queue, job_name, payload)
       SELECT 'q', 'j', jsonb_build_object('inboundEmailId', id::text) FROM e`,
      [project.id],
    );
    const params = writeParams([writeOf(rows[7]!, crm!.chainVersion)]);
    const [plan] = await em.query(
      `EXPLAIN (FORMAT JSON) EXECUTE ingest_write(${params.map((p) => `'${p}'`).join(', ')})`,
    );
    const generic = await em.query(
      `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'ingest_write'`,
    );
    expect(Number(generic[0].generic_plans)).toBeGreaterThan(0);
    return scansOf((plan['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
  });

  for (const table of ['inbound_emails', 'outbox']) {
    const on = scans.filter(
      (s) => s['Relation Name'] === table && s['Node Type'] !== 'ModifyTable',
    );
    expect(on.length).toBeGreaterThan(0);
    for (const scan of on)
      expect([table, scan['Node Type'], scan['Index Cond']]).toEqual([
        table,
        expect.stringMatching(/Index/),
        expect.stringMatching(/\bid = /),
      ]);
  }
});
