import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { seedGroup, seedProject } from '../support/seed';
import { SmtpClient, sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';
import { storeOne } from '../support/inbound';

const MAX_MESSAGE = 2 * 1024 * 1024;
const MAX_HEADER = 1024 * 1024;
const SOCKET_TIMEOUT = 1500;
const DATA_TIMEOUT = 4000;

let db: TestDb;
let config: Config;
let desk: RunningDesk;
let address: string;
let projectId: number;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, {
    SMTP_MAX_MESSAGE_BYTES: String(MAX_MESSAGE),
    SMTP_MAX_RECIPIENTS: '3',
    SMTP_MAX_CLIENTS_PER_IP: '3',
  });
  desk = await startTestDesk(config, {
    smtp: {
      maxHeaderBytes: MAX_HEADER,
      socketTimeoutMs: SOCKET_TIMEOUT,
      dataTimeoutMs: DATA_TIMEOUT,
    },
  });
  const group = await seedGroup(db.store, 'hostile');
  const seeded = await seedProject(db.store, group.id);
  address = seeded.address;
  projectId = seeded.project.id;
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const countInbound = async (): Promise<number> =>
  Number((await db.dataSource.query('SELECT count(*) AS n FROM inbound_emails'))[0].n);

const queuedId = (text: string | undefined): string => {
  const id = /queued as (\d+)/.exec(text ?? '')?.[1];
  if (!id) throw new Error(`no queue id in ${JSON.stringify(text)}`);
  return id;
};

/** The terminal row of an inbound email, with its ticket's title when one was made. */
async function settled(id: string) {
  return waitFor(`inbound email ${id} to settle`, async () => {
    const [row] = await db.dataSource.query(
      `SELECT e.status, e.reason, w.title, w.description FROM inbound_emails e
         LEFT JOIN work_items w ON w.id = e.work_item_id
        WHERE e.id = $1 AND e.status <> 'received'`,
      [id],
    );
    return row as
      | { status: string; reason: string | null; title: string | null; description: string | null }
      | undefined;
  });
}

/** Samples the process RSS while `work` runs; desk runs in this process. */
async function peakRssDelta(work: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return peak - before;
}

async function openTransaction(): Promise<SmtpClient> {
  const { client } = await SmtpClient.connect(desk.smtpPort!);
  await client.command('EHLO hostile.example');
  await client.command('MAIL FROM:<hostile@example.com>');
  expect((await client.command(`RCPT TO:<${address}>`)).code).toBe(250);
  return client;
}

describe('SMTP under hostile clients', () => {
  it('answers 552 5.3.4 to a message over SMTP_MAX_MESSAGE_BYTES and stores nothing', async () => {
    const before = await countInbound();
    const client = await openTransaction();
    const reply = await client.data(`Subject: big\r\n\r\n${'x'.repeat(MAX_MESSAGE + 1000)}`);
    expect(reply).toEqual({
      code: 552,
      text: `5.3.4 message exceeds the maximum size of ${MAX_MESSAGE} bytes`,
    });
    await client.quit();
    expect(await countInbound()).toBe(before);
  });

  it('answers 452 4.5.3 to the recipient past SMTP_MAX_RECIPIENTS and keeps the others', async () => {
    const { rcpt, data } = await sendMail(
      desk.smtpPort!,
      { from: 'many@example.com', to: [address, address, address, address] },
      'Subject: many recipients\r\n\r\nx',
    );
    expect(rcpt.map((r) => r.code)).toEqual([250, 250, 250, 452]);
    expect(rcpt[3]?.text).toMatch(/^4\.5\.3 /);
    expect(data?.code).toBe(250);
  });

  it('answers 550 5.1.1 to an unknown recipient, ours or foreign', async () => {
    const { rcpt, data } = await sendMail(
      desk.smtpPort!,
      {
        from: 'a@example.com',
        to: ['support+no-such-key@desk.localhost', 'postmaster@elsewhere.example'],
      },
      'Subject: x\r\n\r\nx',
    );
    expect(rcpt.map((r) => r.code)).toEqual([550, 550]);
    for (const r of rcpt) expect(r.text).toMatch(/^5\.1\.1 /);
    expect(data).toBeNull();
  });

  it('disconnects an idle client with 421 after the socket timeout', async () => {
    const { client } = await SmtpClient.connect(desk.smtpPort!);
    await client.command('EHLO idle.example');
    const started = Date.now();
    const reply = await client.next();
    await client.closed;
    const waited = Date.now() - started;
    expect(reply.code).toBe(421);
    expect(waited).toBeGreaterThanOrEqual(SOCKET_TIMEOUT - 100);
    expect(waited).toBeLessThan(SOCKET_TIMEOUT * 3);
  });

  it('cuts off a client that trickles DATA slower than the DATA timeout with 421 4.4.2, storing nothing', async () => {
    const before = await countInbound();
    const client = await openTransaction();
    expect((await client.command('DATA')).code).toBe(354);
    const started = Date.now();
    // one byte every 300 ms keeps the socket's idle timeout from ever firing
    const trickle = setInterval(() => client.write('x'), 300);
    try {
      const reply = await client.next();
      await client.closed;
      expect(reply.code).toBe(421);
      expect(reply.text).toMatch(/^4\.4\.2 message not received within 4 seconds/);
    } finally {
      clearInterval(trickle);
    }
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(DATA_TIMEOUT - 100);
    expect(waited).toBeLessThan(DATA_TIMEOUT + SOCKET_TIMEOUT);
    expect(await countInbound()).toBe(before);
  });

  it('answers 421 on connect to the connection past SMTP_MAX_CLIENTS_PER_IP, and serves again after', async () => {
    const open = await Promise.all([1, 2, 3].map(() => SmtpClient.connect(desk.smtpPort!)));
    expect(open.map((o) => o.greeting.code)).toEqual([220, 220, 220]);
    const extra = await SmtpClient.connect(desk.smtpPort!);
    expect(extra.greeting.code).toBe(421);
    expect(extra.greeting.text).toMatch(/^4\.7\.0 too many connections/);
    await extra.client.closed;
    for (const o of open) await o.client.quit();
    const again = await waitFor('a free connection slot', async () => {
      const attempt = await SmtpClient.connect(desk.smtpPort!);
      if (attempt.greeting.code === 220) return attempt;
      attempt.client.destroy();
      return null;
    });
    await again.client.quit();
  });

  it('turns a message with bare LF line endings into a ticket with the decoded subject', async () => {
    const client = await openTransaction();
    expect((await client.command('DATA')).code).toBe(354);
    // bare LF inside the message; only the terminator is CRLF.CRLF as SMTP requires
    client.write(
      [
        'From: Zoë <zoe@customer.example>',
        `To: ${address}`,
        'Subject: =?utf-8?B?' + Buffer.from('Ünïcödé über LF 🔥').toString('base64') + '?=',
        'Message-ID: <bare-lf@customer.example>',
        '',
        'line one',
        'line two',
        '',
      ].join('\n'),
    );
    client.write('\r\n.\r\n');
    const reply = await client.next();
    await client.quit();
    expect(reply.code).toBe(250);
    const row = await settled(queuedId(reply.text));
    expect(row).toMatchObject({ status: 'ticket_created', title: 'Ünïcödé über LF 🔥' });
    expect(row.description).toContain('line one');
    expect(row.description).toContain('line two');
  });

  it('turns a message with raw 8-bit UTF-8 headers into a ticket with the decoded subject', async () => {
    const client = await openTransaction();
    expect((await client.command('DATA')).code).toBe(354);
    client.write(
      Buffer.from(
        [
          'From: Jürgen Größe <juergen@customer.example>',
          `To: ${address}`,
          'Subject: Drucker brennt – Grüße aus Köln 🔥',
          'Message-ID: <eight-bit@customer.example>',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          'Bitte schnell. Ça brûle.',
          '.',
        ].join('\r\n') + '\r\n',
        'utf8',
      ),
    );
    const reply = await client.next();
    await client.quit();
    expect(reply.code).toBe(250);
    const row = await settled(queuedId(reply.text));
    expect(row).toMatchObject({
      status: 'ticket_created',
      title: 'Drucker brennt – Grüße aus Köln 🔥',
    });
    expect(row.description).toContain('Ça brûle.');
  });

  it('stores a header line just under the header limit as a ticket, with bounded memory', async () => {
    let reply: Awaited<ReturnType<SmtpClient['next']>> | undefined;
    const delta = await peakRssDelta(async () => {
      const client = await openTransaction();
      reply = await client.data(
        `Subject: long ${'s'.repeat(MAX_HEADER - 4096)}\r\nFrom: a@customer.example\r\n\r\nbody\r\n`,
      );
      await client.quit();
      expect(reply.code).toBe(250);
      const row = await settled(queuedId(reply.text));
      expect(row.status).toBe('ticket_created');
      expect(row.title).toHaveLength(255);
    });
    process.stdout.write(`RSS delta for a ${MAX_HEADER - 4096}-byte header line: ${delta}\n`);
    expect(delta).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers 552 5.3.4 to a 1 MB header line over the header limit, with bounded memory and nothing stored', async () => {
    const before = await countInbound();
    let reply: Awaited<ReturnType<SmtpClient['next']>> | undefined;
    const delta = await peakRssDelta(async () => {
      const client = await openTransaction();
      reply = await client.data(`X-Junk: ${'j'.repeat(MAX_HEADER)}\r\nSubject: x\r\n\r\nbody\r\n`);
      await client.quit();
    });
    process.stdout.write(`RSS delta for a ${MAX_HEADER}-byte header line: ${delta}\n`);
    expect(reply).toEqual({
      code: 552,
      text: `5.3.4 message header exceeds the maximum size of ${MAX_HEADER} bytes`,
    });
    expect(delta).toBeLessThan(64 * 1024 * 1024);
    expect(await countInbound()).toBe(before);
  });

  it('marks a stored message with a header over 1 MB failed with its reason, and the worker keeps working', async () => {
    // as if a desk with a higher header limit had accepted it
    const raw = Buffer.from(`X-Junk: ${'j'.repeat(MAX_HEADER + 10)}\r\nSubject: x\r\n\r\nbody\r\n`);
    const row = await storeOne(db.store, projectId, raw, {
      rcptTo: [address],
      mailFrom: 'junk@example.com',
    });
    const failed = await settled(row!.inboundEmailId);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/^cannot parse message: .*header/i);

    const after = await sendMail(
      desk.smtpPort!,
      { from: 'next@customer.example', to: [address] },
      'From: next@customer.example\r\nSubject: still alive\r\n\r\nhello',
    );
    expect(await settled(queuedId(after.data?.text))).toMatchObject({
      status: 'ticket_created',
      title: 'still alive',
    });
  });
});
