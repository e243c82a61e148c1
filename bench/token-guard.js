// The cost of counting unknown tokens per address (the guess limiter): authenticated API
// requests per second through the same API with the limiter (one Redis GET before each token is
// checked) and without it, alternately in this process, against one database. A user's token
// (looked up in PostgreSQL, as scripts use) and ADMIN_TOKEN (no lookup: the limiter's share at
// its largest). Env: BENCH_TOKENS_SECONDS (per run, 5), BENCH_TOKENS_ROUNDS (A/B pairs, 3).
'use strict';
const path = require('node:path');
const IORedis = require('ioredis');
const L = require('./lib');

const SECONDS = Number(process.env.BENCH_TOKENS_SECONDS || 5);
const ROUNDS = Number(process.env.BENCH_TOKENS_ROUNDS || 3);
const CONCURRENCY = 16;
const ADMIN = 'bench-token-guard-admin';

/** Requests per second of a GET over `seconds`, `CONCURRENCY` at a time. */
async function rate(url, token, seconds) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`token-guard: ${res.status}`);
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return Math.round(done / ((Date.now() - started) / 1000));
}

async function tokenGuardRun(ctx, variant) {
  require('reflect-metadata');
  const dist = (p) => require(path.join(variant.root, 'dist', p));
  const { ensureDatabase, runMigrations } = dist('src/db/ensure-database.js');
  const { createDataSource } = dist('src/db/data-source.js');
  const { Store } = dist('src/repositories/store.js');
  const { buildApi } = dist('src/api/api-server.js');
  const { createTokenGuessLimiter } = dist('src/api/token-guess-limiter.js');
  const { sha256Hex } = dist('src/domain/access/api-token.js');
  const { createRootLogger } = dist('src/logger.js');
  const { DeskMetrics } = dist('src/metrics/desk-metrics.js');

  const database = `desk_bench_${process.pid}_tokens`;
  const prefix = `bench-tokens-${process.pid}`;
  await L.dropDatabase(database);
  await ensureDatabase(`${L.PG_BASE}/${database}`, 30_000);
  const ds = createDataSource({ url: `${L.PG_BASE}/${database}`, poolSize: 8 });
  await ds.initialize();
  await runMigrations(ds);
  const redis = new IORedis(L.REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  const logger = createRootLogger('silent');
  const api = async (guarded) => {
    const app = buildApi({
      logger,
      health: { postgres: async () => undefined, redis: async () => undefined },
      store: new Store(ds),
      addressing: { localPart: 'support', domain: 'desk.localhost' },
      adminTokenSha256: sha256Hex(ADMIN),
      guesses: guarded ? createTokenGuessLimiter(redis, prefix, logger) : undefined,
      publish: () => undefined,
      queues: [],
      metrics: new DeskMetrics(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, baseUrl: `http://127.0.0.1:${app.server.address().port}` };
  };
  let user;
  const runs = { userToken: { off: [], on: [] }, adminToken: { off: [], on: [] } };
  try {
    const setup = await api(false);
    const post = (p, body) =>
      fetch(`${setup.baseUrl}/api/v1${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    user = await post('/users', { username: 'bench', name: 'Bench', email: 'b@x.example' });
    const { token } = await post(`/users/${user.id}/tokens`, { name: 'bench' });
    await setup.app.close();
    for (let round = 1; round <= ROUNDS; round++)
      for (const guarded of [false, true]) {
        const { app, baseUrl } = await api(guarded);
        for (const [kind, secret] of [
          ['userToken', token],
          ['adminToken', ADMIN],
        ]) {
          // the user's own tokens: a read any token may make, one small query
          const perS = await rate(`${baseUrl}/api/v1/users/${user.id}/tokens`, secret, SECONDS);
          runs[kind][guarded ? 'on' : 'off'].push(perS);
          ctx.log(`tokens#${round} ${kind} limiter ${guarded ? 'on ' : 'off'}: ${perS} req/s`);
        }
        await app.close();
      }
  } finally {
    redis.disconnect();
    await ds.destroy();
    await L.dropDatabase(database);
    await L.cleanRedisPrefix(prefix);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = Object.fromEntries(
    Object.entries(runs).map(([kind, r]) => [
      kind,
      { ...r, ratio: Number((median(r.on) / median(r.off)).toFixed(3)) },
    ]),
  );
  ctx.log(
    `tokens: limiter on / off, median req/s: user token ${summary.userToken.ratio}×, admin token ${summary.adminToken.ratio}×`,
  );
  return summary;
}

module.exports = { tokenGuardRun };
