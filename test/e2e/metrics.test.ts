import { startDesk, type RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { createRootLogger } from '../../src/logger';
import { parseExposition, valueOf, type Sample } from '../support/prometheus-text';
import { ADDRESSING, seedContact, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';
import { captureLogs } from '../support/log-capture';

const ADMIN = 'metrics-admin-token-0123456789';
const SUMMARY_MS = 200;

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const logs = captureLogs();
const logLines = logs.chunks;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'info' });
  desk = await startDesk(config, createRootLogger('info', logs.stream), {
    relay: { sweepIntervalMs: 200 },
    summaryIntervalMs: SUMMARY_MS,
  });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

function get(path: string, token: string | null) {
  return fetch(`http://127.0.0.1:${desk.apiPort}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function scrape(): Promise<Sample[]> {
  const res = await get('/metrics', ADMIN);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** `after` minus `before` for one series (or the sum of the series matching `labels`). */
const delta =
  (before: Sample[], after: Sample[]) =>
  (name: string, labels: Record<string, string> = {}) =>
    valueOf(after, name, labels) - valueOf(before, name, labels);

async function statusOf(id: string) {
  return (await db.store.repos.inboundEmails.findEnvelope(id))?.status;
}

function queuedId(text: string | undefined): string {
  const id = /queued as (\d+)$/.exec(text ?? '')?.[1];
  if (!id) throw new Error(`unexpected DATA reply: ${text}`);
  return id;
}

interface SummaryLine {
  module: string;
  msg: string;
  accepted: number;
  processed: number;
  failed: number;
  backlog: number | null;
}

const summaries = (): SummaryLine[] =>
  logLines.map((l) => JSON.parse(l) as SummaryLine).filter((l) => l.module === 'summary');

describe('GET /metrics', () => {
  it('answers 401 without a token and 403 to a token that is not the instance admin’s', async () => {
    expect((await get('/metrics', null)).status).toBe(401);
    expect((await get('/metrics', 'not-a-token')).status).toBe(401);
    const user = await db.store.repos.users.create({
      username: 'watcher',
      name: 'Watcher',
      email: 'watcher@example.com',
      isAdmin: false,
    });
    const res = await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1/users/${user.id}/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'grafana' }),
    });
    const { token } = (await res.json()) as { token: string };
    expect((await get('/metrics', token)).status).toBe(403);
  });

  it('counts the traffic it was sent, exactly, and shows queue and backlog gauges', async () => {
    const root = await seedGroup(db.store, 'metrics');
    const { address } = await seedProject(db.store, root.id);
    await seedContact(db.store, root.id, 'alice@customer.example');
    await seedContact(db.store, root.id, 'carol@customer.example', 'inactive');
    const before = await scrape();

    const first = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [address] },
      'From: alice@customer.example\r\nCc: carol@customer.example, dave@customer.example\r\n' +
        'Message-ID: <m1@customer.example>\r\nSubject: Printer\r\n\r\nIt is on fire.\r\n',
    );
    const ticketId = queuedId(first.data?.text);
    await waitFor('the ticket', async () => (await statusOf(ticketId)) === 'ticket_created');
    const autoReply = await sendMail(
      desk.smtpPort!,
      { from: 'bob@customer.example', to: [address] },
      'From: bob@customer.example\r\nAuto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nAway.\r\n',
    );
    // the same message again, to a second recipient that is no Service Desk
    const retry = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [address, `support+nosuchkey@${ADDRESSING.domain}`] },
      'From: alice@customer.example\r\nMessage-ID: <m1@customer.example>\r\nSubject: Printer\r\n\r\nx\r\n',
    );
    expect(retry.rcpt.map((r) => r.code)).toEqual([250, 550]);
    const ids = [ticketId, queuedId(autoReply.data?.text), queuedId(retry.data?.text)];
    await waitFor('every email processed', async () => {
      const statuses = await Promise.all(ids.map(statusOf));
      return statuses.join() === 'ticket_created,ignored,duplicate';
    });
    const linkJobDone = async () => {
      const after = await scrape();
      return delta(before, after)('desk_jobs_completed_total', { queue: 'link-contacts' }) === 1
        ? after
        : null;
    };
    const after = await waitFor('the link job to be counted', linkJobDone);
    const d = delta(before, after);
    const sizes = await Promise.all(
      ids.map(async (id) => (await db.store.repos.inboundEmails.findEnvelope(id))!.size),
    );

    expect(d('desk_smtp_sessions_total')).toBe(3);
    expect(d('desk_smtp_replies_total', { stage: 'rcpt', code: '250' })).toBe(3);
    expect(d('desk_smtp_replies_total', { stage: 'rcpt', code: '550' })).toBe(1);
    expect(d('desk_smtp_replies_total', { stage: 'data', code: '250' })).toBe(3);
    expect(d('desk_smtp_replies_total')).toBe(7);
    expect(d('desk_smtp_accepted_bytes_total')).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(d('desk_inbound_emails_accepted_total')).toBe(3);
    expect(d('desk_smtp_accept_duration_seconds_count')).toBe(3);

    const outcome = (status: string, reason: string) =>
      d('desk_inbound_email_outcomes_total', { status, reason });
    expect(outcome('ticket_created', 'none')).toBe(1);
    expect(outcome('ignored', 'auto_reply')).toBe(1);
    expect(outcome('duplicate', 'same_message_id')).toBe(1);
    expect(d('desk_inbound_email_outcomes_total')).toBe(3);

    const link = (outcome: string) => d('desk_link_outcomes_total', { outcome });
    expect([link('linked'), link('inactive'), link('unknown')]).toEqual([1, 1, 1]);
    expect(d('desk_link_outcomes_total')).toBe(3);

    expect(d('desk_jobs_completed_total', { queue: 'ingest-email' })).toBe(3);
    expect(d('desk_jobs_failed_total')).toBe(0);
    expect(d('desk_job_duration_seconds_count', { queue: 'ingest-email' })).toBe(3);
    expect(d('desk_job_duration_seconds_count', { queue: 'link-contacts' })).toBe(1);
    expect(d('desk_received_to_linked_seconds_count')).toBe(1);

    const series = (name: string) => after.filter((s) => s.name === name);
    expect(
      series('desk_queue_jobs')
        .map((s) => `${s.labels.queue} ${s.labels.state}`)
        .sort(),
    ).toEqual(
      ['ingest-email', 'link-contacts'].flatMap((q) =>
        ['active', 'delayed', 'failed', 'waiting'].map((state) => `${q} ${state}`),
      ),
    );
    expect(series('desk_queue_oldest_waiting_job_age_seconds')).toHaveLength(2);
    expect(valueOf(after, 'desk_outbox_unpublished_rows')).toBe(0);
    expect(series('desk_inbound_emails_stuck_received')).toEqual([
      { name: 'desk_inbound_emails_stuck_received', labels: {}, value: 0 },
    ]);
    expect(series('process_cpu_user_seconds_total')).toHaveLength(1);
    expect(series('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });
});

describe('the summary line', () => {
  it('says each interval what was accepted, processed and failed, and is silent when idle', async () => {
    const root = await seedGroup(db.store, 'summary');
    const { address } = await seedProject(db.store, root.id);
    // the other test's trailing lines are done once an interval has passed without one
    await new Promise((r) => setTimeout(r, 3 * SUMMARY_MS));
    const start = summaries().length;
    for (const n of [1, 2]) {
      const sent = await sendMail(
        desk.smtpPort!,
        { from: `c${n}@customer.example`, to: [address] },
        `From: c${n}@customer.example\r\nSubject: s${n}\r\n\r\nbody\r\n`,
      );
      expect(sent.data?.code).toBe(250);
    }
    const sum = (lines: SummaryLine[], key: 'accepted' | 'processed' | 'failed') =>
      lines.reduce((total, l) => total + l[key], 0);
    const lines = await waitFor('summary lines counting both emails', async () => {
      const mine = summaries().slice(start);
      return sum(mine, 'processed') === 2 ? mine : null;
    });
    expect(sum(lines, 'accepted')).toBe(2);
    expect(sum(lines, 'failed')).toBe(0);
    for (const l of lines) {
      expect(l.msg).toBe(
        `last ${SUMMARY_MS} ms: ${l.accepted} accepted, ${l.processed} processed, ` +
          `${l.failed} failed, backlog ${l.backlog}`,
      );
    }

    await new Promise((r) => setTimeout(r, 3 * SUMMARY_MS));
    const settled = summaries().length;
    await new Promise((r) => setTimeout(r, 5 * SUMMARY_MS));
    expect(summaries().length).toBe(settled);
  });
});
