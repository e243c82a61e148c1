import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { seedGroup, seedProject } from '../support/seed';
import { SmtpClient, sendMail } from '../support/smtp-client';
import { TcpProxy } from '../support/tcp-proxy';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
let proxy: TcpProxy;
let address: string;

/** desk reaches PostgreSQL only through a proxy the tests can cut. */
beforeAll(async () => {
  db = await createTestDb();
  proxy = new TcpProxy(Number(new URL(db.url).port || 5432));
  const proxied = new URL(db.url);
  proxied.port = String(await proxy.start());
  config = testConfig(proxied.toString(), {
    SMTP_MAX_MESSAGE_BYTES: '4096',
    SMTP_MAX_RECIPIENTS: '2',
  });
  desk = await startTestDesk(config, {
    dbConnectTimeoutMs: 1000,
    recipientCacheMs: 0, // so RCPT itself meets the outage below
  });
  const group = await seedGroup(db.store, 'ops');
  ({ address } = await seedProject(db.store, group.id));
});

afterAll(async () => {
  await proxy.restore().catch(() => undefined);
  await desk?.close();
  await proxy.cut();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const countInbound = async () =>
  Number((await db.dataSource.query('SELECT count(*) AS n FROM inbound_emails'))[0].n);
const countOutbox = async () =>
  Number((await db.dataSource.query('SELECT count(*) AS n FROM outbox'))[0].n);

describe('SMTP refuses what it cannot keep, with a code the sender understands', () => {
  it('advertises SIZE and answers 552 5.3.4 to a message over the limit, storing nothing', async () => {
    const { client } = await SmtpClient.connect(desk.smtpPort!);
    const ehlo = await client.command('EHLO test.example');
    expect(ehlo.text).toContain('SIZE 4096');
    await client.command('MAIL FROM:<big@example.com>');
    expect((await client.command(`RCPT TO:<${address}>`)).code).toBe(250);
    const before = await countInbound();
    const reply = await client.data(`Subject: big\r\n\r\n${'x'.repeat(8000)}`);
    expect(reply.code).toBe(552);
    expect(reply.text).toBe('5.3.4 message exceeds the maximum size of 4096 bytes');
    expect(await countInbound()).toBe(before);
    await client.quit();
  });

  it('answers 452 4.5.3 past the recipient limit', async () => {
    const replies = await sendMail(
      desk.smtpPort!,
      { from: 'a@example.com', to: [address, address, address] },
      'Subject: many\r\n\r\nx',
    );
    expect(replies.rcpt.map((r) => r.code)).toEqual([250, 250, 452]);
    expect(replies.rcpt[2]?.text).toMatch(/^4\.5\.3 too many recipients/);
    expect(replies.data?.code).toBe(250);
  });

  it('answers 451 4.3.0 while PostgreSQL is unreachable, stores nothing, and recovers by itself', async () => {
    await waitFor(
      'earlier mail to settle',
      async () =>
        Number(
          (
            await db.dataSource.query('SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL')
          )[0].n,
        ) === 0,
    );
    const inboundBefore = await countInbound();
    const outboxBefore = await countOutbox();
    const { client } = await SmtpClient.connect(desk.smtpPort!);
    await client.command('EHLO test.example');
    await client.command('MAIL FROM:<down@example.com>');
    expect((await client.command(`RCPT TO:<${address}>`)).code).toBe(250);

    await proxy.cut();
    try {
      const reply = await client.data('Subject: during outage\r\n\r\nhello');
      expect(reply.code).toBe(451);
      expect(reply.text).toMatch(/^4\.3\.0 /);
      await client.command('RSET');
      await client.command('MAIL FROM:<down@example.com>');
      const rcpt = await client.command(`RCPT TO:<${address}>`);
      expect(rcpt.code).toBe(451);
    } finally {
      await client.quit();
      await proxy.restore();
    }
    expect(await countInbound()).toBe(inboundBefore);
    expect(await countOutbox()).toBe(outboxBefore);

    const after = await sendMail(
      desk.smtpPort!,
      { from: 'up@example.com', to: [address] },
      'Subject: back\r\n\r\nok',
    );
    expect(after.data?.code).toBe(250);
    expect(await countInbound()).toBe(inboundBefore + 1);
  });
});
