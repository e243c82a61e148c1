// One link-contacts measurement of one tree (this one or the baseline's), in its own process so
// that each tree's compiled dist and its own node_modules (TypeORM, reflect-metadata) are loaded
// alone. Forked by bench/run.js with JSON options; answers over IPC.
//   { root, database, items: [{ outbox_id, work_item_id }], projectId, warmUp }
// Links every item one after another with that tree's `linkContacts` (participants, links and
// outbox reset and VACUUM ANALYZE before each pass), and, when the tree still has it, times the
// read a new ticket did inside its ingest transaction (`repos.ingest.linkContext`).
'use strict';
const path = require('node:path');
const L = require('./lib');

const opts = JSON.parse(process.argv[2]);
const fromRoot = (p) => require(path.join(opts.root, p));

async function main() {
  fromRoot('node_modules/reflect-metadata');
  const { createDataSource } = fromRoot('dist/src/db/data-source.js');
  const { Store } = fromRoot('dist/src/repositories/store.js');
  const { linkContacts } = fromRoot('dist/src/domain/crm/link-contacts.service.js');
  const ds = createDataSource({
    url: `${L.PG_BASE}/${opts.database}`,
    poolSize: 4,
    connectTimeoutMs: 30_000,
    applicationName: 'desk-bench-link',
  });
  await ds.initialize();
  const db = await L.pgClient(opts.database);
  const store = new Store(ds);
  const deps = {
    store,
    addressing: { localPart: 'support', domain: 'desk.localhost' },
    maxContactsPerEmail: 25,
  };
  const reset = async () => {
    await db.query('UPDATE email_participants SET link_outcome = NULL, contact_id = NULL');
    await db.query('DELETE FROM work_item_contacts');
    await db.query('UPDATE outbox SET processed_at = NULL');
    await db.query('VACUUM ANALYZE contacts, email_participants, work_item_contacts, outbox');
  };
  // the CPU of this process and of the PostgreSQL backends it talks to, per item
  const timed = async (list, one) => {
    const meter = L.cpuMeter({ link: process.pid }, opts.database, 1000);
    const before = meter.snapshot();
    const t0 = performance.now();
    for (const it of list) await one(it);
    const ms = performance.now() - t0;
    const cpu = L.cpuPerMessage(before, meter.snapshot(), list.length);
    meter.stop();
    return { ms, msPerItem: Math.round((ms / list.length) * 1000) / 1000, cpuUsPerItem: cpu };
  };
  const outcomes = {};
  const linkOne = async (it) => {
    const o = await linkContacts(deps, it.work_item_id, it.outbox_id);
    for (const a of o.addresses ?? []) outcomes[a.outcome] = (outcomes[a.outcome] || 0) + 1;
  };
  await reset();
  await timed(opts.items.slice(0, opts.warmUp), linkOne); // JIT, pool, caches
  await reset();
  for (const k of Object.keys(outcomes)) delete outcomes[k];
  const link = await timed(opts.items, linkOne);
  const result = {
    msPerItem: link.msPerItem,
    totalMs: Math.round(link.ms),
    cpuUsPerItem: link.cpuUsPerItem,
    outcomes,
  };

  const hasContextRead = await store.run(
    async (repos) => typeof repos.ingest?.linkContext === 'function',
  );
  if (hasContextRead) {
    const emails = new Map();
    for (const r of (
      await db.query('SELECT work_item_id, email FROM email_participants ORDER BY id')
    ).rows)
      emails.set(r.work_item_id, [...(emails.get(r.work_item_id) ?? []), r.email]);
    let found = 0;
    const readOne = async (it) => {
      const c = await store.run((repos) =>
        repos.ingest.linkContext({ projectId: opts.projectId }, emails.get(it.work_item_id)),
      );
      found += c.contacts.length;
    };
    await timed(opts.items.slice(0, opts.warmUp), readOne);
    found = 0;
    const read = await timed(opts.items, readOne);
    result.contextRead = { msPerItem: read.msPerItem, cpuUsPerItem: read.cpuUsPerItem, found };
  }
  await db.end();
  await ds.destroy();
  return result;
}

main().then(
  (result) => process.send({ result }, () => process.exit(0)),
  (err) => process.send({ error: err.stack || String(err) }, () => process.exit(1)),
);
