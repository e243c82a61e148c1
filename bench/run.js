// npm run bench: desk's throughput, latency, link-contacts cost and memory in one run, each as a
// ratio or against a target measured in the same run. Writes bench/results/latest.json.
// BENCH_BASELINE=<git ref> also builds that ref in a temporary git worktree and runs every phase
// for it and for this tree alternately (baseline, current, baseline, current, …), each against
// its own database and queue prefix, and reports current/baseline with both raw numbers.
// Env: BENCH_ONLY=accept,e2e,stages,latency,big,link,auth,tokens (default all; scale, for
// scale-out by processes, only when named); tokens: see token-guard.js; BENCH_SCALE_COUNT (emails per scale run, 5000); BENCH_ROUNDS (A/B pairs per
// phase; 2 with a baseline, else 1); BENCH_BASELINE_KEEP=1 keeps (and reuses) the baseline's
// worktree; BENCH_PROFILE=1 adds --cpu-prof to the desks of the accept and end-to-end runs and
// prints the top self-time functions; BENCH_ACCEPT_COUNT, BENCH_E2E_COUNT, BENCH_STAGE_COUNT,
// BENCH_RATE, BENCH_LATENCY_SECONDS, BENCH_LINK_ITEMS, BENCH_TIME_LIMIT_MIN (auth: see auth.js).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync, fork } = require('node:child_process');
const L = require('./lib');
const { summarise, format } = require('./cpu-summary');
const { findHaraka, harakaConfig } = require('./haraka');
const { authRun } = require('./auth');
const { tokenGuardRun } = require('./token-guard');

const ONLY = (process.env.BENCH_ONLY || 'accept,e2e,stages,latency,big,link,auth,tokens').split(
  ',',
);
const BASELINE_REF = process.env.BENCH_BASELINE || '';
const KEEP_BASELINE = process.env.BENCH_BASELINE_KEEP === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS || (BASELINE_REF ? 2 : 1));
const PROFILE = process.env.BENCH_PROFILE === '1';
const COUNT_CALLS = process.env.BENCH_COUNT_CALLS === '1';
const ACCEPT_COUNT = Number(process.env.BENCH_ACCEPT_COUNT || 10_000);
const E2E_COUNT = Number(process.env.BENCH_E2E_COUNT || 20_000);
const STAGE_COUNT = Number(process.env.BENCH_STAGE_COUNT || 5000);
const SCALE_COUNT = Number(process.env.BENCH_SCALE_COUNT || 5000);
const RATE = Number(process.env.BENCH_RATE || 300);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS || 20);
const LINK_ITEMS = Number(process.env.BENCH_LINK_ITEMS || 2000);
const BIG_BYTES = 25_000_000;
const CONCURRENCY = 32;
const MSG_BYTES = 2048;
const GLOBAL_LIMIT_MS =
  Number(process.env.BENCH_TIME_LIMIT_MIN || (BASELINE_REF ? 45 : 15)) * 60_000;
const PROF_DIR = path.join(L.RESULTS, 'prof');
const id = `${process.pid}`;
const started = Date.now();
const results = {
  startedAt: new Date().toISOString(),
  profiled: PROFILE,
  machine: machine(),
  variants: {},
  runs: {},
};
const cleanups = [];
/** The trees under test, in the order each phase runs them: the baseline first, when there is one. */
const variants = [];

const watchdog = setTimeout(() => {
  console.error('bench: global time limit reached, stopping');
  void cleanup().finally(() => process.exit(3));
}, GLOBAL_LIMIT_MS);

function log(msg) {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${t}s] ${msg}\n`);
}

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', ...opts }).trim();
}

function machine() {
  const v = (cmd, args) => {
    try {
      return sh(cmd, args);
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
    uptimeBefore: v('uptime', []),
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

const describeCommit = (root) => sh('git', ['-C', root, 'log', '-1', '--format=%h %s']);

/**
 * The baseline: `ref` checked out in a git worktree under the OS temp directory (outside this
 * tree), `npm ci --prefer-offline` and `npm run build` there. Reused when it is already built at
 * that commit; removed at the end unless BENCH_BASELINE_KEEP=1.
 */
function prepareBaseline(ref) {
  const commit = sh('git', ['-C', L.ROOT, 'rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = path.join(os.tmpdir(), `desk-bench-baseline-${commit.slice(0, 12)}`);
  const built = () =>
    fs.existsSync(path.join(dir, 'dist', 'bin', 'desk.js')) &&
    sh('git', ['-C', dir, 'rev-parse', 'HEAD']) === commit;
  if (!built()) {
    if (fs.existsSync(dir)) {
      spawnSync('git', ['-C', L.ROOT, 'worktree', 'remove', '--force', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    log(`baseline: git worktree add ${dir} ${commit.slice(0, 12)}; npm ci; npm run build`);
    sh('git', ['-C', L.ROOT, 'worktree', 'add', '--detach', dir, commit]);
    const opts = { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] };
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], opts);
    execFileSync('npm', ['run', 'build', '--silent'], opts);
  } else log(`baseline: reusing ${dir}`);
  if (!KEEP_BASELINE)
    process.on('exit', () => {
      spawnSync('git', ['-C', L.ROOT, 'worktree', 'remove', '--force', dir]);
    });
  return { name: 'baseline', root: dir, ref, commit: describeCommit(dir) };
}

/** baseline, current, baseline, current, … (ROUNDS pairs); only current without a baseline. */
function* alternation(rounds = ROUNDS) {
  for (let round = 1; round <= rounds; round++)
    for (const variant of variants) yield { variant, round };
}

/**
 * A desk of one variant with its own database and queue prefix, seeded with a project (and
 * contacts). Topology: "smtp" (DESK_ROLES=smtp alone), "split" (DESK_ROLES=smtp and a separate
 * DESK_ROLES=worker process, as production scales) or "all" (DESK_ROLES=smtp,worker, one process).
 */
async function freshDesk(
  name,
  variant,
  topology,
  { contacts = 50, cpuProf = false, env = {}, extraWorkers = 0, extraListeners = 0 } = {},
) {
  const tag = `${name}_${variant.name}`.replace(/-/g, '_');
  const database = `desk_bench_${id}_${tag}`;
  const prefix = `bench${id}${tag.replace(/_/g, '')}`;
  await L.dropDatabase(database);
  const common = { DATABASE_URL: `${L.PG_BASE}/${database}`, QUEUE_PREFIX: prefix, ...env };
  const options = () => ({
    root: variant.root,
    cpuProfDir: cpuProf ? PROF_DIR : undefined,
    // count-calls.js patches this tree's pg and ioredis, which the baseline does not load
    countCalls: cpuProf && COUNT_CALLS && variant.name === 'current',
  });
  const procs = [];
  let db = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of procs.reverse()) await p.stop();
    await db?.end().catch(() => undefined);
    await L.dropDatabase(database);
    await L.cleanRedisPrefix(prefix);
  };
  cleanups.push(stop);
  const label = `${name}-${variant.name}`;
  const desk = await L.startDesk(
    label,
    { ...common, DESK_ROLES: topology === 'all' ? 'smtp,worker' : 'smtp' },
    options(),
  );
  procs.push(desk);
  let worker = null;
  if (topology === 'split') {
    // started after the smtp desk has migrated the database
    worker = await L.startDesk(`${label}-worker`, { ...common, DESK_ROLES: 'worker' }, options());
    procs.push(worker);
  }
  // scale-out: more processes of a role against the same database and queue prefix
  const listeners = [desk];
  for (let i = 1; i <= extraListeners; i++) {
    const more = await L.startDesk(
      `${label}-smtp${i}`,
      { ...common, DESK_ROLES: 'smtp' },
      options(),
    );
    procs.push(more);
    listeners.push(more);
  }
  for (let i = 1; i <= extraWorkers; i++)
    procs.push(
      await L.startDesk(`${label}-worker${i}`, { ...common, DESK_ROLES: 'worker' }, options()),
    );
  db = await L.pgClient(database);
  const seed = await L.seedProject(db, name);
  if (contacts)
    await db.query(
      `INSERT INTO contacts (group_id, first_name, last_name, email)
       SELECT $1, 'Customer', g::text, 'customer' || g || '@load.example' FROM generate_series(0, $2 - 1) g`,
      [seed.groupId, contacts],
    );
  const pids = worker
    ? { smtp: desk.pid, worker: worker.pid }
    : { [topology === 'all' ? 'desk' : 'smtp']: desk.pid };
  // sampled all along: a backend the pool closes while idle keeps the CPU it used
  const meter = L.cpuMeter(pids, database);
  cleanups.push(async () => meter.stop());
  const cpu = () => meter.snapshot();
  const count = async (sql) => Number((await db.query(sql)).rows[0].n);
  return { desk, worker, listeners, db, seed, stop, database, prefix, label, cpu, count };
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

const closedLoad = (d, count, label, seconds, extra) =>
  L.runLoad(
    {
      port: d.desk.port,
      to: d.seed.address,
      mode: 'closed',
      count,
      concurrency: CONCURRENCY,
      size: MSG_BYTES,
      seconds,
      run: `${label.replace(/-/g, '')}${id}`,
    },
    progressPrinter(label, count, extra),
  );

/** Until every email is ingested and linked and every outbox row processed (bounded). */
async function drained(d, emails, label, timeoutMs = 360_000) {
  let lastPrint = Date.now();
  return L.waitFor(
    `${label} done`,
    async () => {
      const pendingEmails = await d.count(
        `SELECT count(*) AS n FROM inbound_emails WHERE status = 'received'`,
      );
      const pendingLinks = await d.count(
        'SELECT count(*) AS n FROM email_participants WHERE link_outcome IS NULL',
      );
      const pendingOutbox = await d.count(
        'SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL',
      );
      if (Date.now() - lastPrint > 2000) {
        lastPrint = Date.now();
        log(
          `${label}: ${emails - pendingEmails}/${emails} ingested, ${pendingLinks} participants and ${pendingOutbox} outbox rows pending, ${rssOf(d)}`,
        );
      }
      return pendingEmails === 0 && pendingLinks === 0 && pendingOutbox === 0;
    },
    timeoutMs,
    500,
  );
}

const rssOf = (d) =>
  `rss ${[d.desk, d.worker]
    .filter(Boolean)
    .map((p) => L.mb(p.memory()?.rss ?? 0))
    .join(' + ')} MB`;

/** CPU µs per message, with the parts a stage is made of summed: a process and its backends. */
function stageCpu(cpu, ...processes) {
  const own = (p) => (cpu[p] ?? 0) + (cpu[`pg:${p}`] ?? 0);
  return processes.reduce((a, p) => a + own(p), 0);
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

/** A reference listener that accepts anything for the Service Desk domain, under the accept load. */
async function sinkRun(name, args, env) {
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
  return sinkRun(
    'haraka',
    (port) => {
      const dir = harakaConfig(bin, port, 'desk.localhost', 25 * 1024 * 1024);
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      return [bin, '-c', dir];
    },
    () => ({ YES_REALLY_DO_DISCARD: '1' }),
  );
}

// 1. accept rate: desk (smtp role only) of each variant, alternately; a bare smtp-server sink
// (and Haraka) once, as the machine's reference
async function acceptRun() {
  const run = { messages: ACCEPT_COUNT, concurrency: CONCURRENCY, messageBytes: MSG_BYTES };
  run.bare = await sinkRun(
    'bare',
    () => [path.join(__dirname, 'bare-sink.js')],
    (port) => ({ PORT: String(port) }),
  );
  run.haraka = await harakaRun();
  for (const { variant, round } of alternation()) {
    // durable accept only; the outbox relay still publishes to BullMQ, as in production
    const d = await freshDesk('accept', variant, 'smtp', { contacts: 0, cpuProf: PROFILE });
    await warmUp(d.desk.port, d.seed.address);
    const cpuBefore = d.cpu();
    const r = await closedLoad(d, ACCEPT_COUNT, `accept/${variant.name}#${round}`, 300, () =>
      rssOf(d),
    );
    const cpuUsPerMsg = L.cpuPerMessage(cpuBefore, d.cpu(), r.ok, r.cpuUs);
    const stored = await d.count('SELECT count(*) AS n FROM inbound_emails');
    const one = {
      round,
      msgPerS: acceptRate(r),
      ok: r.ok,
      stored,
      failed: r.temp + r.perm + r.dropped,
      seconds: (r.lastOk - r.startedAt) / 1000,
      peakRssMB: L.mb(d.desk.memory().hwm),
      stepMeansMs: stepMeans(r),
      cpuUsPerMsg,
      acceptCpuUs: stageCpu(cpuUsPerMsg, 'smtp'),
    };
    await d.stop();
    if (PROFILE) one.profile = profileSummary(d.label);
    if (PROFILE && COUNT_CALLS && variant.name === 'current')
      one.calls = callSummary(d.label, r.ok + 500);
    log(
      `accept/${variant.name}#${round}: ${one.msgPerS} msg/s (${ratio(one.msgPerS, run.bare.msgPerS)}× bare); ${describeSteps(one.stepMeansMs)}; ${describeCpu(cpuUsPerMsg)}`,
    );
    (run[variant.name] ??= []).push(one);
  }
  results.runs.accept = run;
}

// 2. end to end + peak RSS: DESK_ROLES=smtp and a DESK_ROLES=worker process of each variant,
// alternately; first accept to last link-contacts committed
async function e2eRun() {
  const run = { emails: E2E_COUNT };
  for (const { variant, round } of alternation()) {
    const label = `e2e/${variant.name}#${round}`;
    const d = await freshDesk('e2e', variant, 'split', { contacts: 50, cpuProf: PROFILE });
    const cpuBefore = d.cpu();
    const r = await closedLoad(d, E2E_COUNT, label, 300, () => rssOf(d));
    log(`${label}: all ${r.ok} accepted at ${acceptRate(r)} msg/s; waiting for the workers`);
    const done = await drained(d, r.ok, label);
    // from the first message to the last link (the bench's own polling queries are "pg:other")
    const cpuUsPerEmail = L.cpuPerMessage(cpuBefore, d.cpu(), r.ok, r.cpuUs);
    const end = await d.count(
      'SELECT extract(epoch FROM max(processed_at)) * 1000 AS n FROM outbox WHERE processed_at IS NOT NULL',
    );
    const grouped = async (sql) =>
      Object.fromEntries((await d.db.query(sql)).rows.map((x) => [x.k, x.n]));
    const statuses = await grouped(
      'SELECT status AS k, count(*)::int AS n FROM inbound_emails GROUP BY status',
    );
    const outcomes = await grouped(
      "SELECT coalesce(link_outcome, 'pending') AS k, count(*)::int AS n FROM email_participants GROUP BY 1",
    );
    const jobs = await grouped('SELECT job_name AS k, count(*)::int AS n FROM outbox GROUP BY 1');
    const finished = statuses.received ? r.ok - statuses.received : r.ok;
    const seconds = (end - r.firstOk) / 1000;
    const smtpHwm = L.mb(d.desk.memory().hwm);
    const workerHwm = L.mb(d.worker.memory().hwm);
    const one = {
      round,
      emails: r.ok,
      done,
      seconds,
      emailsPerS: Math.round(finished / seconds),
      acceptMsgPerS: acceptRate(r),
      statuses,
      linkOutcomes: outcomes,
      outboxRowsByJob: jobs,
      peakRssMB: { smtp: smtpHwm, worker: workerHwm },
      cpuUsPerEmail,
      acceptCpuUs: stageCpu(cpuUsPerEmail, 'smtp'),
      ingestAndLinkCpuUs: stageCpu(cpuUsPerEmail, 'worker'),
    };
    await d.stop();
    if (PROFILE)
      one.profile = { smtp: profileSummary(d.label), worker: profileSummary(`${d.label}-worker`) };
    if (PROFILE && COUNT_CALLS && variant.name === 'current')
      one.calls = {
        smtp: callSummary(d.label, r.ok),
        worker: callSummary(`${d.label}-worker`, r.ok),
      };
    log(
      `${label}: ${one.emailsPerS} emails/s end to end over ${seconds.toFixed(1)} s; peak RSS smtp ${smtpHwm} MB, worker ${workerHwm} MB; ${describeCpu(cpuUsPerEmail).replace('per message', 'per email')}`,
    );
    (run[variant.name] ??= []).push(one);
  }
  results.runs.e2e = run;
}

// 2c. scale-out by processes (issue 22): end to end with 1, 2 and 4 DESK_ROLES=worker processes
// behind one listener, then the accept rate of one listener against two sharing the same load
async function scaleRun() {
  const variant = variants[variants.length - 1];
  const emails = SCALE_COUNT;
  const run = { emails, e2e: [], accept: [] };
  for (const workers of [1, 2, 4]) {
    const label = `scale/e2e-${workers}w`;
    const d = await freshDesk(`scalew${workers}`, variant, 'split', {
      extraWorkers: workers - 1,
    });
    const r = await closedLoad(d, emails, label, 300);
    await drained(d, r.ok, label);
    const end = await d.count(
      'SELECT extract(epoch FROM max(processed_at)) * 1000 AS n FROM outbox WHERE processed_at IS NOT NULL',
    );
    const one = {
      workers,
      emails: r.ok,
      emailsPerS: Math.round((r.ok * 1000) / (end - r.firstOk)),
    };
    log(`${label}: ${one.emailsPerS} emails/s end to end with ${workers} worker process(es)`);
    run.e2e.push(one);
    await d.stop();
  }
  for (const listeners of [1, 2]) {
    const label = `scale/accept-${listeners}l`;
    const d = await freshDesk(`scalel${listeners}`, variant, 'smtp', {
      contacts: 0,
      extraListeners: listeners - 1,
    });
    for (const l of d.listeners) await warmUp(l.port, d.seed.address);
    const share = Math.ceil(ACCEPT_COUNT / listeners);
    const rs = await Promise.all(
      d.listeners.map((l, i) =>
        L.runLoad({
          port: l.port,
          to: d.seed.address,
          mode: 'closed',
          count: share,
          concurrency: CONCURRENCY / listeners,
          size: MSG_BYTES,
          seconds: 300,
          run: `scale${listeners}l${i}${id}`,
        }),
      ),
    );
    const ok = rs.reduce((a, r) => a + r.ok, 0);
    const from = Math.min(...rs.map((r) => r.startedAt));
    const to = Math.max(...rs.map((r) => r.lastOk));
    const one = { listeners, ok, msgPerS: Math.round((ok * 1000) / (to - from)) };
    log(`${label}: ${one.msgPerS} msg/s accepted by ${listeners} listener process(es)`);
    run.accept.push(one);
    await d.stop();
  }
  results.runs.scale = run;
}

// 2b. CPU per stage: the same topology with the link-contacts queue paused until every email is
// ingested, so the worker process's CPU splits into ingest (which writes and publishes the link
// job) and link; the smtp process and its PostgreSQL backends are the accept
async function stagesRun() {
  const { Queue } = require('bullmq');
  const IORedis = require('ioredis');
  const run = { emails: STAGE_COUNT };
  for (const { variant, round } of alternation()) {
    const label = `stages/${variant.name}#${round}`;
    const d = await freshDesk('stages', variant, 'split', { contacts: 50 });
    const connection = new IORedis(L.REDIS_URL, { maxRetriesPerRequest: null });
    const linkQueue = new Queue('link-contacts', { connection, prefix: d.prefix });
    cleanups.push(async () => {
      await linkQueue.close().catch(() => undefined);
      connection.disconnect();
    });
    await linkQueue.pause();
    const s0 = d.cpu();
    const r = await closedLoad(d, STAGE_COUNT, label, 300);
    const ingested = await L.waitFor(
      'ingested',
      async () =>
        (await d.count(`SELECT count(*) AS n FROM inbound_emails WHERE status = 'received'`)) === 0,
      300_000,
      250,
    );
    const s1 = d.cpu();
    const linkJobs = await linkQueue.count();
    await linkQueue.resume();
    const done = await drained(d, r.ok, label);
    const s2 = d.cpu();
    const ingest = L.cpuPerMessage(s0, s1, r.ok);
    const link = L.cpuPerMessage(s1, s2, r.ok);
    const whole = L.cpuPerMessage(s0, s2, r.ok, r.cpuUs);
    const one = {
      round,
      emails: r.ok,
      done: ingested && done,
      linkJobsWaitingAfterIngest: linkJobs,
      // µs of CPU per email: the process and its own PostgreSQL backends
      stageCpuUs: {
        accept: stageCpu(whole, 'smtp'),
        ingest: stageCpu(ingest, 'worker'),
        link: stageCpu(link, 'worker'),
      },
      // machine-wide (other sessions' work included): Redis, PostgreSQL's background processes
      sharedCpuUs: { redis: whole['redis-server'], pgShared: whole.pgShared },
      cpuUsPerEmail: { whole, ingest, link },
    };
    await linkQueue.close();
    connection.disconnect();
    await d.stop();
    log(
      `${label}: CPU µs per email accept ${one.stageCpuUs.accept}, ingest ${one.stageCpuUs.ingest}, link ${one.stageCpuUs.link} (${linkJobs} link jobs held while ingesting); shared: Redis ${one.sharedCpuUs.redis}, PostgreSQL background ${one.sharedCpuUs.pgShared}`,
    );
    (run[variant.name] ??= []).push(one);
  }
  results.runs.stages = run;
}

// 3. accept latency under a fixed open-loop rate: DESK_ROLES=smtp with a separate
// DESK_ROLES=worker process of each variant, alternately; then the bare sink under the same load
// (the machine's and the generator's own floor)
async function latencyRun() {
  const run = { rate: RATE, seconds: LATENCY_SECONDS };
  for (const { variant, round } of alternation()) {
    const label = `latency/${variant.name}#${round}`;
    const d = await freshDesk('latency', variant, 'split');
    await warmUp(d.desk.port, d.seed.address);
    // a steady state: the warm-up's 500 emails must not still be ingested in the measured window
    const waited = Date.now();
    await L.waitFor(
      'the warm-up ingested',
      async () =>
        (await d.count(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL`)) === 0,
      120_000,
    );
    log(`${label}: warm-up ingested after ${Date.now() - waited} ms more`);
    const r = await openLoad(d.desk.port, d.seed.address, label);
    await d.stop();
    (run[variant.name] ??= []).push({ round, ...latencyOf(r, label, {}) });
  }
  run.bare = await bareLatencyRun();
  results.runs.latency = run;
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
  return latencyOf(r, label, {});
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

// 5b. one 25 MB message into a fresh all-in-one desk of each variant: VmHWM over the idle baseline
async function bigRun() {
  const run = {};
  for (const { variant } of alternation(1)) {
    const d = await freshDesk('big', variant, 'all', {
      contacts: 50,
      env: { SMTP_MAX_MESSAGE_BYTES: String(32 * 1024 * 1024) },
    });
    await L.sleep(3000);
    const idle = d.desk.memory();
    log(
      `big/${variant.name}: idle RSS ${L.mb(idle.rss)} MB (HWM ${L.mb(idle.hwm)} MB); sending one ${BIG_BYTES / 1e6} MB message`,
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
        (await d.count(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL`)) === 0 &&
        (await d.count(`SELECT count(*) AS n FROM inbound_emails WHERE status <> 'received'`)) ===
          1,
      120_000,
    );
    const row = (await d.db.query('SELECT status, size FROM inbound_emails')).rows[0];
    const peak = d.desk.memory();
    await d.stop();
    const deltaBytes = peak.hwm - idle.rss;
    const one = {
      accepted: r.ok === 1,
      ticket: done && row?.status === 'ticket_created',
      status: row?.status,
      messageBytes: BIG_BYTES,
      storedBytes: row?.size,
      idleRssMB: L.mb(idle.rss),
      peakHwmMB: L.mb(peak.hwm),
      deltaMB: L.mb(deltaBytes),
      multiple: Math.round((deltaBytes / BIG_BYTES) * 100) / 100,
      acceptMs: r.lastOk - r.startedAt,
    };
    log(
      `big/${variant.name}: peak ${one.peakHwmMB} MB, +${one.deltaMB} MB over idle = ${one.multiple}× the message (${one.status})`,
    );
    run[variant.name] = [one];
  }
  results.runs.big = run;
}

/** bench/link-pass.js of one variant against the link database; resolves with its result. */
function linkPass(variant, options) {
  return new Promise((resolve, reject) => {
    const child = fork(
      path.join(__dirname, 'link-pass.js'),
      [JSON.stringify({ root: variant.root, ...options })],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let answer = null;
    child.on('message', (m) => (answer = m));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (answer?.result) resolve(answer.result);
      else reject(new Error(`link-pass ${variant.name} exited with ${code}: ${answer?.error}`));
    });
  });
}

// 4. link-contacts cost, 1k vs 1M contacts in the contact source, the same work items, each
// variant's compiled linkContacts (and the baseline's in-ingest contact read) one after another
async function linkRun() {
  require('reflect-metadata');
  const dist = (p) => require(path.join(L.ROOT, 'dist', p));
  const { ensureDatabase, runMigrations } = dist('src/db/ensure-database.js');
  const { createDataSource } = dist('src/db/data-source.js');
  const database = `desk_bench_${id}_link`;
  const url = `${L.PG_BASE}/${database}`;
  await L.dropDatabase(database);
  await ensureDatabase(url, 30_000);
  cleanups.push(() => L.dropDatabase(database));
  // the migrations are the same in both trees (84d5900..): the schema is migrated once
  const ds = createDataSource({ url, poolSize: 4, connectTimeoutMs: 30_000 });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();
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
  const options = { database, items, projectId: seed.projectId, warmUp: 200 };
  const measure = async (variant, size) => {
    let p;
    try {
      p = await linkPass(variant, options);
    } catch (err) {
      // the PostgreSQL server is shared: another session can exhaust its lock table for a moment
      log(`link/${variant.name}/${size}: ${err.message.split('\n')[0]}; once more`);
      p = { ...(await linkPass(variant, options)), retriedAfter: err.message.split('\n')[0] };
    }
    const read = p.contextRead
      ? `; in-ingest contact read ${p.contextRead.msPerItem} ms, ${p.contextRead.cpuUsPerItem.link} + ${p.contextRead.cpuUsPerItem['pg:link']} µs CPU`
      : '';
    log(
      `link/${variant.name}/${size}: ${items.length} work items in ${p.totalMs} ms = ${p.msPerItem} ms each, CPU µs each: bench ${p.cpuUsPerItem.link} + PostgreSQL ${p.cpuUsPerItem['pg:link']} ${JSON.stringify(p.outcomes)}${read}`,
    );
    return p;
  };
  const run = { workItems: items.length, addressesPerItem: 3 };
  for (const v of variants) run[v.name] = { k1: await measure(v, '1k') };
  t = Date.now();
  await L.copyContacts(database, seed.groupId, 1000, 1_000_000, contact);
  run.copyMs = Date.now() - t;
  log(`link: COPY 999,000 more contacts in ${run.copyMs} ms`);
  await db.query('ANALYZE contacts');
  for (const v of variants) {
    const m = run[v.name];
    m.m1 = await measure(v, '1M');
    m.ratio = ratio(m.m1.msPerItem, m.k1.msPerItem, 100);
    if (m.k1.contextRead)
      m.contextRatio = ratio(m.m1.contextRead.msPerItem, m.k1.contextRead.msPerItem, 100);
    log(
      `link/${v.name}: 1M/1k = ${m.ratio}${m.contextRatio ? `, in-ingest read ${m.contextRatio}` : ''}`,
    );
  }
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
  };
  fs.writeFileSync(
    path.join(L.RESULTS, 'link-explain.txt'),
    Object.entries(run.explain)
      .map(([k, v]) => `== ${k}\n${v}\n`)
      .join('\n'),
  );
  results.runs.link = run;
}

const ratio = (a, b, scale = 1000) =>
  a == null || b == null || !b ? null : Math.round((a / b) * scale) / scale;
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round1 = (v) => (v == null ? null : Math.round(v * 10) / 10);

/** The values of one metric in each run of a variant, and their mean. */
function metric(phase, variant, pick) {
  const runs = results.runs[phase]?.[variant];
  if (!Array.isArray(runs)) return null;
  const values = runs.map(pick).filter((v) => v != null);
  return values.length ? { values, mean: mean(values) } : null;
}

const shown = (m, unit) => {
  // ratios against a target like 1.3× need their second decimal
  const r = unit === '×' ? (v) => Math.round(v * 100) / 100 : round1;
  if (!m) return '—';
  if (m.values.length === 1) return `${r(m.values[0])}${unit}`;
  return `${m.values.map(r).join(' / ')}${unit} (mean ${r(m.mean)})`;
};

/** metric | baseline | current | current/baseline | target | met? */
function table() {
  const rows = [['metric', 'baseline', 'current', 'current/baseline', 'target', 'met?']];
  const check = (ok) => (ok == null ? '' : ok ? '✓' : '✗');
  const row = (name, phase, pick, unit, target, met) => {
    const b = metric(phase, 'baseline', pick);
    const c = metric(phase, 'current', pick);
    if (!b && !c) return;
    const r = ratio(c?.mean, b?.mean, 100);
    rows.push([
      name,
      shown(b, unit),
      shown(c, unit),
      r == null ? '' : `${r}×`,
      target,
      check(met?.(r, c, b)),
    ]);
  };
  row(
    'accept rate, smtp role (msg/s)',
    'accept',
    (x) => x.msgPerS,
    '',
    'ratio ≥ 0.95×',
    (r) => (r == null ? null : r >= 0.95),
  );
  if (results.runs.accept?.bare)
    rows.push([
      '  bare smtp-server sink, once (msg/s)',
      '',
      `${results.runs.accept.bare.msgPerS}`,
      '',
      '',
      '',
    ]);
  row(
    'end to end, smtp + worker processes (emails/s)',
    'e2e',
    (x) => (x.done ? x.emailsPerS : null),
    '',
    'ratio ≥ 0.6×',
    (r) => (r == null ? null : r >= 0.6),
  );
  row(
    `accept p99 at ${RATE} msg/s, smtp + worker processes (ms)`,
    'latency',
    (x) => x.p99,
    '',
    'current ≤ 25 ms',
    (r, c) => (c ? c.mean <= 25 : null),
  );
  row(`accept p50 at ${RATE} msg/s (ms)`, 'latency', (x) => x.p50, '', '', null);
  if (results.runs.latency?.bare)
    rows.push([
      `  bare sink p50 / p99 at ${RATE} msg/s (ms)`,
      '',
      `${results.runs.latency.bare.p50} / ${results.runs.latency.bare.p99}`,
      '',
      '',
      '',
    ]);
  const link = results.runs.link;
  if (link) {
    const v = (name, pick) =>
      link[name] ? { values: [pick(link[name])], mean: pick(link[name]) } : null;
    const linkRow = (name, pick, unit, target, met) => {
      const b = v('baseline', pick);
      const c = v('current', pick);
      const r = ratio(c?.mean, b?.mean, 100);
      rows.push([
        name,
        shown(b, unit),
        shown(c, unit),
        r == null ? '' : `${r}×`,
        target,
        check(met?.(c)),
      ]);
    };
    linkRow('link-contacts job, 1k contacts (ms/work item)', (x) => x.k1.msPerItem, '', '', null);
    linkRow('link-contacts job, 1M contacts (ms/work item)', (x) => x.m1.msPerItem, '', '', null);
    linkRow(
      'link-contacts job, 1M/1k',
      (x) => x.ratio,
      '×',
      'current ≤ 1.3×',
      (c) => (c ? c.mean <= 1.3 : null),
    );
    if (link.baseline?.contextRatio != null)
      rows.push([
        '  baseline in-ingest contact read, 1k / 1M (ms/ticket)',
        `${link.baseline.k1.contextRead.msPerItem} / ${link.baseline.m1.contextRead.msPerItem} (${link.baseline.contextRatio}×)`,
        'no such read',
        '',
        '',
        '',
      ]);
  }
  const rss = (x) => (x.peakRssMB ? Math.max(x.peakRssMB.smtp, x.peakRssMB.worker) : null);
  row('peak RSS in end to end, larger process (MB)', 'e2e', rss, '', 'current ≤ 300 MB', (r, c) =>
    c ? Math.max(...c.values) <= 300 : null,
  );
  row(
    'one 25 MB message, all-in-one: VmHWM − idle (× size)',
    'big',
    (x) => x.multiple,
    '×',
    'current ≤ 3×',
    (r, c) => (c ? c.mean <= 3 : null),
  );
  const stage = (s) => (x) => x.stageCpuUs[s];
  row(
    'CPU µs/email, accept (smtp process + its PostgreSQL)',
    'stages',
    stage('accept'),
    '',
    '',
    null,
  );
  row(
    'CPU µs/email, ingest (worker + its PostgreSQL, link paused)',
    'stages',
    stage('ingest'),
    '',
    '',
    null,
  );
  row('CPU µs/email, link (worker + its PostgreSQL)', 'stages', stage('link'), '', '', null);
  row(
    'CPU µs/email, all three stages',
    'stages',
    (x) => x.stageCpuUs.accept + x.stageCpuUs.ingest + x.stageCpuUs.link,
    '',
    '',
    null,
  );
  row('  shared: Redis, per email', 'stages', (x) => x.sharedCpuUs.redis, '', '', null);
  row(
    'CPU µs/email in end to end, worker + its PostgreSQL',
    'e2e',
    (x) => x.ingestAndLinkCpuUs,
    '',
    '',
    null,
  );
  const auth = results.runs.auth;
  if (auth) {
    const { unsigned, dkimSigned } = auth.micro;
    rows.push([
      'sender auth CPU µs/email, warm cache: unsigned / DKIM-signed',
      '',
      `${unsigned.cpuUsPerEmail} / ${dkimSigned.cpuUsPerEmail}`,
      '',
      '',
      '',
    ]);
    const mean = (xs, pick) => Math.round(xs.reduce((a, x) => a + pick(x), 0) / xs.length);
    for (const [name, pick] of [
      ['accept rate (msg/s)', (x) => x.acceptMsgPerS],
      ['end to end (emails/s)', (x) => x.emailsPerS],
    ]) {
      const off = mean(auth.e2e.off, pick);
      const on = mean(auth.e2e.dmarc, pick);
      rows.push([
        `policy off → dmarc, ${name}`,
        `${off}`,
        `${on}`,
        `${ratio(on, off, 100)}×`,
        '',
        '',
      ]);
    }
  }
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
  if (BASELINE_REF) variants.push(prepareBaseline(BASELINE_REF));
  variants.push({ name: 'current', root: L.ROOT, commit: describeCommit(L.ROOT) });
  for (const v of variants)
    results.variants[v.name] = { root: v.root, commit: v.commit, ref: v.ref };
  log(
    `bench ${id}: ${ONLY.join(', ')}; ${variants.map((v) => `${v.name} ${v.commit}`).join(' | ')}; ${ROUNDS} round(s)${PROFILE ? ' (with --cpu-prof)' : ''}; machine ${JSON.stringify(results.machine)}`,
  );
  const phases = {
    accept: acceptRun,
    e2e: e2eRun,
    stages: stagesRun,
    latency: latencyRun,
    big: bigRun,
    link: linkRun,
    scale: scaleRun,
    tokens: async () => {
      const current = variants.find((v) => v.name === 'current');
      results.runs.tokens = await tokenGuardRun({ log }, current);
    },
    // sender authentication's cost: this tree only (its step and setting are new)
    auth: async () => {
      const current = variants.find((v) => v.name === 'current');
      const ctx = { freshDesk, closedLoad, drained, acceptRate, log };
      results.runs.auth = await authRun(ctx, current);
    },
  };
  for (const name of ONLY) {
    if (!phases[name]) throw new Error(`unknown phase ${name}`);
    log(
      `— ${name} (load: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')})`,
    );
    await phases[name]();
    await cleanup();
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  results.machine.uptimeAfter = sh('uptime', []);
  results.table = table();
  fs.writeFileSync(path.join(L.RESULTS, 'latest.json'), JSON.stringify(results, null, 2));
  console.log(
    `\n${results.table}\n\n(${results.seconds} s; ${variants.map((v) => `${v.name}: ${v.commit}`).join('; ')}; before: ${results.machine.uptimeBefore}; after: ${results.machine.uptimeAfter}; details in bench/results/latest.json)`,
  );
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
