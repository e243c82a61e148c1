import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db/data-source';
import { queuePrefix } from '../../../src/queue/redis-target';
import { Store } from '../../../src/repositories/store';
import { seedContact, seedGroup, seedProject } from '../../support/seed';
import { waitFor } from '../../support/test-desk';
import { DeskProcess } from './desk-process';
import { runLoad, type LoadResult } from './load';
import { activeJobs, resumedJobs, resumeReports } from './stalled-jobs';
import { freePort } from './private-services';

export type Window = { noAcceptFrom: number; noAcceptUntil: number };

/** Process name → DESK_ROLES; each one with smtp listens on its own port and gets its share of the load. */
export type Layout = Record<string, string>;

export interface CaseServices {
  /** The database the checks read (directly, never through a pooler). */
  databaseUrl: (database: string) => string;
  redisUrl: () => string;
  tmp: string;
}

export interface CaseOptions {
  emails: number;
  layout?: Layout;
  /** What the desks connect to, when not databaseUrl (PgBouncer). */
  deskDatabaseUrl?: (database: string) => string;
  /** Extra variables for every desk. */
  env?: Record<string, string>;
  /** All desks start at once (they race for the migrations) instead of one after another. */
  startTogether?: boolean;
}

export interface CaseResult {
  skippedIids: number;
  logFiles: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function faultPrefix(services: CaseServices, name: string): string {
  return queuePrefix(services.redisUrl(), `fault-${name}`);
}

/**
 * Breaks things while separate processes send mail, then checks the database: every email
 * answered 250 has one terminal outcome and one ticket, linked to its sender's contact; nothing
 * is lost or duplicated.
 */
export async function runCase(
  services: CaseServices,
  name: string,
  inject: (desks: Record<string, DeskProcess>) => Promise<Window | void>,
  {
    emails,
    layout = { desk: 'smtp,worker' },
    deskDatabaseUrl,
    env = {},
    startTogether,
  }: CaseOptions,
): Promise<CaseResult> {
  const database = `desk_fault_${name}`;
  const desks: Record<string, DeskProcess> = {};
  const ports: number[] = [];
  for (const [proc, roles] of Object.entries(layout)) {
    const listens = roles.split(',').includes('smtp');
    const port = listens ? await freePort() : 0;
    if (listens) ports.push(port);
    desks[proc] = new DeskProcess(
      {
        DATABASE_URL: (deskDatabaseUrl ?? services.databaseUrl)(database),
        REDIS_URL: services.redisUrl(),
        DESK_ROLES: roles,
        API_PORT: roles.split(',').includes('api') ? String(await freePort()) : '0',
        QUEUE_PREFIX: `fault-${name}`,
        // a worker alone shows it is up by logging 'desk started'
        LOG_LEVEL: listens ? 'warn' : 'info',
        ...(listens
          ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_MAX_CLIENTS_PER_IP: '200' }
          : {}),
        ...env,
      },
      join(services.tmp, `${name}-${proc}.log`),
    );
  }
  let dataSource: DataSource | null = null;
  try {
    if (startTogether) await Promise.all(Object.values(desks).map((d) => d.start()));
    // one after another: the first creates and migrates the database
    else for (const desk of Object.values(desks)) await desk.start();
    dataSource = createDataSource({
      url: services.databaseUrl(database),
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
    const share = Math.ceil(emails / ports.length);
    const loads = ports.map((port, i) =>
      runLoad({
        port,
        to: address,
        first: i * share,
        count: Math.min(share, emails - i * share),
        concurrency: Math.ceil(8 / ports.length),
        seconds: 150,
        out: join(services.tmp, `${name}-${i}.json`),
        run: name,
        largeEvery: 40,
      }),
    );
    await waitFor(
      'a third of the mail to be stored',
      async () => (await count('SELECT count(*) AS n FROM inbound_emails')) >= emails / 3,
      60_000,
    );
    const window = await inject(desks);
    const results = await Promise.all(loads);
    const result: LoadResult = {
      sent: results.reduce((n, r) => n + r.sent, 0),
      accepted: results.flatMap((r) => r.accepted),
      okTimes: results.flatMap((r) => r.okTimes),
      replies: {
        ok: results.reduce((n, r) => n + r.replies.ok, 0),
        temp: results.reduce((n, r) => n + r.replies.temp, 0),
        perm: results.reduce((n, r) => n + r.replies.perm, 0),
        dropped: results.reduce((n, r) => n + r.replies.dropped, 0),
      },
    };
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
      `fault ${name}: sent ${result.sent} to ${ports.length} listener(s), 250s ${result.replies.ok}, 4xx ${result.replies.temp}, ` +
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
      skippedIids,
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
      skippedIids: 0,
    });
    return {
      skippedIids,
      logFiles: Object.keys(desks).map((proc) => join(services.tmp, `${name}-${proc}.log`)),
    };
  } catch (err) {
    for (const [proc, desk] of Object.entries(desks))
      console.log(`desk log of ${name} (${proc}):\n${desk.tail(40)}`);
    throw err;
  } finally {
    for (const desk of Object.values(desks)) await desk.kill('SIGTERM');
    await dataSource?.destroy().catch(() => undefined);
  }
}

/**
 * Stops a server for `ms` and starts it again; the window is when no DATA may be answered 250
 * (from when it is gone until it is started again).
 */
export async function downFor(
  server: { stop(): Promise<void>; start(): Promise<void> },
  ms: number,
): Promise<Window> {
  const down = { noAcceptFrom: 0, noAcceptUntil: 0 };
  try {
    await server.stop();
    down.noAcceptFrom = Date.now();
    await sleep(ms);
    down.noAcceptUntil = Date.now();
  } finally {
    await server.start();
  }
  return down;
}

export interface Killed {
  kill: number;
  restart: number;
  orphans: Set<string>;
}

export const killedAt = (): Killed => ({ kill: 0, restart: 0, orphans: new Set() });

/** Kills a worker-running desk with -9 and restarts it; keeps what the resume check needs. */
export async function killAndRestart(
  services: CaseServices,
  name: string,
  desk: DeskProcess,
  at: Killed,
) {
  at.kill = Date.now();
  await desk.kill('SIGKILL');
  // the dead desk's jobs stay active until their locks lapse; other workers' finish by themselves
  at.orphans = await activeJobs(services.redisUrl(), faultPrefix(services, name));
  await sleep(500);
  await desk.start();
  at.restart = Date.now();
}

/** The jobs the killed desk held ran again, to the end, within 10 s of its restart, and were logged. */
export async function expectResumed(
  services: CaseServices,
  name: string,
  procs: string[],
  at: Killed,
) {
  const resumed = await resumedJobs(services.redisUrl(), faultPrefix(services, name));
  const fromKill = resumed.filter((j) => at.orphans.has(`${j.queue}/${j.id}`));
  const done = fromKill.map((j) => j.finishedAt ?? Infinity);
  const reports = procs.map((proc) => ({
    proc,
    lines: resumeReports(join(services.tmp, `${name}-${proc}.log`)),
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
