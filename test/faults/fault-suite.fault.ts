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
import { activeJobs, resumedJobs, resumeReports } from './support/stalled-jobs';
import { freePort, PrivatePostgres, PrivateRedis } from './support/private-services';

/**
 * Breaks things while a separate process sends mail, then checks the database: every email
 * answered 250 has one terminal outcome and one ticket, linked to its sender's contact; nothing
 * is lost or duplicated.
 */
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

type Window = { noAcceptFrom: number; noAcceptUntil: number };

/** Process name → DESK_ROLES; the one with smtp gets the port the load is sent to. */
type Layout = Record<string, string>;

async function runCase(
  name: string,
  inject: (desks: Record<string, DeskProcess>) => Promise<Window | void>,
  { emails = COUNT, layout = { desk: 'smtp,worker' } as Layout } = {},
) {
  const port = await freePort();
  const desks: Record<string, DeskProcess> = {};
  for (const [proc, roles] of Object.entries(layout)) {
    const listens = roles.split(',').includes('smtp');
    desks[proc] = new DeskProcess(
      {
        DATABASE_URL: pg.url(`desk_fault_${name}`),
        REDIS_URL: redis.url(),
        DESK_ROLES: roles,
        API_PORT: '0',
        QUEUE_PREFIX: `fault-${name}`,
        // a worker alone shows it is up by logging 'desk started'
        LOG_LEVEL: listens ? 'warn' : 'info',
        ...(listens
          ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_MAX_CLIENTS_PER_IP: '200' }
          : {}),
      },
      join(TMP, `${name}-${proc}.log`),
    );
  }
  let dataSource: DataSource | null = null;
  try {
    // one after another: the first creates and migrates the database
    for (const desk of Object.values(desks)) await desk.start();
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

    const loadStarted = Date.now();
    const load = runLoad({
      port,
      to: address,
      count: emails,
      concurrency: 8,
      seconds: 150,
      out: join(TMP, `${name}.json`),
      run: name,
      largeEvery: 40,
    });
    await waitFor(
      'a third of the mail to be stored',
      async () => (await count('SELECT count(*) AS n FROM inbound_emails')) >= emails / 3,
      60_000,
    );
    const window = await inject(desks);
    const result = await load;
    const loadEnded = Date.now();
    await waitFor(
      'every stored email to reach its outcome and every job to finish',
      async () =>
        (await count(`SELECT count(*) AS n FROM inbound_emails WHERE status = 'received'`)) === 0 &&
        (await count('SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL')) === 0,
      150_000,
    );
    const seconds = (from: number, to = Date.now()) => ((to - from) / 1000).toFixed(1);
    const timing = `load ${seconds(loadStarted, loadEnded)} s, then ${seconds(loadEnded)} s until done`;

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
    const participants = await count('SELECT count(*) AS n FROM email_participants');
    const unlinked = await count(
      'SELECT count(*) AS n FROM email_participants WHERE link_outcome IS NULL',
    );
    const withoutParticipants = await count(
      `SELECT count(*) AS n FROM work_items w
        WHERE NOT EXISTS (SELECT 1 FROM email_participants p WHERE p.work_item_id = w.id)`,
    );
    // the sender of every even-numbered email is an active contact (seeded above)
    const missingLinks = await count(
      `SELECT count(*) AS n FROM work_items w JOIN contacts c ON lower(c.email) = lower(w.author_email)
        WHERE NOT EXISTS (SELECT 1 FROM work_item_contacts l
                           WHERE l.work_item_id = w.id AND l.contact_id = c.id)`,
    );
    const links = await count('SELECT count(*) AS n FROM work_item_contacts');
    const repeatedIids = await count(
      `SELECT count(*) AS n FROM (SELECT project_id, iid FROM work_items
                                   GROUP BY project_id, iid HAVING count(*) > 1) r`,
    );
    const skippedIids = await count(
      'SELECT coalesce(sum(m - n), 0) AS n FROM (SELECT max(iid) AS m, count(*) AS n FROM work_items GROUP BY project_id) p',
    );
    console.log(
      `fault ${name}: sent ${result.sent}, 250s ${result.replies.ok}, 4xx ${result.replies.temp}, ` +
        `dropped connections ${result.replies.dropped}, tickets ${ticketCount}, lost ${lost}, duplicated ${duplicated}, ` +
        `participants ${participants} (${unlinked} without outcome), contact links ${links}, ` +
        `iids repeated ${repeatedIids}, skipped ${skippedIids}; ${timing}`,
    );
    if (window) expect(result.replies.temp).toBeGreaterThan(0); // 451s were given while it was down
    expect({
      accepted: result.accepted.length,
      lost,
      duplicated,
      halfStored,
      acceptedInWindow,
      tickets: ticketCount,
      unlinked,
      withoutParticipants,
      missingLinks,
      links,
      repeatedIids,
    }).toEqual({
      accepted: emails,
      lost: 0,
      duplicated: 0,
      halfStored: 0,
      acceptedInWindow: 0,
      tickets: emails,
      unlinked: 0,
      withoutParticipants: 0,
      missingLinks: 0,
      links: Math.ceil(emails / 2),
      repeatedIids: 0,
    });
  } catch (err) {
    for (const [proc, desk] of Object.entries(desks))
      console.log(`desk log of ${name} (${proc}):\n${desk.tail(40)}`);
    throw err;
  } finally {
    for (const desk of Object.values(desks)) await desk.kill('SIGTERM');
    await dataSource?.destroy().catch(() => undefined);
  }
}

interface Killed {
  kill: number;
  restart: number;
  orphans: Set<string>;
}

/** Kills a worker-running desk with -9 and restarts it; keeps what the resume check needs. */
async function killAndRestart(name: string, desk: DeskProcess, at: Killed) {
  at.kill = Date.now();
  await desk.kill('SIGKILL');
  // the dead desk's jobs stay active until their locks lapse; other workers' finish by themselves
  at.orphans = await activeJobs(redis.url(), `fault-${name}`);
  await sleep(500);
  await desk.start();
  at.restart = Date.now();
}

/** The jobs the killed desk held ran again, to the end, within 10 s of its restart, and were logged. */
async function expectResumed(name: string, procs: string[], at: Killed) {
  const resumed = await resumedJobs(redis.url(), `fault-${name}`);
  const fromKill = resumed.filter((j) => at.orphans.has(`${j.queue}/${j.id}`));
  const done = fromKill.map((j) => j.finishedAt ?? Infinity);
  const reports = procs.map((proc) => ({
    proc,
    lines: resumeReports(join(TMP, `${name}-${proc}.log`)),
  }));
  const reported = reports.flatMap((r) => r.lines).reduce((a, b) => a + b, 0);
  const after = (t: number, from: number) => `${((t - from) / 1000).toFixed(1)} s`;
  console.log(
    `fault ${name}: ${fromKill.length} jobs left active by the killed desk resumed ` +
      `(${resumed.length - fromKill.length} other stalls); restart ${after(at.restart, at.kill)} after the kill; ` +
      `first resumed job done ${after(Math.min(...done), at.kill)} after the kill ` +
      `(${after(Math.min(...done), at.restart)} after the restart), last ${after(Math.max(...done), at.kill)} ` +
      `after the kill; logged: ${reports.map((r) => `${r.proc} [${r.lines.join(', ')}]`).join(', ')}`,
  );
  expect(fromKill.length).toBeGreaterThan(0);
  // every stall BullMQ counted is in a "resumed N jobs" line, and no more
  expect(reported).toBe(resumed.reduce((a, j) => a + j.stalled, 0));
  expect(fromKill.filter((j) => j.finishedAt === null)).toEqual([]);
  expect(Math.max(...fromKill.map((j) => j.startedAt)) - at.restart).toBeLessThanOrEqual(10_000);
}

describe('fault suite: nothing answered 250 is lost or becomes two tickets', () => {
  it('survives kill -9 of the desk process midway and a restart', async () => {
    const at: Killed = { kill: 0, restart: 0, orphans: new Set() };
    await runCase('kill9', ({ desk }) => killAndRestart('kill9', desk!, at));
    await expectResumed('kill9', ['desk'], at);
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

  it('scales by processes: one smtp and two workers lose nothing when a worker is killed -9 and restarted', async () => {
    const at: Killed = { kill: 0, restart: 0, orphans: new Set() };
    const layout = { smtp: 'smtp', worker1: 'worker', worker2: 'worker' };
    await runCase('scale', ({ worker1 }) => killAndRestart('scale', worker1!, at), {
      emails: SCALE_COUNT,
      layout,
    });
    await expectResumed('scale', Object.keys(layout), at);
  }, 400_000);
});
