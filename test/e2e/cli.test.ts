import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { markIngestFailed } from '../../src/domain/ingest/ingest-email.service';
import { storeOne } from '../support/inbound';
import { runTsx } from '../support/run-tsx';
import { seedGroup, seedProject } from '../support/seed';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

jest.setTimeout(120_000);

let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url);
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

/** The environment of an operator's shell next to the running test desk. */
const deskEnv = (overrides: Record<string, string> = {}) => ({
  DATABASE_URL: config.DATABASE_URL,
  REDIS_URL: config.REDIS_URL,
  QUEUE_PREFIX: config.QUEUE_PREFIX,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(desk.smtpPort),
  API_HOST: '127.0.0.1',
  API_PORT: String(desk.apiPort),
  ...overrides,
});

const cli = (args: string[], env = deskEnv()) => runTsx('bin/desk-cli.ts', args, env);

const api = (path: string, token: string) =>
  fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('desk token create --admin', () => {
  it('prints a first admin token, once, that the running desk accepts; a second run reuses the admin', async () => {
    const first = await cli(['token', 'create', '--admin', '--name', 'ops laptop']);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stderr).toMatch(
      /^created instance admin "admin" \(user \d+\); token "ops laptop"/,
    );
    const token = first.stdout.trim();
    expect(token).toMatch(/^desk_[\w-]{43}$/);
    expect((await api('/inbound-emails', token)).status).toBe(200);

    const second = await cli(['token', 'create', '--admin']);
    expect(second.stderr).toMatch(/^using instance admin "admin"/);
    expect(second.stdout.trim()).not.toBe(token);
    expect((await api('/inbound-emails', second.stdout.trim())).status).toBe(200);
    const stored = await db.dataSource.query('SELECT token_sha256 FROM api_tokens');
    expect(JSON.stringify(stored)).not.toContain(token);
  });
});

describe('desk inbound', () => {
  it('lists, exports byte for byte and reprocesses failed mail through the running desk', async () => {
    const group = await seedGroup(db.store, 'cli');
    const { project } = await seedProject(db.store, group.id);
    const raws = [1, 2].map((n) =>
      Buffer.from(
        `From: Zoë <zoe@customer.example>\r\nSubject: printer ${n}\r\nMessage-ID: <cli-${n}@customer.example>\r\n` +
          `Content-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9 au lait\r\n.\r\n`,
        'latin1',
      ),
    );
    const ids: string[] = [];
    for (const raw of raws) {
      const row = await storeOne(db.store, project.id, raw, { mailFrom: 'zoe@customer.example' });
      // as the ingest worker records an email whose job used up its retries
      await markIngestFailed(
        db.store,
        { inboundEmailId: row.inboundEmailId, outboxId: row.outboxId, attempts: 10 },
        'gave up after 10 attempts: simulated outage',
      );
      ids.push(row.inboundEmailId);
    }

    const list = await cli(['inbound', 'list', '--status', 'failed']);
    expect(list.code).toBe(0);
    const [header, ...lines] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+RECEIVED AT\s+PROJECT\s+SENDER\s+STATUS\s+REASON$/);
    expect(lines.map((l) => l.split(/\s{2,}/))).toEqual(
      [...ids]
        .reverse()
        .map((id) => [
          id,
          expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
          String(project.id),
          'zoe@customer.example',
          'failed',
          'gave up after 10 attempts: simulated outage',
        ]),
    );
    const json = await cli(['inbound', 'list', '--status', 'failed', '--limit', '1', '--json']);
    expect(JSON.parse(json.stdout).map((e: { id: string }) => e.id)).toEqual([ids[1]]);

    const out = await mkdtemp(join(tmpdir(), 'desk-export-'));
    try {
      const exported = await cli(['inbound', 'export', '--status', 'failed', '--out', out]);
      expect(exported).toMatchObject({ code: 0, stdout: `2 emails exported to ${out}\n` });
      expect((await readdir(out)).sort()).toEqual(ids.map((id) => `${id}.eml`).sort());
      for (const [i, id] of ids.entries())
        expect((await readFile(join(out, `${id}.eml`))).equals(raws[i]!)).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }

    const again = await cli(['inbound', 'reprocess', '--status', 'failed']);
    expect(again).toMatchObject({ code: 0, stdout: '2 emails queued for reprocessing\n' });
    for (const id of ids)
      await waitFor(`email ${id} to become a ticket`, async () => {
        const email = await db.store.repos.inboundEmails.findEnvelope(id);
        return email?.status === 'ticket_created';
      });
    expect((await cli(['inbound', 'list', '--status', 'failed'])).stdout).toBe(
      'no inbound emails failed\n',
    );

    const refused = await cli(['inbound', 'reprocess', '--id', ids[0]!]);
    expect(refused).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `desk: inbound email ${ids[0]} is ticket_created; only failed or ignored mail is reprocessed\n`,
    });
  });

  it('answers bad usage with exit 2 and an unreachable database with exit 1, in one line each', async () => {
    const usage = await cli(['inbound', 'list', '--limit', '0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: option '--limit <n>' argument '0' is invalid/);
    const neither = await cli(['inbound', 'reprocess']);
    expect(neither).toMatchObject({ code: 2, stderr: 'desk: give --status or --id\n' });

    const port = await closedPort();
    const away = await cli(
      ['inbound', 'list'],
      deskEnv({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/desk` }),
    );
    expect(away.code).toBe(1);
    expect(away.stderr).toBe(
      `desk: cannot reach PostgreSQL at postgres://postgres@127.0.0.1:${port}/desk (connect ECONNREFUSED 127.0.0.1:${port}); start it or fix DATABASE_URL\n`,
    );
  });
});

describe('desk doctor', () => {
  it('says ok to every check of a healthy desk and exits 0', async () => {
    const run = await cli(['doctor'], deskEnv({ ADMIN_TOKEN: 'operator-secret' }));
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `ok    PostgreSQL reachable at ${config.DATABASE_URL}`,
      `ok    database "${db.name}" exists`,
      'ok    migrations: all applied',
      `ok    Redis reachable at ${config.REDIS_URL}`,
      `ok    SMTP port 127.0.0.1:${desk.smtpPort}: in use by a running desk`,
      `ok    API port 127.0.0.1:${desk.apiPort}: in use by a running desk`,
      'ok    admin access: ADMIN_TOKEN is set',
    ]);
  });

  it('names what to do about a Redis on a wrong port, a port taken by another program and a missing admin token, and exits 1', async () => {
    const empty = await createTestDb();
    try {
      const port = await closedPort();
      const run = await cli(
        ['doctor'],
        deskEnv({
          DATABASE_URL: empty.url,
          REDIS_URL: `redis://127.0.0.1:${port}`,
          // the SMTP listener answers there, not desk's API
          API_PORT: String(desk.smtpPort),
        }),
      );
      expect(run.code).toBe(1);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toContain(
        `FAIL  Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}; start it or fix REDIS_URL`,
      );
      expect(lines).toContain(
        'FAIL  admin access: no admin token; run: desk token create --admin (or set ADMIN_TOKEN)',
      );
      expect(lines).toContain(
        `FAIL  API port 127.0.0.1:${desk.smtpPort}: in use by another program; stop it or set API_PORT`,
      );
      expect(lines.filter((l) => l.startsWith('ok'))).toHaveLength(4);
      expect(run.stderr).toBe('');
    } finally {
      await empty.drop();
    }
  });
});
