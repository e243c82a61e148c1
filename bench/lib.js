// Shared helpers of the benchmark: ports, processes, /proc memory, PostgreSQL seeding, Redis cleanup.
// Loopback only; every wait is bounded.
'use strict';
const { spawn, fork } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');
const { greets } = require('../test/support/smtp-session');

const ROOT = path.join(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const PG_BASE = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** VmRSS / VmHWM of a process in bytes (null when it is gone). */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) =>
      Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) || [])[1]) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

const TICKS_PER_S = 100;

const readProc = (pid, file) => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
};
/** utime + stime of a /proc/<pid>/stat line, in seconds; and its parent pid. */
const statOf = (stat) => {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { seconds: (Number(f[11]) + Number(f[12])) / TICKS_PER_S, ppid: Number(f[1]) };
};

/** Local TCP ports of the sockets each process holds: port → name. */
function socketOwners(pids) {
  const inodes = new Map();
  for (const [name, pid] of Object.entries(pids)) {
    let fds = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.set(m[1], name);
    }
  }
  const ports = new Map();
  for (const table of ['tcp', 'tcp6']) {
    const text = readProc('self', `net/${table}`) ?? '';
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      ports.set(parseInt(f[1].split(':')[1], 16), inodes.get(f[9]));
    }
  }
  return ports;
}

/**
 * CPU seconds (user + system, all threads) from /proc of each process in `pids` ({ name: pid },
 * or one pid, named "listener"), and of the redis-server serving REDIS_URL (shared with anyone
 * else using it). With `database`, PostgreSQL is counted per client instead of in all: the
 * backends of that database are attributed to the process in `pids` that holds the other end of
 * their socket ("pg:<name>", the rest "pg:other"; their title shows the client's port), and the
 * server's own background processes (checkpointer, WAL writer, …: the parent of those backends)
 * as "pgShared". Without it, all PostgreSQL processes of the machine count as "postgres".
 * One entry per process: { pid, key, seconds }.
 */
function cpuProcesses(pids, database) {
  if (typeof pids === 'number') pids = { listener: pids };
  const byPid = new Map(Object.entries(pids).map(([name, pid]) => [pid, name]));
  const redisPort = `:${new URL(REDIS_URL).port || 6379}`;
  const out = [];
  const pg = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, 'stat');
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const { seconds, ppid } = statOf(stat);
    const own = byPid.get(Number(entry));
    if (own) out.push({ pid: entry, key: own, seconds });
    if (comm.startsWith('redis-server') && (readProc(entry, 'cmdline') ?? '').includes(redisPort))
      out.push({ pid: entry, key: 'redis-server', seconds });
    if (comm.startsWith('postgres')) {
      if (!database) out.push({ pid: entry, key: 'postgres', seconds });
      else pg.push({ pid: entry, seconds, ppid });
    }
  }
  if (database) {
    const ports = socketOwners(pids);
    const postmasters = new Set();
    const rest = [];
    for (const p of pg) {
      const title = (readProc(p.pid, 'cmdline') ?? '').replace(/\0/g, ' ');
      if (!title.includes(` ${database} `)) {
        rest.push({ ...p, backend: /\(\d+\)|\[local\]/.test(title) });
        continue;
      }
      postmasters.add(p.ppid);
      const port = Number((/\((\d+)\)/.exec(title) || [])[1]);
      out.push({ pid: p.pid, key: `pg:${ports.get(port) ?? 'other'}`, seconds: p.seconds });
    }
    for (const p of rest)
      if (!p.backend && postmasters.has(p.ppid))
        out.push({ pid: p.pid, key: 'pgShared', seconds: p.seconds });
  }
  return out;
}

const sumByKey = (entries, keys) => {
  const snap = { at: process.hrtime.bigint() };
  for (const k of keys) snap[k] = 0;
  for (const e of entries) snap[e.key] = (snap[e.key] ?? 0) + e.seconds;
  return snap;
};

/** Totals of cpuProcesses by part, at one moment (a process gone since is not counted). */
function cpuSnapshot(pids, database) {
  const names = typeof pids === 'number' ? ['listener'] : Object.keys(pids);
  return sumByKey(cpuProcesses(pids, database), [
    ...names,
    'redis-server',
    ...(database ? [] : ['postgres']),
  ]);
}

/**
 * cpuSnapshot that remembers every process it has seen, sampled every `everyMs`: a PostgreSQL
 * backend whose connection the pool closed (idle) keeps the CPU it had used, instead of dropping
 * out of the total between two snapshots. `snapshot()` samples once more and sums.
 */
function cpuMeter(pids, database, everyMs = 250) {
  const seen = new Map();
  const sample = () => {
    for (const e of cpuProcesses(pids, database)) seen.set(`${e.pid}:${e.key}`, e);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  const names = Object.keys(pids);
  return {
    snapshot() {
      sample();
      return sumByKey(seen.values(), [...names, 'redis-server']);
    },
    stop: () => clearInterval(timer),
  };
}

/** µs of CPU per message of each part between two snapshots (the generator reports its own). */
function cpuPerMessage(before, after, messages, generatorCpuUs) {
  const per = (s) => Math.round((s * 1e6) / messages);
  const out = {};
  for (const k of Object.keys(after)) if (k !== 'at') out[k] = per(after[k] - (before[k] ?? 0));
  if (generatorCpuUs != null) out.generator = Math.round(generatorCpuUs / messages);
  const seconds = Number(after.at - before.at) / 1e9;
  const total = Object.values(out).reduce((a, v) => a + v, 0);
  // cores kept busy by these parts together (the machine has os.cpus().length)
  out.busyCores = Math.round(((total * messages) / 1e6 / seconds) * 100) / 100;
  return out;
}

/**
 * A child node process; resolves once its SMTP server greets on `port`, or (no port) once its log
 * says `readyText` (30 s bound). `cwd` is the tree it runs from (the baseline's, for one).
 */
async function startListener(name, args, env, port, { cwd = ROOT, readyText } = {}) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const logFile = path.join(RESULTS, `${name}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd,
    // PGOPTIONS lets a profiling run set server options for desk's sessions only
    env: { PATH: process.env.PATH || '', PGOPTIONS: process.env.PGOPTIONS || '', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const tail = () => fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
  const ready = () => (port ? greets(port) : fs.readFileSync(logFile, 'utf8').includes(readyText));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${tail()}`);
    if (await ready()) break;
    await sleep(100);
  }
  if (!(await ready())) {
    child.kill('SIGKILL');
    throw new Error(
      `${name} did not ${port ? `listen on ${port}` : `log ${readyText}`}:\n${tail()}`,
    );
  }
  return {
    pid: child.pid,
    child,
    logFile,
    memory: () => memoryOf(child.pid),
    /** SIGTERM (desk closes cleanly, which also writes --cpu-prof), SIGKILL after 30 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * desk as operators run it: node dist/bin/desk.js of `root` (this tree, or the baseline's),
 * configured by environment. A desk without the smtp role is ready when it logs "desk started".
 */
async function startDesk(name, env, { cpuProfDir, countCalls, root = ROOT } = {}) {
  const smtp = (env.DESK_ROLES ?? 'smtp').split(',').includes('smtp');
  const port = await freePort();
  const args = [];
  if (countCalls) {
    args.push('-r', path.join(__dirname, 'count-calls.js'));
    for (const f of fs.readdirSync(RESULTS))
      if (f.startsWith(`calls-${name}.json`)) fs.rmSync(path.join(RESULTS, f));
    env = { ...env, COUNT_CALLS_OUT: path.join(RESULTS, `calls-${name}.json`) };
  }
  if (cpuProfDir) {
    // one directory per run: node writes one profile per thread into it
    const dir = path.join(cpuProfDir, name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  // e.g. BENCH_DESK_NODE_ARGS='--trace-gc -r ./bench/memory-trace.js' to see where memory goes
  if (process.env.BENCH_DESK_NODE_ARGS) args.push(...process.env.BENCH_DESK_NODE_ARGS.split(/\s+/));
  args.push(path.join(root, 'dist', 'bin', 'desk.js'));
  const desk = await startListener(
    name,
    args,
    {
      REDIS_URL,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      API_PORT: '0',
      SMTP_MAX_CLIENTS_PER_IP: '100',
      ...env,
      // e.g. BENCH_DESK_ENV='WORKER_CONCURRENCY=4 JOB_ATTEMPTS=3' to compare settings
      ...Object.fromEntries(
        (process.env.BENCH_DESK_ENV || '')
          .split(/\s+/)
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      ),
    },
    smtp ? port : null,
    { cwd: root, readyText: '"desk started"' },
  );
  return { ...desk, port: smtp ? port : null };
}

async function pgClient(database) {
  const client = new Client({ connectionString: `${PG_BASE}/${database}` });
  await client.connect();
  return client;
}

async function dropDatabase(database) {
  const admin = await pgClient('postgres');
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A group with CRM on (the default), a Service Desk project in it, and its support address. */
async function seedProject(client, name) {
  const g = await client.query(
    `INSERT INTO groups (name, path, parent_id, traversal_ids) VALUES ($1, $1, NULL, '{}') RETURNING id`,
    [name],
  );
  const groupId = g.rows[0].id;
  await client.query('UPDATE groups SET traversal_ids = ARRAY[id] WHERE id = $1', [groupId]);
  const key = randomBytes(8).toString('hex');
  const p = await client.query(
    `INSERT INTO projects (group_id, name, path, service_desk_key) VALUES ($1, 'helpdesk', 'helpdesk', $2) RETURNING id`,
    [groupId, key],
  );
  return { groupId, projectId: p.rows[0].id, address: `support+${key}@desk.localhost` };
}

/**
 * Bulk-loads contacts with COPY … FROM STDIN (psql streams our CSV to the server).
 * `rows(i)` gives [first, last, email, state] for i in [from, to).
 */
function copyContacts(database, groupId, from, to, rows) {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      [
        `${PG_BASE}/${database}`,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        'COPY contacts (group_id, first_name, last_name, email, state) FROM STDIN WITH (FORMAT csv)',
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    psql.stderr.on('data', (d) => (err += d));
    psql.on('error', reject);
    psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY: ${err}`))));
    let i = from;
    const CHUNK = 5000;
    const pump = () => {
      while (i < to) {
        let text = '';
        const end = Math.min(to, i + CHUNK);
        for (; i < end; i++) {
          const [first, last, email, state] = rows(i);
          text += `${groupId},${first},${last},${email},${state}\n`;
        }
        if (!psql.stdin.write(text)) return psql.stdin.once('drain', pump);
      }
      psql.stdin.end();
    };
    pump();
  });
}

/** Removes this run's BullMQ keys (prefix only; never anything else), bounded. */
async function cleanRedisPrefix(prefix) {
  const IORedis = require('ioredis');
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}

/** Runs bench/load-generator.js in its own process; `onProgress` gets its 1 s reports. */
function runLoad(options, onProgress) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load-generator.js'), [JSON.stringify(options)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result = null;
    child.on('message', (m) => {
      if (m.type === 'progress' && onProgress) onProgress(m);
      if (m.type === 'done') result = m;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`load generator exited with ${code}`)),
    );
  });
}

async function waitFor(what, check, timeoutMs, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;

module.exports = {
  cpuSnapshot,
  cpuMeter,
  cpuPerMessage,
  ROOT,
  RESULTS,
  PG_BASE,
  REDIS_URL,
  sleep,
  freePort,
  memoryOf,
  startListener,
  startDesk,
  pgClient,
  dropDatabase,
  seedProject,
  copyContacts,
  cleanRedisPrefix,
  runLoad,
  waitFor,
  percentile,
  mb,
};
