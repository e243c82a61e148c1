import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PrivatePgBouncer,
  PrivatePostgres,
  PrivateRedis,
  PrivateRedisCluster,
} from './support/private-services';
import {
  downFor,
  expectResumed,
  faultPrefix,
  killAndRestart,
  killedAt,
  runCase,
  type CaseServices,
} from './support/run-case';

/**
 * desk scaled out on what operators run (issue 22): a Redis Cluster of three masters, several
 * processes of each role, PgBouncer in transaction pooling mode. The same
 * checks as the fault suite: every email answered 250 is one ticket, linked; none lost or doubled.
 */
const COUNT = Number(process.env.FAULT_SCALE_EMAILS ?? 1000);
const ROOT = join(__dirname, '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'desk-scale-'));
const pg = new PrivatePostgres();
const cluster = new PrivateRedisCluster();
const redis = new PrivateRedis();
const pgbouncer = new PrivatePgBouncer();

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  await pg.init();
  await cluster.start();
  await redis.start();
  await pgbouncer.start(pg.port);
}, 180_000);

afterAll(async () => {
  await pgbouncer.destroy();
  await redis.stop();
  await cluster.destroy();
  await pg.destroy();
});

const onCluster: CaseServices = {
  databaseUrl: (database) => pg.url(database),
  redisUrl: () => cluster.url(),
  tmp: TMP,
};
const onRedis: CaseServices = { ...onCluster, redisUrl: () => redis.url() };

const migrationRuns = (logFiles: string[]) =>
  logFiles
    .map((f) => readFileSync(f, 'utf8').split('"msg":"database migrated"').length - 1)
    .reduce((a, b) => a + b, 0);

describe('Redis Cluster (redis+cluster:// URL, hash-tagged queue prefix)', () => {
  it('takes mail in over SMTP and links every ticket on a 3-master cluster', async () => {
    await runCase(onCluster, 'cluster', async () => undefined, {
      emails: COUNT,
      layout: { smtp: 'smtp', worker: 'worker' },
    });
  }, 400_000);

  it('loses nothing when the master holding desk’s slot restarts empty', async () => {
    const { logFiles } = await runCase(
      onCluster,
      'clusterloss',
      async () => {
        const port = await cluster.ownerOf(`${faultPrefix(onCluster, 'clusterloss')}:x`);
        await cluster.restartNode(port, 1500);
        console.log(`fault clusterloss: restarted the master on ${port} without its data`);
      },
      { emails: COUNT, layout: { smtp: 'smtp', worker: 'worker' } },
    );
    // the relay saw its marker gone with the master's data and republished from the outbox
    const republished = logFiles
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/republished (\d+) unfinished jobs/g)])
      .map((m) => Number(m[1]));
    expect(Math.max(0, ...republished)).toBeGreaterThan(0);
  }, 400_000);
});

describe('many processes: 2 smtp, 2 worker, 1 api', () => {
  it('loses nothing when one listener and one worker are killed -9 under load', async () => {
    const at = killedAt();
    const layout = {
      smtp1: 'smtp',
      smtp2: 'smtp',
      worker1: 'worker',
      worker2: 'worker',
      api: 'api',
    };
    const { skippedIids, logFiles } = await runCase(
      onRedis,
      'processes',
      async ({ smtp1, worker1 }) => {
        await smtp1!.kill('SIGKILL');
        await killAndRestart(onRedis, 'processes', worker1!, at);
        await smtp1!.start();
      },
      // all five start at once and race for the migrations; info logs say who ran them
      { emails: COUNT, layout, startTogether: true, env: { LOG_LEVEL: 'info' } },
    );
    await expectResumed(onRedis, 'processes', Object.keys(layout), at);
    const migrated = migrationRuns(logFiles);
    console.log(
      `fault processes: iids skipped ${skippedIids}; migrations ran in ${migrated} process`,
    );
    // iids come from a counter row taken in the ticket's transaction (WorkItemIidCounters): a
    // transaction the kill cut short gives its number back
    expect({ skippedIids, migrated }).toEqual({ skippedIids: 0, migrated: 1 });
  }, 400_000);
});

describe('PgBouncer in transaction pooling mode (DATABASE_URL …?pgbouncer=true)', () => {
  const through = { deskDatabaseUrl: (database: string) => pgbouncer.url(database) };

  it('takes mail in over SMTP and links every ticket through PgBouncer', async () => {
    const { skippedIids, logFiles } = await runCase(onRedis, 'bouncer', async () => undefined, {
      emails: COUNT,
      layout: { smtp: 'smtp', worker1: 'worker', worker2: 'worker' },
      startTogether: true,
      env: { LOG_LEVEL: 'info' },
      ...through,
    });
    expect({ skippedIids, migrated: migrationRuns(logFiles) }).toEqual({
      skippedIids: 0,
      migrated: 1,
    });
  }, 400_000);

  it('answers 451 while PostgreSQL behind PgBouncer is stopped and recovers by itself', async () => {
    await runCase(onRedis, 'bouncerpg', () => downFor(pg, 4000), { emails: COUNT, ...through });
  }, 400_000);
});
