import {
  COPY_CONTACT,
  COPY_CONTACTS_WITH_EMAIL,
  COPY_ORGANIZATIONS,
} from '../../src/repositories/sql/copy-crm-records.sql';
import { DEFER_CONTACT_ORGANIZATION_KEY } from '../../src/repositories/sql/defer-contact-organization-key.sql';
import {
  LINK_NEW_CONTACTS,
  REPOINT_PARTICIPANTS,
  UNLINK_OLD_CONTACTS,
} from '../../src/repositories/sql/relink-contacts.sql';
import { REMAP_CONTACT_ORGANIZATIONS } from '../../src/repositories/sql/remap-contact-organizations.sql';
import { createTestDb, type TestDb } from '../support/test-db';
import { nodesOf, type PlanNode } from '../support/query-plans';

// The hand-written CRM statements (src/repositories/sql/) on a database of a realistic size:
// 500 groups, 50 000 contacts, 5 000 organizations, 50 000 work items with 100 000 contact
// links and as many participants. A group transfer touches a few dozen of them; each statement
// must reach those through an index (by id, group or contact), not by reading a whole table.

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  const q = (sql: string) => db.dataSource.query(sql);
  await q(`INSERT INTO groups (id, name, path, traversal_ids)
           SELECT i, 'g' || i, 'g' || i, ARRAY[i] FROM generate_series(1, 500) i`);
  await q(`INSERT INTO projects (group_id, name, path, service_desk_key)
           SELECT i, 'p', 'p', 'plans' || i FROM generate_series(1, 10) i`);
  await q(`INSERT INTO organizations (id, group_id, name)
           SELECT i, i % 500 + 1, 'org ' || i FROM generate_series(1, 5000) i`);
  // a contact with an organization sits in its group (organization k is in group k % 500 + 1)
  await q(`INSERT INTO contacts (id, group_id, organization_id, first_name, last_name, email)
           SELECT i, CASE WHEN i % 2 = 0 THEN (i % 5000 + 1) % 500 + 1 ELSE i % 500 + 1 END,
                  CASE WHEN i % 2 = 0 THEN i % 5000 + 1 END, 'f', 'l',
                  CASE WHEN i % 10 <> 0 THEN 'c' || i || '@example.com' END
             FROM generate_series(1, 50000) i`);
  await q(`INSERT INTO work_items (id, project_id, iid, title)
           SELECT i, i % 10 + 1, i, 't' FROM generate_series(1, 50000) i`);
  await q(`INSERT INTO work_item_contacts (work_item_id, contact_id, added_via)
           SELECT i % 50000 + 1, i % 50000 + 1, 'email' FROM generate_series(1, 50000) i
           UNION ALL
           SELECT i % 50000 + 1, (i * 7) % 50000 + 1, 'email' FROM generate_series(1, 50000) i
           ON CONFLICT DO NOTHING`);
  await q(`INSERT INTO email_participants (work_item_id, email, role, contact_id)
           SELECT contact_id, 'c' || work_item_id || '-' || contact_id || '@example.com', 'cc', contact_id
             FROM work_item_contacts`);
  await q('ANALYZE');
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

/** Every node naming a table: the scans, and the table an INSERT or UPDATE writes. */
const scansOf = (node: PlanNode) => nodesOf(node).filter((n) => n['Relation Name']);

/** The scans of the statement's plan (EXPLAIN does not run it), by table. */
async function scans(sql: string, params: unknown[] = []): Promise<Record<string, PlanNode[]>> {
  const [plan] = await db.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const byTable: Record<string, PlanNode[]> = {};
  for (const s of scansOf((plan['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan))
    (byTable[s['Relation Name']!] ??= []).push(s);
  return byTable;
}

/** A scan's index, or a bitmap heap scan's indexes. */
const indexNames = (n: PlanNode): string[] =>
  n['Index Name'] ? [n['Index Name']] : (n.Plans ?? []).flatMap(indexNames);

/** Every read among a table's scans goes through an index (a DML's own target is skipped). */
function expectIndexed(nodes: PlanNode[] | undefined, index?: RegExp) {
  const reads = (nodes ?? []).filter((n) => n['Node Type'] !== 'ModifyTable');
  expect(reads.length).toBeGreaterThan(0);
  for (const n of reads) {
    expect(n['Node Type']).toMatch(/Index|Bitmap Heap/);
    if (index) expect(indexNames(n).join()).toMatch(index);
  }
}

const ids = (from: number, n: number, step = 97) =>
  Array.from({ length: n }, (_, i) => from + i * step);

test('deferring the contact-organization key lets organizations move before their contacts', async () => {
  const moveOneOrganization = async (defer: boolean) => {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      if (defer) await runner.query(DEFER_CONTACT_ORGANIZATION_KEY);
      await runner.query('UPDATE organizations SET group_id = 500 WHERE id = 1');
      await runner.query('UPDATE contacts SET group_id = 500 WHERE organization_id = 1');
      await runner.query('SET CONSTRAINTS ALL IMMEDIATE');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };
  await expect(moveOneOrganization(false)).rejects.toThrow(/foreign key/);
  await expect(moveOneOrganization(true)).resolves.toBeUndefined();
});

test('remapping a group’s contacts to merged organizations reads them through an index', async () => {
  const plan = await scans(REMAP_CONTACT_ORGANIZATIONS, [7, ids(6, 20, 500), ids(8, 20, 500)]);
  expectIndexed(plan.contacts);
});

test('copying organizations and contacts reads them by id and checks duplicates by index', async () => {
  const orgs = await scans(COPY_ORGANIZATIONS, [ids(1, 30), 400]);
  expectIndexed(orgs.organizations);
  const pairs = [ids(1, 30), ids(2, 30)];
  expectIndexed((await scans(COPY_CONTACTS_WITH_EMAIL, [ids(1, 50), 400, ...pairs])).contacts);
  expectIndexed((await scans(COPY_CONTACT, [10, 400, ...pairs])).contacts, /contacts_pkey/);
});

test.each([
  ['a move (every work item)', null],
  ['a copy (the moved work items)', ids(1, 200, 13)],
])('relinking contacts after %s reaches the links through an index', async (_, scope) => {
  const params = [ids(1, 50), ids(50_001, 50), scope];
  expectIndexed((await scans(LINK_NEW_CONTACTS, params)).work_item_contacts);
  expectIndexed((await scans(UNLINK_OLD_CONTACTS, params)).work_item_contacts);
  const participants = (await scans(REPOINT_PARTICIPANTS, params)).email_participants;
  // a move finds the participants by the contact they name; a copy by that or by work item
  expectIndexed(
    participants,
    scope
      ? /email_participants_(work_item_id_email_key|contact_idx)/
      : /email_participants_contact_idx/,
  );
});
