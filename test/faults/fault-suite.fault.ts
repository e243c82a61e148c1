import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivatePostgres, PrivateRedis } from './support/private-services';
import {
  downFor,
  expectResumed,
  killAndRestart,
  killedAt,
  runCase,
  type CaseServices,
} from './support/run-case';

/** Breaks desk, PostgreSQL or Redis under load (support/run-case.ts checks the outcome). */
const COUNT = Number(process.env.FAULT_EMAILS ?? 3000);
/** Three desks share the two cores in the scale case: fewer emails keep the suite in budget. */
const SCALE_COUNT = Number(process.env.FAULT_SCALE_EMAILS ?? 1000);
const ROOT = join(__dirname, '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'desk-faults-'));
const pg = new PrivatePostgres();
const redis = new PrivateRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  await pg.init();
  await redis.start();
}, 180_000);

afterAll(async () => {
  await redis.stop();
  await pg.destroy();
});

const services: CaseServices = {
  databaseUrl: (database) => pg.url(database),
  redisUrl: () => redis.url(),
  tmp: TMP,
};

describe('fault suite: nothing answered 250 is lost or becomes two tickets', () => {
  it('survives kill -9 of the desk process midway and a restart', async () => {
    const at = killedAt();
    await runCase(services, 'kill9', ({ desk }) => killAndRestart(services, 'kill9', desk!, at), {
      emails: COUNT,
    });
    await expectResumed(services, 'kill9', ['desk'], at);
  }, 400_000);

  it('survives a Redis restart (it keeps nothing on disk) midway', async () => {
    await runCase(
      services,
      'redis',
      async () => {
        await redis.stop();
        await sleep(1500);
        await redis.start();
      },
      { emails: COUNT },
    );
  }, 400_000);

  it('answers 451 while PostgreSQL is stopped and recovers by itself when it returns', async () => {
    await runCase(services, 'postgres', () => downFor(pg, 4000), { emails: COUNT });
  }, 400_000);

  it('scales by processes: one smtp and two workers lose nothing when a worker is killed -9 and restarted', async () => {
    const at = killedAt();
    const layout = { smtp: 'smtp', worker1: 'worker', worker2: 'worker' };
    await runCase(
      services,
      'scale',
      ({ worker1 }) => killAndRestart(services, 'scale', worker1!, at),
      {
        emails: SCALE_COUNT,
        layout,
      },
    );
    await expectResumed(services, 'scale', Object.keys(layout), at);
  }, 400_000);
});
