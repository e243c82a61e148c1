import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivatePostgres, PrivateRedisCluster } from './support/private-services';
import { faultPrefix, runCase, type CaseServices } from './support/run-case';

/**
 * desk scaled out on what operators run (issue 22): a Redis Cluster of three masters. The same
 * checks as the fault suite: every email answered 250 is one ticket, linked; none lost or doubled.
 */
const COUNT = Number(process.env.FAULT_SCALE_EMAILS ?? 1000);
const ROOT = join(__dirname, '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'desk-scale-'));
const pg = new PrivatePostgres();
const cluster = new PrivateRedisCluster();

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  await pg.init();
  await cluster.start();
}, 180_000);

afterAll(async () => {
  await cluster.destroy();
  await pg.destroy();
});

const onCluster: CaseServices = {
  databaseUrl: (database) => pg.url(database),
  redisUrl: () => cluster.url(),
  tmp: TMP,
};

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
