// npm run bench: desk's throughput, latency, link-contacts cost and memory in one run, each as a
// ratio or against a target measured in the same run. Writes bench/results/latest.json.
// Env: BENCH_ONLY=accept,e2e,latency,big,link (default all); BENCH_PROFILE=1 adds --cpu-prof to
// the desk of the accept and end-to-end runs and prints the top self-time functions;
// BENCH_ACCEPT_COUNT, BENCH_E2E_COUNT, BENCH_RATE, BENCH_LATENCY_SECONDS, BENCH_LINK_ITEMS.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const L = require('./lib');
const { summarise, format } = require('./cpu-summary');
const { findHaraka, harakaConfig } = require('./haraka');

const ONLY = (process.env.BENCH_ONLY || 'accept,e2e,latency,big,link').split(',');
const PROFILE = process.env.BENCH_PROFILE === '1';
const COUNT_CALLS = process.env.BENCH_COUNT_CALLS === '1';
const ACCEPT_COUNT = Number(process.env.BENCH_ACCEPT_COUNT || 10_000);
const E2E_COUNT = Number(process.env.BENCH_E2E_COUNT || 20_000);
const RATE = Number(process.env.BENCH_RATE || 300);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS || 20);
const LINK_ITEMS = Number(process.env.BENCH_LINK_ITEMS || 2000);
const BIG_BYTES = 25_000_000;
const CONCURRENCY = 32;
const MSG_BYTES = 2048;
const GLOBAL_LIMIT_MS = 15 * 60_000;
const PROF_DIR = path.join(L.RESULTS, 'prof');
const id = `${process.pid}`;
const started = Date.now();
const results = {
  startedAt: new Date().toISOString(),
  profiled: PROFILE,
  machine: machine(),
  runs: {},
};
const cleanups = [];

const watchdog = setTimeout(() => {
  console.error('bench: global time limit reached, stopping');
  void cleanup().finally(() => process.exit(3));
}, GLOBAL_LIMIT_MS);

function log(msg) {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${t}s] ${msg}\n`);
}

function machine() {
  const v = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: v('psql', [`${L.PG_BASE}/postgres`, '-Atc', 'SHOW server_version']),
    redis: (v('redis-cli', ['-u', L.REDIS_URL, 'INFO', 'server']).match(/redis_version:(\S+)/) ||
      [])[1],
    smtpServer: require('smtp-server/package.json').version,
    haraka: harakaVersion(),
  };
}

function harakaVersion() {
  const bin = findHaraka();
  if (!bin) return 'not installed';
  const out = spawnSync(process.execPath, [bin, '-v'], { encoding: 'utf8' });
  return (out.stdout.match(/\d+\.\d+\.\d+/) || ['installed'])[0];
}

async function cleanup() {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch((e) => console.error('cleanup:', e.message));
}

/** A desk with its own database and queue prefix, seeded with a project (and contacts). */
async function freshDesk(name, env, { contacts = 50, cpuProf = false } = {}) {
  const database = `desk_bench_${id}_${name.replace(/-/g, '_')}`;
  const prefix = `bench${id}${name.replace(/-/g, '')}`;
  await L.dropDatabase(database);
  const desk = await L.startDesk(
    name,
    { DATABASE_URL: `${L.PG_BASE}/${database}`, QUEUE_PREFIX: prefix, ...env },
    { cpuProfDir: cpuProf ? PROF_DIR : undefined, countCalls: cpuProf && COUNT_CALLS },
  );
  const db = await L.pgClient(database);
  const seed = await L.seedProject(db, name);
  if (contacts)
    await db.query(
      `INSERT INTO contacts (group_id, first_name, last_name, email)
       SELECT $1, 'Customer', g::text, 'customer' || g || '@load.example' FROM generate_series(0, $2 - 1) g`,
      [seed.groupId, contacts],
    );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await desk.stop();
    await db.end().catch(() => undefined);
    await L.dropDatabase(database);
    await L.cleanRedisPrefix(prefix);
  };
  cleanups.push(stop);
  return { desk, db, seed, stop, database };
}

function progressPrinter(label, total, extra) {
  let last = 0;
  return (p) => {
    if (Date.now() - last < 2000) return;
    last = Date.now();
    const rate = p.elapsedMs ? Math.round((p.ok * 1000) / p.elapsedMs) : 0;
    log(
      `${label}: ${p.ok}/${total} accepted, ${rate} msg/s${p.temp ? `, ${p.temp} temp-failed` : ''}${extra ? `, ${extra()}` : ''}`,
    );
  };
}

const acceptRate = (r) => Math.round((r.ok * 1000) / (r.lastOk - r.startedAt));

async function warmUp(port, to) {
  await L.runLoad({
    port,
    to,
    mode: 'closed',
    count: 500,
    concurrency: CONCURRENCY,
    size: MSG_BYTES,
    seconds: 60,
    run: `warm${id}`,
  });
}

/** PostgreSQL queries and Redis commands per message (BENCH_COUNT_CALLS=1 diagnostic runs). */
function callSummary(name, messages) {
  const base = `calls-${name}.json`;
  const files = fs
    .readdirSync(L.RESULTS)
    .filter((f) => f === base || f.startsWith(`${base}.thread`));
  if (files.length === 0) return null;
  const calls = { queries: {}, redis: {} };
  for (const f of files) {
    const one = JSON.parse(fs.readFileSync(path.join(L.RESULTS, f), 'utf8'));
    for (const kind of ['queries', 'redis'])
      for (const [k, n] of Object.entries(one[kind])) calls[kind][k] = (calls[kind][k] || 0) + n;
  }
  for (const kind of ['queries', 'redis'])
    calls[kind] = Object.fromEntries(Object.entries(calls[kind]).sort((a, b) => b[1] - a[1]));
  const per = (m) =>
    Object.entries(m)
      .slice(0, 15)
      .map(([k, n]) => ({ perMessage: Math.round((n / messages) * 100) / 100, call: k }));
  const total = (m) =>
    Math.round((Object.values(m).reduce((a, b) => a + b, 0) / messages) * 100) / 100;
  const s = {
    queriesPerMessage: total(calls.queries),
    redisPerMessage: total(calls.redis),
    queries: per(calls.queries),
    redis: per(calls.redis),
  };
  console.log(
    `${name}: ${s.queriesPerMessage} PostgreSQL queries and ${s.redisPerMessage} Redis commands per message`,
  );
  for (const q of s.queries) console.log(`  pg    ${String(q.perMessage).padStart(5)}  ${q.call}`);
  for (const q of s.redis) console.log(`  redis ${String(q.perMessage).padStart(5)}  ${q.call}`);
  return s;
}

/** One summary per thread profile (main, and any other thread node profiled). */
function profileSummary(name) {
  const dir = path.join(PROF_DIR, name);
  if (!fs.existsSync(dir)) return null;
  // node names them CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  const result = {};
  const texts = [];
  for (const f of files) {
    const thread = Number(f.split('.')[4]) === 0 ? 'main' : `thread${f.split('.')[4]}`;
    const s = summarise(path.join(dir, f), 25);
    result[thread] = s;
    texts.push(`[${thread}] ${format(s)}`);
  }
  fs.writeFileSync(path.join(PROF_DIR, `${name}.top.txt`), texts.join('\n\n') + '\n');
  console.log(texts.join('\n\n'));
  return result;
}

const stepMeans = (r) =>
  Object.fromEntries(
    Object.entries(r.stepMeans ?? {}).map(([k, v]) => [
      k,
      v === null ? null : Math.round(v * 100) / 100,
    ]),
  );
const describeSteps = (means) =>
  `mean per step ${Object.entries(means)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} ms`;

const describeCpu = ({ busyCores, ...parts }) =>
  `CPU µs per message ${Object.entries(parts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} (${busyCores} cores busy)`;

/** A baseline listener that accepts anything for the Service Desk domain, under the accept load. */
async function baselineRun(name, args, env) {
  const port = await L.freePort();
  const listener = await L.startListener(name, args(port), env(port), port);
  cleanups.push(() => listener.stop());
  await warmUp(port, 'support+x@desk.localhost');
  const cpuBefore = L.cpuSnapshot(listener.pid);
  const r = await L.runLoad(
    {
      port,
      to: 'support+x@desk.localhost',
      mode: 'closed',
      count: ACCEPT_COUNT,
      concurrency: CONCURRENCY,
      size: MSG_BYTES,
      seconds: 120,
      run: `${name}${id}`,
    },
    progressPrinter(`accept/${name}`, ACCEPT_COUNT),
  );
  const cpuUsPerMsg = L.cpuPerMessage(cpuBefore, L.cpuSnapshot(listener.pid), r.ok, r.cpuUs);
  await listener.stop();
  const result = {
    msgPerS: acceptRate(r),
    ok: r.ok,
    failed: r.temp + r.perm + r.dropped,
    seconds: (r.lastOk - r.startedAt) / 1000,
    stepMeansMs: stepMeans(r),
    cpuUsPerMsg,
  };
  log(
    `accept/${name}: ${result.msgPerS} msg/s; ${describeSteps(result.stepMeansMs)}; ${describeCpu(cpuUsPerMsg)}`,
  );
  return result;
}

/** Haraka (one process, queue/discard), when it is installed. */
async function harakaRun() {
  const bin = findHaraka();
  if (!bin) return 'not installed';
  return baselineRun(
    'haraka',
    (port) => {
      const dir = harakaConfig(bin, port, 'desk.localhost', 25 * 1024 * 1024);
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      return [bin, '-c', dir];
    },
    () => ({ YES_REALLY_DO_DISCARD: '1' }),
  );
}

// 1. accept rate: desk (smtp role only) against a bare smtp-server sink (and Haraka)
async function acceptRun() {
  const run = { messages: ACCEPT_COUNT, concurrency: CONCURRENCY, messageBytes: MSG_BYTES };
  run.bare = await baselineRun(
    'bare',
    () => [path.join(__dirname, 'bare-sink.js')],
    (port) => ({ PORT: String(port) }),
  );
  run.haraka = await harakaRun();

  // desk, durable accept only
  const d = await freshDesk('accept', { DESK_ROLES: 'smtp' }, { contacts: 0, cpuProf: PROFILE });
  await warmUp(d.desk.port, d.seed.address);
  const cpuBefore = L.cpuSnapshot(d.desk.pid);
  const r = await L.runLoad(
    {
      port: d.desk.port,
      to: d.seed.address,
      mode: 'closed',
      count: ACCEPT_COUNT,
      concurrency: CONCURRENCY,
      size: MSG_BYTES,
      seconds: 300,
      run: `accept${id}`,
    },
    progressPrinter('accept/desk', ACCEPT_COUNT, () => `rss ${L.mb(d.desk.memory()?.rss ?? 0)} MB`),
  );
  const cpuUsPerMsg = L.cpuPerMessage(cpuBefore, L.cpuSnapshot(d.desk.pid), r.ok, r.cpuUs);
  const stored = Number((await d.db.query('SELECT count(*) AS n FROM inbound_emails')).rows[0].n);
  run.desk = {
    msgPerS: acceptRate(r),
    ok: r.ok,
    stored,
    failed: r.temp + r.perm + r.dropped,
    seconds: (r.lastOk - r.startedAt) / 1000,
    peakRssMB: L.mb(d.desk.memory().hwm),
    stepMeansMs: stepMeans(r),
    cpuUsPerMsg,
  };
  await d.stop();
  run.ratio = Math.round((run.desk.msgPerS / run.bare.msgPerS) * 1000) / 1000;
  if (typeof run.haraka === 'object')
    run.haraka.deskRatio = Math.round((run.desk.msgPerS / run.haraka.msgPerS) * 1000) / 1000;
  if (PROFILE) run.profile = profileSummary('accept');
  if (PROFILE && COUNT_CALLS) run.calls = callSummary('accept', r.ok + 500);
  log(
    `accept/desk: ${run.desk.msgPerS} msg/s (${run.ratio}× bare); ${describeSteps(run.desk.stepMeansMs)}; ${describeCpu(run.desk.cpuUsPerMsg)}`,
  );
  results.runs.accept = run;
}

// 2. end to end + 5a. peak RSS: all-in-one desk, first accept to last link-contacts committed
async function e2eRun() {
  const d = await freshDesk(
    'e2e',
    { DESK_ROLES: 'smtp,worker' },
    { contacts: 50, cpuProf: PROFILE },
  );
  const count = async (sql) => Number((await d.db.query(sql)).rows[0].n);
  let processed = 0;
  let linked = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      processed = await count(
        `SELECT count(*) AS n FROM inbound_emails WHERE status <> 'received'`,
      );
      linked = await count(
        'SELECT count(*) AS n FROM email_participants WHERE link_outcome IS NOT NULL',
      );
      await L.sleep(1000);
    }
  })();
  const cpuBefore = L.cpuSnapshot(d.desk.pid);
  const r = await L.runLoad(
    {
      port: d.desk.port,
      to: d.seed.address,
      mode: 'closed',
      count: E2E_COUNT,
      concurrency: CONCURRENCY,
      size: MSG_BYTES,
      seconds: 300,
      run: `e2e${id}`,
    },
    progressPrinter(
      'e2e',
      E2E_COUNT,
      () =>
        `${processed} ingested, ${linked} participants linked, rss ${L.mb(d.desk.memory()?.rss ?? 0)} MB`,
    ),
  );
  log(`e2e: all ${r.ok} accepted at ${acceptRate(r)} msg/s; waiting for the workers`);
  let lastPrint = Date.now();
  const done = await L.waitFor(
    'e2e done',
    async () => {
      const pendingEmails = await count(
        `SELECT count(*) AS n FROM inbound_emails WHERE status = 'received'`,
      );
      const pendingLinks = await count(
        'SELECT count(*) AS n FROM email_participants WHERE link_outcome IS NULL',
      );
      const pendingOutbox = await count(
        'SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL',
      );
      if (Date.now() - lastPrint > 2000) {
        lastPrint = Date.now();
        log(
          `e2e: ${r.ok - pendingEmails}/${r.ok} ingested, ${pendingLinks} participants and ${pendingOutbox} outbox rows pending, rss ${L.mb(d.desk.memory()?.rss ?? 0)} MB`,
        );
      }
      return pendingEmails === 0 && pendingLinks === 0 && pendingOutbox === 0;
    },
    360_000,
    500,
  );
  // from the first message to the last link (the bench's own polling queries included)
  const cpuUsPerEmail = L.cpuPerMessage(cpuBefore, L.cpuSnapshot(d.desk.pid), r.ok, r.cpuUs);
  polling = false;
  await poller;
  const mem = d.desk.memory();
  const end = Number(
    (
      await d.db.query(
        'SELECT extract(epoch FROM max(processed_at)) * 1000 AS n FROM outbox WHERE processed_at IS NOT NULL',
      )
    ).rows[0].n,
  );
  const statuses = Object.fromEntries(
    (
      await d.db.query('SELECT status, count(*)::int AS n FROM inbound_emails GROUP BY status')
    ).rows.map((x) => [x.status, x.n]),
  );
  const outcomes = Object.fromEntries(
    (
      await d.db.query(
        "SELECT coalesce(link_outcome, 'pending') AS o, count(*)::int AS n FROM email_participants GROUP BY 1",
      )
    ).rows.map((x) => [x.o, x.n]),
  );
  const finished = statuses.received ? r.ok - statuses.received : r.ok;
  const seconds = (end - r.firstOk) / 1000;
  const run = {
    emails: r.ok,
    done,
    seconds,
    emailsPerS: Math.round(finished / seconds),
    acceptMsgPerS: acceptRate(r),
    statuses,
    linkOutcomes: outcomes,
    peakRssMB: L.mb(mem.hwm),
    cpuUsPerEmail,
  };
  await d.stop();
  if (PROFILE) run.profile = profileSummary('e2e');
  if (PROFILE && COUNT_CALLS) run.calls = callSummary('e2e', r.ok);
  log(
    `e2e: ${run.emailsPerS} emails/s end to end over ${seconds.toFixed(1)} s; peak RSS ${run.peakRssMB} MB; ${describeCpu(cpuUsPerEmail).replace('listener', 'desk').replace('per message', 'per email')}`,
  );
  results.runs.e2e = run;
}

// 3. accept latency under a fixed open-loop rate (all-in-one desk; then smtp-only desk and the
// bare sink under the same load, which show what the machine and the generator cost by themselves)
async function latencyRun(roles, label) {
  const d = await freshDesk(label, { DESK_ROLES: roles });
  await warmUp(d.desk.port, d.seed.address);
  // a steady state: the warm-up's 500 emails must not still be ingested in the measured window
  if (roles.includes('worker')) {
    const waited = Date.now();
    await L.waitFor(
      'the warm-up ingested',
      async () =>
        Number(
          (await d.db.query(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL`)).rows[0]
            .n,
        ) === 0 || null,
      120_000,
    );
    log(`${label}: warm-up ingested after ${Date.now() - waited} ms more`);
  }
  const r = await openLoad(d.desk.port, d.seed.address, label);
  await d.stop();
  results.runs[label] = latencyOf(r, label, { roles });
}

async function bareLatencyRun() {
  const port = await L.freePort();
  const label = 'latency-bare';
  const listener = await L.startListener(
    label,
    [path.join(__dirname, 'bare-sink.js')],
    { PORT: String(port) },
    port,
  );
  cleanups.push(() => listener.stop());
  await warmUp(port, 'support+x@desk.localhost');
  const r = await openLoad(port, 'support+x@desk.localhost', label);
  await listener.stop();
  results.runs[label] = latencyOf(r, label, {});
}

const openLoad = (port, to, label) =>
  L.runLoad(
    {
      port,
      to,
      mode: 'open',
      rate: RATE,
      seconds: LATENCY_SECONDS,
      concurrency: CONCURRENCY,
      size: MSG_BYTES,
      run: `${label}${id}`,
    },
    progressPrinter(label, RATE * LATENCY_SECONDS),
  );

function latencyOf(r, label, extra) {
  const ms = (v) => (v === null ? null : Math.round(v * 10) / 10);
  const run = {
    ...extra,
    rate: RATE,
    seconds: LATENCY_SECONDS,
    ok: r.ok,
    achievedMsgPerS: acceptRate(r),
    p50: ms(L.percentile(r.fullLat, 50)),
    p99: ms(L.percentile(r.fullLat, 99)),
    max: ms(r.fullLat[r.fullLat.length - 1] ?? null),
    dataP50: ms(L.percentile(r.dataLat, 50)),
    dataP99: ms(L.percentile(r.dataLat, 99)),
    generatorLateP99: ms(L.percentile(r.lateness ?? [], 99)),
    commandP99: Object.fromEntries(Object.entries(r.commandP99 ?? {}).map(([k, v]) => [k, ms(v)])),
  };
  const commands = Object.entries(run.commandP99)
    .map(([verb, v]) => `${verb} ${v}`)
    .join(', ');
  log(
    `${label}: p50 ${run.p50} ms, p99 ${run.p99} ms (from due time to 250); p99 of each step: started late ${run.generatorLateP99}, ${commands}, final dot → 250 ${run.dataP99} ms (dot p50 ${run.dataP50})`,
  );
  return run;
}

// 5b. one 25 MB message into a fresh all-in-one desk: VmHWM over the idle baseline
async function bigRun() {
  const d = await freshDesk(
    'big',
    { DESK_ROLES: 'smtp,worker', SMTP_MAX_MESSAGE_BYTES: String(32 * 1024 * 1024) },
    { contacts: 50 },
  );
  await L.sleep(3000);
  const idle = d.desk.memory();
  log(
    `big: idle RSS ${L.mb(idle.rss)} MB (HWM ${L.mb(idle.hwm)} MB); sending one ${BIG_BYTES / 1e6} MB message`,
  );
  const r = await L.runLoad({
    port: d.desk.port,
    to: d.seed.address,
    mode: 'closed',
    count: 1,
    concurrency: 1,
    size: BIG_BYTES,
    seconds: 120,
    run: `big${id}`,
  });
  const done = await L.waitFor(
    'ticket',
    async () =>
      Number(
        (await d.db.query(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL`)).rows[0].n,
      ) === 0 &&
      Number(
        (await d.db.query(`SELECT count(*) AS n FROM inbound_emails WHERE status <> 'received'`))
          .rows[0].n,
      ) === 1,
    120_000,
  );
  const row = (await d.db.query('SELECT status, size, work_item_id FROM inbound_emails')).rows[0];
  const att = (
    await d.db.query(
      'SELECT count(*)::int AS n, coalesce(sum(size), 0)::int AS bytes FROM attachments',
    )
  ).rows[0];
  const peak = d.desk.memory();
  await d.stop();
  const deltaBytes = peak.hwm - idle.rss;
  const run = {
    accepted: r.ok === 1,
    ticket: done && row?.status === 'ticket_created',
    status: row?.status,
    messageBytes: BIG_BYTES,
    storedBytes: row?.size,
    attachments: att,
    idleRssMB: L.mb(idle.rss),
    idleHwmMB: L.mb(idle.hwm),
    peakHwmMB: L.mb(peak.hwm),
    deltaMB: L.mb(deltaBytes),
    multiple: Math.round((deltaBytes / BIG_BYTES) * 100) / 100,
    acceptMs: r.lastOk - r.startedAt,
  };
  log(
    `big: peak ${run.peakHwmMB} MB, +${run.deltaMB} MB over idle = ${run.multiple}× the message (${run.status})`,
  );
  results.runs.big = run;
}

// 4. link-contacts cost, 1k vs 1M contacts in the contact source, same work items
async function linkRun() {
  require('reflect-metadata');
  const dist = (p) => require(path.join(L.ROOT, 'dist', p));
  const { ensureDatabase, runMigrations } = dist('src/db/ensure-database.js');
  const { createDataSource } = dist('src/db/data-source.js');
  const { Store } = dist('src/repositories/store.js');
  const { linkContacts } = dist('src/domain/crm/link-contacts.service.js');
  const database = `desk_bench_${id}_link`;
  const url = `${L.PG_BASE}/${database}`;
  await L.dropDatabase(database);
  await ensureDatabase(url, 5000);
  const ds = createDataSource({
    url,
    poolSize: 4,
    connectTimeoutMs: 5000,
    applicationName: 'desk-bench',
  });
  await ds.initialize();
  cleanups.push(async () => {
    if (ds.isInitialized) await ds.destroy();
    await L.dropDatabase(database);
  });
  await runMigrations(ds);
  const db = await L.pgClient(database);
  cleanups.push(() => db.end());
  const seed = await L.seedProject(db, 'link');
  const contact = (i) => [
    `First${i}`,
    `Last${i}`,
    `c${i}@bench.example`,
    i % 10 === 9 ? 'inactive' : 'active',
  ];
  let t = Date.now();
  await L.copyContacts(database, seed.groupId, 0, 1000, contact);
  log(`link: COPY 1,000 contacts in ${Date.now() - t} ms`);
  // the work items and their participants (two known addresses, one unknown), and outbox rows
  await db.query(
    `INSERT INTO work_items (project_id, iid, title, service_desk)
     SELECT $1, g, 'bench ' || g, true FROM generate_series(1, $2) g`,
    [seed.projectId, LINK_ITEMS],
  );
  await db.query(
    `INSERT INTO email_participants (work_item_id, email, role)
     SELECT w.id, e.email, e.role FROM work_items w CROSS JOIN LATERAL (VALUES
       ('c' || ((w.iid * 2) % 1000) || '@bench.example', 'from'),
       ('c' || ((w.iid * 2 + 1) % 1000) || '@bench.example', 'cc'),
       ('stranger' || w.iid || '@elsewhere.example', 'cc')) AS e(email, role)
     WHERE w.project_id = $1`,
    [seed.projectId],
  );
  const items = (
    await db.query(
      `INSERT INTO outbox (queue, job_name, payload, published_at)
       SELECT 'link-contacts', 'link-contacts', jsonb_build_object('workItemId', id), now() FROM work_items
        WHERE project_id = $1 ORDER BY id RETURNING id::text AS outbox_id, (payload->>'workItemId')::int AS work_item_id`,
      [seed.projectId],
    )
  ).rows;
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
  const pass = async (list) => {
    const outcomes = {};
    const t0 = performance.now();
    for (const it of list) {
      const o = await linkContacts(deps, it.work_item_id, it.outbox_id);
      for (const a of o.addresses ?? []) outcomes[a.outcome] = (outcomes[a.outcome] || 0) + 1;
    }
    return { ms: performance.now() - t0, outcomes };
  };
  const measure = async (label) => {
    await reset();
    await pass(items.slice(0, 200)); // warm-up: JIT, pool, caches
    await reset();
    const p = await pass(items);
    const msPerItem = Math.round((p.ms / items.length) * 1000) / 1000;
    log(
      `link/${label}: ${items.length} work items in ${Math.round(p.ms)} ms = ${msPerItem} ms each ${JSON.stringify(p.outcomes)}`,
    );
    return { msPerItem, totalMs: Math.round(p.ms), outcomes: p.outcomes };
  };
  // what every new ticket now reads inside its ingest transaction: chain + candidate contacts
  const byItem = new Map();
  for (const r of (await db.query('SELECT work_item_id, email FROM email_participants ORDER BY id'))
    .rows)
    byItem.set(r.work_item_id, [...(byItem.get(r.work_item_id) ?? []), r.email]);
  const contextPass = async (list) => {
    const t0 = performance.now();
    let found = 0;
    for (const it of list) {
      const c = await store.run((repos) =>
        repos.ingest.linkContext({ projectId: seed.projectId }, byItem.get(it.work_item_id)),
      );
      found += c.contacts.length;
    }
    return { ms: performance.now() - t0, found };
  };
  const measureContext = async (label) => {
    await contextPass(items.slice(0, 200));
    const p = await contextPass(items);
    const msPerItem = Math.round((p.ms / items.length) * 1000) / 1000;
    log(`link/${label} (ingest context read): ${msPerItem} ms per ticket, ${p.found} contacts`);
    return { msPerItem, found: p.found };
  };
  const run = { workItems: items.length, addressesPerItem: 3 };
  run.k1 = await measure('1k');
  run.context1k = await measureContext('1k');
  t = Date.now();
  await L.copyContacts(database, seed.groupId, 1000, 1_000_000, contact);
  run.copyMs = Date.now() - t;
  log(`link: COPY 999,000 more contacts in ${run.copyMs} ms`);
  await db.query('ANALYZE contacts');
  run.m1 = await measure('1M');
  run.context1M = await measureContext('1M');
  run.ratio = Math.round((run.m1.msPerItem / run.k1.msPerItem) * 100) / 100;
  run.contextRatio = Math.round((run.context1M.msPerItem / run.context1k.msPerItem) * 100) / 100;
  // EXPLAIN ANALYZE the queries of one link at 1M contacts (participants pending again)
  await db.query('UPDATE email_participants SET link_outcome = NULL, contact_id = NULL');
  const wi = items[Math.floor(items.length / 2)].work_item_id;
  const emails = (
    await db.query('SELECT email FROM email_participants WHERE work_item_id = $1', [wi])
  ).rows.map((x) => x.email);
  const explain = async (sql, params) =>
    (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows
      .map((x) => x['QUERY PLAN'])
      .join('\n');
  run.explain = {
    findByEmails: await explain(
      `SELECT id, lower(email) AS email, state FROM contacts WHERE group_id = $1 AND lower(email) = ANY($2::text[])`,
      [seed.groupId, emails],
    ),
    listPending: await explain(
      `SELECT * FROM email_participants WHERE work_item_id = $1 AND link_outcome IS NULL ORDER BY id ASC`,
      [wi],
    ),
    crmChainOfWorkItem: await explain(
      `SELECT t.gid AS group_id, s.source_group_id, s.enabled
         FROM work_items w JOIN projects p ON p.id = w.project_id JOIN groups g ON g.id = p.group_id
         CROSS JOIN LATERAL unnest(g.traversal_ids) WITH ORDINALITY AS t(gid, depth)
         LEFT JOIN group_crm_settings s ON s.group_id = t.gid
        WHERE w.id = $1 ORDER BY t.depth`,
      [wi],
    ),
  };
  fs.writeFileSync(
    path.join(L.RESULTS, 'link-explain.txt'),
    Object.entries(run.explain)
      .map(([k, v]) => `== ${k}\n${v}\n`)
      .join('\n'),
  );
  log(`link: 1M/1k = ${run.ratio}; findByEmails plan at 1M:\n${run.explain.findByEmails}`);
  results.runs.link = run;
}

const check = (ok) => (ok ? '✓' : '✗');

function table() {
  const R = results.runs;
  const rows = [['measurement', 'result', 'target', '']];
  if (R.accept) {
    rows.push(['accept, bare smtp-server sink', `${R.accept.bare.msgPerS} msg/s`, '', '']);
    rows.push(['accept, desk (smtp role, durable)', `${R.accept.desk.msgPerS} msg/s`, '', '']);
    rows.push([
      'accept ratio desk/bare',
      `${R.accept.ratio}×`,
      '≥ 0.6×',
      check(R.accept.ratio >= 0.6),
    ]);
    if (typeof R.accept.haraka === 'object') {
      rows.push(['accept, Haraka (queue/discard)', `${R.accept.haraka.msgPerS} msg/s`, '', '']);
      rows.push(['accept ratio desk/Haraka', `${R.accept.haraka.deskRatio}×`, '', '']);
    } else rows.push(['accept, Haraka', R.accept.haraka, '', '']);
  }
  if (R.e2e)
    rows.push([
      `end to end, ${R.e2e.emails} emails (smtp,worker)`,
      `${R.e2e.emailsPerS} emails/s${R.e2e.done ? '' : ' (timed out)'}`,
      '≥ 1000/s',
      check(R.e2e.done && R.e2e.emailsPerS >= 1000),
    ]);
  if (R.latency)
    rows.push([
      `accept latency at ${R.latency.rate} msg/s, p50 / p99`,
      `${R.latency.p50} / ${R.latency.p99} ms`,
      'p99 ≤ 25 ms',
      check(R.latency.p99 !== null && R.latency.p99 <= 25),
    ]);
  if (R['latency-smtp'])
    rows.push([
      `  same, smtp role only (for comparison)`,
      `${R['latency-smtp'].p50} / ${R['latency-smtp'].p99} ms`,
      '',
      '',
    ]);
  if (R['latency-bare'])
    rows.push([
      `  same, bare smtp-server sink (the machine's floor)`,
      `${R['latency-bare'].p50} / ${R['latency-bare'].p99} ms`,
      '',
      '',
    ]);
  if (R.link) {
    rows.push(['link-contacts, 1k contacts', `${R.link.k1.msPerItem} ms/work item`, '', '']);
    rows.push(['link-contacts, 1M contacts', `${R.link.m1.msPerItem} ms/work item`, '', '']);
    rows.push([
      'link-contacts ratio 1M/1k',
      `${R.link.ratio}×`,
      '≤ 1.3×',
      check(R.link.ratio <= 1.3),
    ]);
    if (R.link.contextRatio !== undefined)
      rows.push([
        '  in-ingest contact read, 1k / 1M (ratio)',
        `${R.link.context1k.msPerItem} / ${R.link.context1M.msPerItem} ms (${R.link.contextRatio}×)`,
        '≤ 1.3×',
        check(R.link.contextRatio <= 1.3),
      ]);
  }
  if (R.e2e)
    rows.push([
      'peak RSS (VmHWM) during end to end',
      `${R.e2e.peakRssMB} MB`,
      '≤ 300 MB',
      check(R.e2e.peakRssMB <= 300),
    ]);
  if (R.big)
    rows.push([
      `one 25 MB message: VmHWM − idle RSS`,
      `${R.big.deltaMB} MB = ${R.big.multiple}× (${R.big.status})`,
      '≤ 3×',
      check(R.big.ticket && R.big.multiple <= 3),
    ]);
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((v, c) => v.padEnd(w[c])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

async function main() {
  if (!fs.existsSync(path.join(L.ROOT, 'dist', 'bin', 'desk.js')))
    throw new Error('run npm run build first');
  fs.mkdirSync(L.RESULTS, { recursive: true });
  log(
    `bench ${id}: ${ONLY.join(', ')}${PROFILE ? ' (with --cpu-prof)' : ''}; machine ${JSON.stringify(results.machine)}`,
  );
  const phases = {
    accept: acceptRun,
    e2e: e2eRun,
    latency: async () => {
      await latencyRun('smtp,worker', 'latency');
      await latencyRun('smtp', 'latency-smtp');
      await bareLatencyRun();
    },
    big: bigRun,
    link: linkRun,
  };
  for (const name of ONLY) {
    if (!phases[name]) throw new Error(`unknown phase ${name}`);
    log(`— ${name}`);
    await phases[name]();
    await cleanup();
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  results.table = table();
  fs.writeFileSync(path.join(L.RESULTS, 'latest.json'), JSON.stringify(results, null, 2));
  console.log(`\n${results.table}\n\n(${results.seconds} s; details in bench/results/latest.json)`);
}

main()
  .catch(async (err) => {
    console.error('bench failed:', err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    clearTimeout(watchdog);
  });
