import { startDesk, type RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { createRootLogger } from '../../src/logger';
import { captureLogs } from '../support/log-capture';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { REDIS_URL } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { clearQueuePrefix, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let address: string;
let projectId: number;
const logs = captureLogs();

/** desk reaches PostgreSQL and Redis only through proxies the tests cut and restore. */
beforeAll(async () => {
  db = await createTestDb();
  pgProxy = new TcpProxy(Number(new URL(db.url).port || 5432));
  redisProxy = new TcpProxy(Number(new URL(REDIS_URL).port || 6379));
  const pgUrl = new URL(db.url);
  pgUrl.port = String(await pgProxy.start());
  const redisUrl = new URL(REDIS_URL);
  redisUrl.port = String(await redisProxy.start());
  config = testConfig(pgUrl.toString(), { REDIS_URL: redisUrl.toString(), LOG_LEVEL: 'info' });
  desk = await startDesk(config, createRootLogger('info', logs.stream), {
    dbConnectTimeoutMs: 1000,
    jobBackoffMs: 100,
    recipientCacheMs: 0,
    relay: { sweepIntervalMs: 200 },
  });
  const group = await seedGroup(db.store, 'acme');
  const seeded = await seedProject(db.store, group.id);
  ({ address } = seeded);
  projectId = seeded.project.id;
  await seedContact(db.store, group.id, 'alice@customer.example');
  await seedContact(db.store, group.id, 'carol@customer.example', 'inactive');
});

afterAll(async () => {
  await pgProxy.restore().catch(() => undefined);
  await redisProxy.restore().catch(() => undefined);
  await desk?.close();
  await pgProxy.cut();
  await redisProxy.cut();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const queuedId = (text: string | undefined) => /queued as (\d+)$/.exec(text ?? '')?.[1] ?? '';
const linesAbout = (id: string) =>
  logs
    .lines()
    .filter((l) => l.level >= 30 && l.inboundEmailId === id && l.msg.startsWith('inbound'));
const warnings = (pattern: RegExp) =>
  logs.lines().filter((l) => l.level === 40 && pattern.test(l.msg));

async function send(subject: string, headers: string[] = []) {
  const replies = await sendMail(
    desk.smtpPort!,
    { from: 'alice@customer.example', to: [address] },
    [
      'From: alice@customer.example',
      `To: ${address}`,
      ...headers,
      `Subject: ${subject}`,
      '',
      'hello',
    ].join('\r\n'),
  );
  return replies;
}

describe('logs an operator can follow', () => {
  it('writes ISO times and one outcome line per email, with its project, status and linked counts', async () => {
    const ticket = queuedId(
      (await send('printer broken', ['Cc: carol@customer.example, nobody@else.example'])).data
        ?.text,
    );
    const ignored = queuedId(
      (await send('Out of office', ['Auto-Submitted: auto-replied'])).data?.text,
    );
    await waitFor('both outcome lines', async () =>
      linesAbout(ticket).length > 0 && linesAbout(ignored).length > 0 ? true : null,
    );
    // a late second line would show up here
    await new Promise((r) => setTimeout(r, 300));

    expect(linesAbout(ticket)).toHaveLength(1);
    expect(linesAbout(ticket)[0]).toMatchObject({
      projectId,
      status: 'ticket_created',
      linked: 1,
      notLinked: 2,
      outcomes: { inactive: 1, unknown: 1 },
      msg: expect.stringMatching(
        /^inbound email \d+ ticket_created \(project \d+, work item \d+\); 1 of 3 address\(es\) linked \(not linked: /,
      ),
    });
    expect(linesAbout(ignored)).toHaveLength(1);
    expect(linesAbout(ignored)[0]).toMatchObject({
      projectId,
      status: 'ignored',
      msg: expect.stringMatching(/^inbound email \d+ ignored \(project \d+\): auto-reply/),
    });
    expect(logs.lines()[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('says once that PostgreSQL went away and once that it is back, not once per refused command', async () => {
    const before = logs.lines().length;
    await pgProxy.cut();
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await send(`during outage ${i}`));
    await waitFor('the outage warning', async () =>
      warnings(/^PostgreSQL is unreachable/).length > 0 ? true : null,
    );
    await pgProxy.restore();
    await waitFor('the recovery line', async () =>
      warnings(/^PostgreSQL is back/).length > 0 ? true : null,
    );

    expect(replies.every((r) => r.rcpt[0]?.code === 451)).toBe(true);
    const since = logs
      .lines()
      .slice(before)
      .filter((l) => l.level >= 40);
    expect(since.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^PostgreSQL is unreachable \(.+\): SMTP answers 451/),
      expect.stringMatching(
        /^PostgreSQL is back after \d+\.\d s; meanwhile (.+, )?20 SMTP commands answered 451/,
      ),
    ]);
    expect((await send('after the outage')).data?.code).toBe(250);
  });

  it('says once that Redis went away and once that it is back, and the mail accepted meanwhile is processed', async () => {
    const before = logs.lines().length;
    await redisProxy.cut();
    const during = queuedId((await send('while Redis is away')).data?.text);
    expect(during).not.toBe('');
    await waitFor('the outage warning', async () =>
      warnings(/^Redis is unreachable/).length > 0 ? true : null,
    );
    await redisProxy.restore();
    await waitFor('the recovery line', async () =>
      warnings(/^Redis is back/).length > 0 ? true : null,
    );
    await waitFor('the email accepted during the outage', async () =>
      linesAbout(during).length > 0 ? true : null,
    );

    const since = logs
      .lines()
      .slice(before)
      .filter((l) => l.level >= 40);
    expect(since.map((l) => l.msg)).toEqual([
      expect.stringMatching(/^Redis is unreachable \(.+\): mail is still accepted/),
      expect.stringMatching(/^Redis is back after \d+\.\d s; meanwhile /),
    ]);
  });
});
