import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { Store } from '../../src/repositories/store';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { waitFor } from '../support/test-desk';
import { DeskProcess } from './support/desk-process';
import { runLoad } from './support/load';
import { freePort, PrivatePostgres, PrivateRedis } from './support/private-services';

/**
 * Breaks things while a separate process sends mail, then checks the database: every email
 * answered 250 has one terminal outcome and one ticket; nothing is lost or duplicated.
 */
const COUNT = Number(process.env.FAULT_EMAILS ?? 3000);
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

async function runCase(
  name: string,
  inject: (desk: DeskProcess) => Promise<{ noAcceptFrom: number; noAcceptUntil: number } | void>,
) {
  const port = await freePort();
  const desk = new DeskProcess(
    {
      DATABASE_URL: pg.url(`desk_fault_${name}`),
      REDIS_URL: redis.url(),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      DESK_ROLES: 'smtp,worker',
      QUEUE_PREFIX: `fault-${name}`,
      LOG_LEVEL: 'warn',
      JOB_BACKOFF_MS: '200',
      SMTP_MAX_CLIENTS_PER_IP: '200',
    },
    join(TMP, `${name}.log`),
  );
  let dataSource: DataSource | null = null;
  try {
    await desk.start();
    dataSource = createDataSource({
      url: pg.url(`desk_fault_${name}`),
      poolSize: 2,
      connectTimeoutMs: 2000,
    });
    await dataSource.initialize();
    const store = new Store(dataSource);
    const group = await seedGroup(store, name);
    const { address } = await seedProject(store, group.id);
    for (let i = 0; i < 50; i += 2) await seedContact(store, group.id, `customer${i}@load.example`);
    const ds = dataSource;
    const count = async (sql: string) => Number((await ds.query(sql))[0].n);

    const load = runLoad({
      port,
      to: address,
      count: COUNT,
      concurrency: 8,
      seconds: 150,
      out: join(TMP, `${name}.json`),
      run: name,
      largeEvery: 40,
    });
    await waitFor(
      'a third of the mail to be stored',
      async () => (await count('SELECT count(*) AS n FROM inbound_emails')) >= COUNT / 3,
      60_000,
    );
    const window = await inject(desk);
    const result = await load;
    await waitFor(
      'every stored email to reach its outcome and every job to finish',
      async () =>
        (await count(`SELECT count(*) AS n FROM inbound_emails WHERE status = 'received'`)) === 0 &&
        (await count('SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL')) === 0,
      150_000,
    );

    const perMessage: { message_id: string; tickets: number }[] = await ds.query(
      `SELECT message_id, count(DISTINCT work_item_id)::int AS tickets FROM inbound_emails GROUP BY message_id`,
    );
    const tickets = new Map(perMessage.map((r) => [r.message_id, r.tickets]));
    const lost = result.accepted.filter(
      (i) => (tickets.get(`<${name}.${i}@load.example>`) ?? 0) === 0,
    ).length;
    const duplicated = perMessage.filter((r) => r.tickets > 1).length;
    const ticketCount = await count('SELECT count(*) AS n FROM work_items');
    const halfStored = await count(
      `SELECT count(*) AS n FROM inbound_emails e
        WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.payload->>'inboundEmailId' = e.id::text)`,
    );
    const acceptedInWindow = window
      ? result.okTimes.filter((t) => t > window.noAcceptFrom + 250 && t < window.noAcceptUntil)
          .length
      : 0;
    console.log(
      `fault ${name}: sent ${result.sent}, 250s ${result.replies.ok}, 4xx ${result.replies.temp}, ` +
        `dropped connections ${result.replies.dropped}, tickets ${ticketCount}, lost ${lost}, duplicated ${duplicated}`,
    );
    if (window) expect(result.replies.temp).toBeGreaterThan(0); // 451s were given while it was down
    expect({
      accepted: result.accepted.length,
      lost,
      duplicated,
      halfStored,
      acceptedInWindow,
      tickets: ticketCount,
    }).toEqual({
      accepted: COUNT,
      lost: 0,
      duplicated: 0,
      halfStored: 0,
      acceptedInWindow: 0,
      tickets: COUNT,
    });
  } catch (err) {
    console.log(`desk log of ${name}:\n${desk.tail(40)}`);
    throw err;
  } finally {
    await desk.kill('SIGTERM');
    await dataSource?.destroy().catch(() => undefined);
  }
}

describe('fault suite: nothing answered 250 is lost or becomes two tickets', () => {
  it('survives kill -9 of the desk process midway and a restart', async () => {
    await runCase('kill9', async (desk) => {
      await desk.kill('SIGKILL');
      await sleep(500);
      await desk.start();
    });
  }, 400_000);

  it('survives a Redis restart (it keeps nothing on disk) midway', async () => {
    await runCase('redis', async () => {
      await redis.stop();
      await sleep(1500);
      await redis.start();
    });
  }, 400_000);

  it('answers 451 while PostgreSQL is stopped and recovers by itself when it returns', async () => {
    await runCase('postgres', async () => {
      const down = { noAcceptFrom: 0, noAcceptUntil: 0 };
      try {
        await pg.stop();
        // from when the server is gone until we start it again, no DATA may be answered 250
        down.noAcceptFrom = Date.now();
        await sleep(4000);
        down.noAcceptUntil = Date.now();
      } finally {
        await pg.start();
      }
      return down;
    });
  }, 400_000);
});
