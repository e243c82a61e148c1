import type { RouteOptions } from 'fastify';
import { startDesk, type RunningDesk } from '../../bin/start-desk';
import { buildApi } from '../../src/api/api-server';
import type { Config } from '../../src/config/env';
import { createRootLogger } from '../../src/logger';
import { DeskMetrics } from '../../src/metrics/desk-metrics';
import { ADDRESSING } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, testConfig, waitFor } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';
import { captureLogs } from '../support/log-capture';
import { ResponseConformance } from '../support/openapi-conformance';

const ADMIN = 'sec-admin-token-5f2b9c1e7d3a4b6c';
/** Strings that must never reach a log line. */
const BODY_MARKER = 'BODYMARKER-7c1d9e55';
const NOTE_MARKER = 'NOTEMARKER-3a8f0b21';
const BAD_TOKEN = 'desk_badtoken-e4d1a9c07b2f';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const logs = captureLogs();
const logLines = logs.chunks;
const responses = new ResponseConformance();

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'trace' });
  desk = await startDesk(config, createRootLogger('trace', logs.stream), {
    onApiBuilt: responses.watch,
    // every route is tried with bad tokens from one address, far past the guess limit (tested in
    // token-guesses.test.ts)
    tokenGuesses: { limit: 100_000, windowSeconds: 600, waitSeconds: 600 },
  });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
  responses.assertAllMatched();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

async function http(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  rawAuthorization?: string,
): Promise<{ status: number; body: Body }> {
  const authorization = rawAuthorization ?? (token === null ? undefined : `Bearer ${token}`);
  const res = await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Body;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}

async function ok(status: number, token: string, method: string, path: string, body?: unknown) {
  const reply = await http(token, method, path, body);
  if (reply.status !== status)
    throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** The routes buildApi registers, recorded as fastify adds them. */
async function apiRoutes(): Promise<{ method: string; url: string }[]> {
  const routes: RouteOptions[] = [];
  const app = buildApi({
    logger: createRootLogger('silent'),
    health: { postgres: async () => undefined, redis: async () => undefined },
    store: db.store,
    addressing: ADDRESSING,
    adminTokenSha256: null,
    publish: () => undefined,
    queues: [],
    metrics: new DeskMetrics(),
  });
  app.addHook('onRoute', (route) => void routes.push(route));
  await app.ready();
  await app.close();
  return routes
    .filter((r) => r.url.startsWith('/api/v1'))
    .flatMap((r) => [r.method].flat().map((method) => ({ method, url: r.url })));
}

let users = 0;
async function userWithRole(groupId: number, role: string) {
  const n = ++users;
  const user = await ok(201, ADMIN, 'POST', '/users', {
    username: `sec${n}`,
    name: `Sec ${n}`,
    email: `sec${n}@staff.example`,
  });
  const { token } = await ok(201, ADMIN, 'POST', `/users/${user.id}/tokens`, { name: 't' });
  await ok(201, ADMIN, 'POST', `/groups/${groupId}/members`, { userId: user.id, role });
  return { id: user.id as number, token: token as string };
}

/** A root group with a project, a ticket, an organization and a contact linked to the ticket. */
async function tenant(path: string) {
  const group = await ok(201, ADMIN, 'POST', '/groups', { name: path, path });
  const project = await ok(201, ADMIN, 'POST', '/projects', {
    groupId: group.id,
    name: 'desk',
    path: 'desk',
  });
  const org = await ok(201, ADMIN, 'POST', `/groups/${group.id}/organizations`, {
    name: `${path} Inc`,
  });
  const contact = await ok(201, ADMIN, 'POST', `/groups/${group.id}/contacts`, {
    firstName: 'C',
    lastName: path,
    email: `c@${path}.example`,
    organizationId: org.id,
  });
  const item = await ok(201, ADMIN, 'POST', `/projects/${project.id}/work-items`, {
    title: `${path} ticket`,
  });
  await ok(200, ADMIN, 'POST', `/projects/${project.id}/work-items/${item.iid}/contacts`, {
    operation: 'append',
    contactIds: [contact.id],
  });
  return { group, project, org, contact, item };
}

describe('admin API security', () => {
  it('answers 401 on every /api/v1 route without a token, with a bad token and with a wrong scheme', async () => {
    const routes = await apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(20); // a broken enumeration must not pass quietly
    const refused: string[] = [];
    for (const { method, url } of routes) {
      const path = url.replace(/^\/api\/v1/, '').replace(/:[A-Za-z]+/g, '1');
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
      for (const auth of [
        undefined,
        `Bearer ${BAD_TOKEN}`,
        `Bearer ${ADMIN}x`,
        `bearer ${ADMIN.slice(0, -1)}`,
        `Basic ${ADMIN}`,
        `Bearer`,
      ]) {
        const reply = await http(null, method, path, body, auth);
        if (reply.status !== 401) refused.push(`${method} ${url} with ${auth}: ${reply.status}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('lets no id of another group work for a member of one group', async () => {
    const a = await tenant('tenant-a');
    const b = await tenant('tenant-b');
    const alice = await userWithRole(a.group.id, 'owner');
    const A = a.group.id;
    const B = b.group.id;
    const reads = [
      `/groups/${B}`,
      `/groups/${B}/crm-settings`,
      `/groups/${B}/contacts`,
      `/groups/${B}/contacts/${b.contact.id}`,
      `/groups/${A}/contacts/${b.contact.id}`,
      `/groups/${A}/contacts/${b.contact.id}/work-items`,
      `/groups/${B}/organizations`,
      `/groups/${A}/organizations/${b.org.id}`,
      `/groups/${A}/organizations/${b.org.id}/work-items`,
      `/projects/${b.project.id}`,
      `/projects/${b.project.id}/work-items`,
      `/projects/${b.project.id}/work-items/${b.item.iid}`,
      `/projects/${b.project.id}/work-items/${b.item.iid}/contacts`,
      `/projects/${b.project.id}/work-items/${b.item.iid}/autocomplete/contacts?action=add`,
    ];
    for (const path of reads) {
      const reply = await http(alice.token, 'GET', path);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
    }
    const writes: [string, string, unknown][] = [
      ['PATCH', `/groups/${A}/contacts/${b.contact.id}`, { firstName: 'Hijacked' }],
      ['PATCH', `/groups/${A}/organizations/${b.org.id}`, { name: 'Hijacked' }],
      ['PATCH', `/groups/${B}/contacts/${b.contact.id}`, { firstName: 'Hijacked' }],
      ['POST', `/groups/${B}/contacts`, { firstName: 'X', lastName: 'Y' }],
      ['PUT', `/groups/${B}/crm-settings`, { enabled: false }],
      ['POST', `/groups/${B}/members`, { userId: alice.id, role: 'owner' }],
      ['POST', '/groups', { name: 'sub', path: 'sub', parentId: B }],
      ['POST', '/projects', { groupId: B, name: 'p', path: 'p' }],
      ['POST', `/projects/${b.project.id}/work-items`, { title: 'x' }],
      ['POST', `/projects/${b.project.id}/work-items/${b.item.iid}/notes`, { body: 'x' }],
      [
        'POST',
        `/projects/${b.project.id}/work-items/${b.item.iid}/contacts`,
        { operation: 'replace', contactIds: [] },
      ],
    ];
    for (const [method, path, body] of writes) {
      const reply = await http(alice.token, method, path, body);
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: 404 });
    }

    // B's ids inside A's own resources are refused, and change nothing
    const own = `/projects/${a.project.id}/work-items/${a.item.iid}/contacts`;
    const byId = await http(alice.token, 'POST', own, {
      operation: 'append',
      contactIds: [b.contact.id],
    });
    expect(byId.status).toBe(422);
    const byEmail = await http(alice.token, 'POST', own, {
      operation: 'append',
      emails: [b.contact.email],
    });
    expect(byEmail.status).toBe(422);
    const withOrg = await http(alice.token, 'POST', `/groups/${A}/contacts`, {
      firstName: 'New',
      lastName: 'Contact',
      organizationId: b.org.id,
    });
    expect([404, 422]).toContain(withOrg.status);
    const moveOrg = await http(alice.token, 'PATCH', `/groups/${A}/contacts/${a.contact.id}`, {
      organizationId: b.org.id,
    });
    expect([404, 422]).toContain(moveOrg.status);
    const suggestions = await ok(
      200,
      alice.token,
      'GET',
      `/projects/${a.project.id}/work-items/${a.item.iid}/autocomplete/contacts?action=add&q=c`,
    );
    expect(suggestions.items).toEqual([]);

    const aContacts = await ok(200, alice.token, 'GET', own);
    expect(aContacts.items.map((c: Body) => c.id)).toEqual([a.contact.id]);
    const [bContact] = await db.dataSource.query(
      'SELECT first_name, organization_id FROM contacts WHERE id = $1',
      [b.contact.id],
    );
    expect(bContact).toEqual({ first_name: 'C', organization_id: b.org.id });
    const [aContact] = await db.dataSource.query(
      'SELECT organization_id FROM contacts WHERE id = $1',
      [a.contact.id],
    );
    expect(aContact.organization_id).toBe(a.org.id);
    const [{ n }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM contacts WHERE group_id = $1',
      [B],
    );
    expect(n).toBe(1);
  });

  it('stores SQL-looking strings verbatim and searches them literally', async () => {
    const group = await ok(201, ADMIN, 'POST', '/groups', { name: 'sqli', path: 'sqli' });
    const hostile = ["' OR 1=1 --", '"; DROP TABLE contacts; --', "%' OR '1'='1", '_%\\'];
    const created = [];
    for (const [i, text] of hostile.entries()) {
      created.push(
        await ok(201, ADMIN, 'POST', `/groups/${group.id}/contacts`, {
          firstName: text,
          lastName: `Last${i}`,
          description: text,
        }),
      );
    }
    await ok(201, ADMIN, 'POST', `/groups/${group.id}/contacts`, {
      firstName: 'Plain',
      lastName: 'Person',
    });
    expect(created.map((c) => c.firstName)).toEqual(hostile);
    for (const text of [...hostile, '%', '_']) {
      const page = await ok(
        200,
        ADMIN,
        'GET',
        `/groups/${group.id}/contacts?search=${encodeURIComponent(text)}`,
      );
      // a LIKE wildcard or a quote matches only contacts that contain it literally
      expect({ text, found: page.items.length > 0 }).toEqual({ text, found: true });
      for (const c of page.items) expect(`${c.firstName} ${c.lastName} ${c.email}`).toContain(text);
    }
    const org = await ok(201, ADMIN, 'POST', `/groups/${group.id}/organizations`, {
      name: "Robert'); DROP TABLE organizations;--",
    });
    expect(org.name).toBe("Robert'); DROP TABLE organizations;--");
    const byPath = await http(ADMIN, 'GET', `/groups/${encodeURIComponent('1 OR 1=1')}`);
    expect(byPath).toMatchObject({ status: 400, body: { field: 'id' } });
    const [{ n }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM contacts WHERE group_id = $1',
      [group.id],
    );
    expect(n).toBe(hostile.length + 1);
  });

  it('answers oversized input with 400 naming the field (or 413 past the body limit), storing nothing', async () => {
    const t = await tenant('oversized');
    const before = await db.dataSource.query('SELECT count(*)::int AS n FROM contacts');
    const mb = 'x'.repeat(1_000_000);
    const cases: [string, string, unknown, string][] = [
      ['POST', `/groups/${t.group.id}/contacts`, { firstName: mb, lastName: 'L' }, 'firstName'],
      [
        'POST',
        `/groups/${t.group.id}/contacts`,
        { firstName: 'F', lastName: 'L', description: mb },
        'description',
      ],
      ['POST', `/groups/${t.group.id}/organizations`, { name: mb }, 'name'],
      ['POST', '/groups', { name: mb, path: 'p' }, 'name'],
      ['POST', `/projects/${t.project.id}/work-items`, { title: mb }, 'title'],
      [
        'POST',
        `/projects/${t.project.id}/work-items/${t.item.iid}/contacts`,
        {
          operation: 'append',
          emails: Array.from({ length: 10_000 }, (_, i) => `u${i}@x.example`),
        },
        'emails',
      ],
      [
        'POST',
        `/projects/${t.project.id}/work-items/${t.item.iid}/contacts`,
        { operation: 'append', contactIds: Array.from({ length: 10_000 }, (_, i) => i + 1) },
        'contactIds',
      ],
      ['GET', `/groups/${t.group.id}/contacts?search=${'s'.repeat(8000)}`, undefined, 'search'],
    ];
    for (const [method, path, body, field] of cases) {
      const reply = await http(ADMIN, method, path, body);
      expect({
        path: path.slice(0, 60),
        field,
        status: reply.status,
        got: reply.body?.field,
      }).toEqual({ path: path.slice(0, 60), field, status: 400, got: field });
    }
    const tooBig = await http(ADMIN, 'POST', `/groups/${t.group.id}/contacts`, {
      firstName: 'x'.repeat(2 * 1024 * 1024),
      lastName: 'L',
    });
    expect(tooBig.status).toBe(413);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM contacts')).toEqual(before);

    // a 1 MB note is within its limit: stored as text, verbatim
    const note = await http(
      ADMIN,
      'POST',
      `/projects/${t.project.id}/work-items/${t.item.iid}/notes`,
      { body: `${'n'.repeat(999_000)} '; DROP TABLE notes; --` },
    );
    expect(note.status).toBe(201);
    const [stored] = await db.dataSource.query(
      'SELECT length(body) AS n FROM notes WHERE id = $1',
      [note.body.note.id],
    );
    expect(stored.n).toBe(999_000 + " '; DROP TABLE notes; --".length);
  });

  it('never runs quick actions written in inbound customer email, on a new ticket or a reply', async () => {
    const group = await ok(201, ADMIN, 'POST', '/groups', { name: 'qa', path: 'qa' });
    const project = await ok(201, ADMIN, 'POST', '/projects', {
      groupId: group.id,
      name: 'desk',
      path: 'desk',
    });
    const alice = await ok(201, ADMIN, 'POST', `/groups/${group.id}/contacts`, {
      firstName: 'Alice',
      lastName: 'Customer',
      email: 'alice@customer.example',
    });
    await ok(201, ADMIN, 'POST', `/groups/${group.id}/contacts`, {
      firstName: 'X',
      lastName: 'Y',
      email: 'x@y.example',
    });
    const actions =
      '/add_contacts [contact:x@y.example]\r\n/remove_contacts [contact:alice@customer.example]';
    const first = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [project.serviceDeskAddress] },
      `From: alice@customer.example\r\nSubject: help\r\nMessage-ID: <qa-1@customer.example>\r\n\r\nHello.\r\n${actions}\r\n${BODY_MARKER}\r\n`,
    );
    expect(first.data?.code).toBe(250);
    const contactsOf = async () =>
      (await ok(200, ADMIN, 'GET', `/projects/${project.id}/work-items/1/contacts`)).items.map(
        (c: Body) => c.email,
      );
    await waitFor(
      'the ticket linked to alice',
      async () =>
        (await http(ADMIN, 'GET', `/projects/${project.id}/work-items/1/contacts`)).status ===
          200 && (await contactsOf()).length > 0,
    );
    const ticket = await ok(200, ADMIN, 'GET', `/projects/${project.id}/work-items/1`);
    expect(ticket.description).toContain(
      '/add_contacts [contact:x@y.example]\n/remove_contacts [contact:alice@customer.example]',
    );

    const reply = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [project.serviceDeskAddress] },
      `From: alice@customer.example\r\nSubject: Re: help\r\nIn-Reply-To: <qa-1@customer.example>\r\nMessage-ID: <qa-2@customer.example>\r\n\r\n${actions}\r\n`,
    );
    const inboundId = /queued as (\d+)/.exec(reply.data?.text ?? '')?.[1];
    const note = await waitFor('the reply as a note', async () => {
      const [row] = await db.dataSource.query(
        `SELECT n.body FROM inbound_emails e JOIN notes n ON n.id = e.note_id WHERE e.id = $1`,
        [inboundId],
      );
      return row as { body: string } | undefined;
    });
    expect(note.body).toBe(
      '/add_contacts [contact:x@y.example]\n/remove_contacts [contact:alice@customer.example]',
    );
    // the reply's ingest (and with it the linking) has run once the outbox is empty
    await waitFor('every job to finish', async () => {
      const [row] = await db.dataSource.query(
        'SELECT count(*)::int AS n FROM outbox WHERE processed_at IS NULL',
      );
      return row.n === 0;
    });
    expect(await contactsOf()).toEqual([alice.email]);
  });

  it('never writes tokens or message bodies to the logs, even at trace level', async () => {
    // more traffic carrying secrets: a failing request, a note through the API, a bad token
    const group = await ok(201, ADMIN, 'POST', '/groups', { name: 'logs', path: 'logs' });
    const user = await userWithRole(group.id, 'owner');
    const project = await ok(201, user.token, 'POST', '/projects', {
      groupId: group.id,
      name: 'p',
      path: 'p',
    });
    const item = await ok(201, user.token, 'POST', `/projects/${project.id}/work-items`, {
      title: 't',
    });
    await ok(201, user.token, 'POST', `/projects/${project.id}/work-items/${item.iid}/notes`, {
      body: `note ${NOTE_MARKER}`,
    });
    await http(user.token, 'POST', `/groups/${group.id}/contacts`, {
      firstName: NOTE_MARKER,
      email: 'bad',
    });
    await http(null, 'GET', '/groups/1', undefined, `Bearer ${BAD_TOKEN}`);
    await http(null, 'GET', `/groups/1?token=${BAD_TOKEN}`, undefined, `Bearer ${BAD_TOKEN}`);
    await http(null, 'GET', `/groups/1?x=1&private_token=${user.token}`);

    const log = logLines.join('');
    expect(log).toContain('message stored'); // the capture works
    expect(log).toContain('incoming request');
    expect(log).toContain('"url":"/api/v1/groups/1?x=1&private_token=[redacted]"');
    for (const secret of [ADMIN, user.token, BAD_TOKEN, BODY_MARKER, NOTE_MARKER]) {
      const hits = logLines.filter((line) => line.includes(secret));
      expect({ secret, hits }).toEqual({ secret, hits: [] });
    }
  });
});
