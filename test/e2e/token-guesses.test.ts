import type { FastifyInstance } from 'fastify';
import { startDesk, type RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { createRootLogger } from '../../src/logger';
import { NO_RECORDS } from '../support/dns-records';
import { captureLogs } from '../support/log-capture';
import { clearQueuePrefix, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

const ADMIN_TOKEN = 'token-guesses-admin-secret';
const logs = captureLogs();
let db: TestDb;
let config: Config;
let desk: RunningDesk;
let app: FastifyInstance;

/** Each test guesses from its own address, told through a proxy on loopback (X-Forwarded-For). */
const call = (from: string, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${desk.apiPort}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { 'x-forwarded-for': from, ...init.headers },
  });
const bearer = (from: string, token: string, path = '/api/v1/users') =>
  call(from, path, { headers: { authorization: `Bearer ${token}` } });
const signIn = (from: string, path: string, token: string) =>
  call(from, path, { method: 'POST', body: new URLSearchParams({ token }) });

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { DESK_ROLES: 'api', ADMIN_TOKEN });
  desk = await startDesk(config, createRootLogger('info', logs.stream), {
    resolveDns: NO_RECORDS,
    tokenGuesses: { limit: 3, windowSeconds: 60, waitSeconds: 60 },
    onApiBuilt: (api) => (app = api),
  });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const WAIT_SENTENCE =
  /Too many unknown or revoked tokens from your address; try again in [1-6]?\d seconds\./;

const refusals = () =>
  logs
    .lines()
    .filter((l) => l.msg.startsWith('refusing tokens'))
    .map((l) => l.msg);

describe('an address that presents too many unknown tokens', () => {
  it('gets 429 with Retry-After, even for a good token, while other addresses go on', async () => {
    for (let i = 0; i < 4; i++)
      expect((await bearer('203.0.113.1', `guess-${i}`)).status).toBe(401);
    const refused = await bearer('203.0.113.1', ADMIN_TOKEN);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: 'too many requests',
      message: expect.stringMatching(
        /^too many unknown or revoked tokens from your address; try again in [1-6]?\d seconds$/,
      ),
    });
    expect((await bearer('203.0.113.2', ADMIN_TOKEN)).status).toBe(200);
    // GraphQL and the metrics behind the same check
    const graphql = await call('203.0.113.1', '/api/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(429);
    expect(graphql.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await graphql.json()) as { errors: { extensions: object }[] };
    expect(body.errors[0]!.extensions).toEqual({ code: 'TooManyAttemptsError', status: 429 });
    expect((await bearer('203.0.113.1', ADMIN_TOKEN, '/metrics')).status).toBe(429);
    expect(refusals()).toEqual([
      'refusing tokens from 203.0.113.1 for 60 s: 4 unknown or revoked tokens within 60 s',
    ]);
  });

  it('does not count requests without a token, nor good tokens', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await call('203.0.113.3', '/api/v1/users')).status).toBe(401);
      expect((await bearer('203.0.113.3', ADMIN_TOKEN)).status).toBe(200);
    }
  });

  it('counts the sign-in forms and the session cookie alike, and says so on the page', async () => {
    for (let i = 0; i < 2; i++)
      expect((await signIn('203.0.113.4', '/admin/login', `guess-${i}`)).status).toBe(401);
    const page = await call('203.0.113.4', '/ui/groups', {
      headers: { cookie: `desk_session=guess-2`, accept: 'text/html' },
    });
    expect(page.status).toBe(303); // a stale session goes to the sign-in page, counted
    expect((await signIn('203.0.113.4', '/admin/login', 'guess-3')).status).toBe(401);

    const form = await signIn('203.0.113.4', '/admin/login', ADMIN_TOKEN);
    expect(form.status).toBe(429);
    expect(form.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await form.text()).toMatch(WAIT_SENTENCE);
    // the web pages' form, with its CSRF token and cookie as a browser sends them
    const login = await call('203.0.113.4', '/ui/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const uiForm = await call('203.0.113.4', '/ui/login', {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf, token: ADMIN_TOKEN }),
    });
    expect(uiForm.status).toBe(429);
    expect(await uiForm.text()).toMatch(WAIT_SENTENCE);
    const pages = await call('203.0.113.4', '/ui/groups', {
      headers: { cookie: `desk_session=${ADMIN_TOKEN}`, accept: 'text/html' },
    });
    expect(pages.status).toBe(429);
    expect(await pages.text()).toContain('<h1>Too many attempts</h1>');
  });

  it('believes X-Forwarded-For from a proxy on a private address only, never from a public peer', async () => {
    const inject = (remoteAddress: string, forwarded: string, token: string) =>
      app.inject({
        url: '/api/v1/users',
        remoteAddress,
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': forwarded },
      });
    // a client on a public address cannot pose as a new one for each guess
    for (let n = 0; n < 4; n++)
      expect((await inject('198.51.100.20', `192.0.2.${n}`, `guess-${n}`)).statusCode).toBe(401);
    expect((await inject('198.51.100.20', '192.0.2.9', ADMIN_TOKEN)).statusCode).toBe(429);

    // behind a proxy on a private network each client counts on its own: the guesser waits, the
    // proxy's other clients go on
    for (let n = 0; n < 4; n++)
      expect((await inject('10.0.0.2', '198.51.100.30', `guess-${n}`)).statusCode).toBe(401);
    expect((await inject('10.0.0.2', '198.51.100.30', ADMIN_TOKEN)).statusCode).toBe(429);
    expect((await inject('10.0.0.2', '198.51.100.31', ADMIN_TOKEN)).statusCode).toBe(200);
    // what a client wrote into the header before the proxy added its peer does not count
    expect((await inject('10.0.0.2', '192.0.2.77, 198.51.100.30', ADMIN_TOKEN)).statusCode).toBe(
      429,
    );
    // a header that names no address counts as the proxy itself, not as a new client each time
    for (let n = 0; n < 4; n++)
      expect((await inject('10.0.0.3', `not-an-address-${n}`, 'guess')).statusCode).toBe(401);
    expect((await inject('10.0.0.3', 'not-an-address-9', ADMIN_TOKEN)).statusCode).toBe(429);
    expect(refusals()).toEqual(
      expect.arrayContaining([
        'refusing tokens from 198.51.100.20 for 60 s: 4 unknown or revoked tokens within 60 s',
        'refusing tokens from 198.51.100.30 for 60 s: 4 unknown or revoked tokens within 60 s',
        'refusing tokens from 10.0.0.3 for 60 s: 4 unknown or revoked tokens within 60 s',
      ]),
    );
    expect(refusals().join('\n')).not.toMatch(/192\.0\.2\.|not-an-address/);
  });
});
