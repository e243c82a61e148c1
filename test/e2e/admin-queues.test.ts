import { mkdirSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Browser } from 'playwright-core';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { sha256Hex } from '../../src/domain/access/api-token';
import { JOBS } from '../../src/queue/jobs';
import { redisClient } from '../support/services';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { launchChromium } from '../support/browser';
import { createTestDb, type TestDb } from '../support/test-db';

const ADMIN_TOKEN = 'queues-admin-secret';
const FAILED_JOB = 'bad-payload-1';
let db: TestDb;
let config: Config;
let desk: RunningDesk;
let browser: Browser;

const url = (path: string) => `http://127.0.0.1:${desk.apiPort}${path}`;
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(url(path), { headers, redirect: 'manual' });
const signIn = (token: string, headers: Record<string, string> = {}) =>
  fetch(url('/admin/login'), {
    method: 'POST',
    headers,
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });

async function createToken(isAdmin: boolean): Promise<string> {
  const call = async (path: string, body: object) =>
    (await fetch(url(`/api/v1${path}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as { id: number; token: string };
  const name = `${isAdmin ? 'admin' : 'staff'}${Math.random().toString(36).slice(2, 8)}`;
  const user = await call('/users', { username: name, name, email: `${name}@x.example`, isAdmin });
  return (await call(`/users/${user.id}/tokens`, { name: 't' })).token;
}

/** A job the ingest worker cannot parse fails at once, for good (UnrecoverableError). */
async function failOneIngestJob(): Promise<void> {
  const connection = redisClient();
  const queue = new Queue(JOBS.ingestEmail, { connection, prefix: config.QUEUE_PREFIX });
  try {
    const job = await queue.add(JOBS.ingestEmail, { nonsense: true }, { jobId: FAILED_JOB });
    await waitFor('the job to fail', async () => (await job.getState()) === 'failed');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN });
  desk = await startTestDesk(config);
  browser = await launchChromium();
  await failOneIngestJob();
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
  if (config) await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

describe('Bull Board at /admin/queues, for instance admins', () => {
  it('an admin signs in through the token form and sees the failed ingest job', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();

    await page.goto(url('/admin/queues'));
    expect(new URL(page.url()).pathname).toBe('/admin/login');

    await page.fill('input[name=token]', 'not-a-token');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    expect(refused.status()).toBe(401);
    await page.getByText('That token is unknown or revoked.').waitFor();

    await page.fill('input[name=token]', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(url('/admin/queues')), page.click('button[type=submit]')]);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'desk_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: false,
    });

    await page.goto(url(`/admin/queues/queue/${JOBS.ingestEmail}?status=failed`));
    await page.getByText(FAILED_JOB).first().waitFor({ timeout: 15_000 });
    await page
      .getByText(/invalid job payload/)
      .first()
      .waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/admin-queues.png', fullPage: true });

    await page.goto(url('/admin/logout'));
    await Promise.all([page.waitForURL(url('/admin/login')), page.click('button[type=submit]')]);
    expect(await context.cookies()).toEqual([]);
    await page.goto(url('/admin/queues'));
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await context.close();
  });

  it('refuses requests without credentials: a browser goes to the login form, a script gets 401', async () => {
    const browserLike = await get('/admin/queues', { accept: 'text/html,*/*' });
    expect(browserLike.status).toBe(303);
    expect(browserLike.headers.get('location')).toBe('/admin/login');

    const script = await get('/admin/queues/api/queues');
    expect(script.status).toBe(401);
    expect(await script.json()).toMatchObject({ error: 'unauthorized' });

    const wrong = await get('/admin/queues', { authorization: 'Bearer nope', accept: 'text/html' });
    expect(wrong.status).toBe(401);
  });

  it('answers 403 to a valid token of someone who is not an instance admin', async () => {
    const token = await createToken(false);
    const json = await get('/admin/queues/api/queues', { authorization: `Bearer ${token}` });
    expect(json.status).toBe(403);
    expect(await json.json()).toMatchObject({ error: 'forbidden' });

    const html = await get('/admin/queues', {
      authorization: `Bearer ${token}`,
      accept: 'text/html',
    });
    expect(html.status).toBe(403);
    expect(await html.text()).toMatch(/instance admins only/);

    const form = await signIn(token);
    expect(form.status).toBe(403);
    expect(form.headers.get('set-cookie')).toBeNull();
  });

  it('opens with an admin bearer token, and a revoked token ends the browser session', async () => {
    const bearer = await get('/admin/queues/api/queues', {
      authorization: `Bearer ${ADMIN_TOKEN}`,
    });
    expect(bearer.status).toBe(200);
    const names = ((await bearer.json()) as { queues: { name: string }[] }).queues.map(
      (q) => q.name,
    );
    expect(names.sort()).toEqual(Object.values(JOBS).sort());

    const token = await createToken(true);
    const signedIn = await signIn(token);
    expect(signedIn.status).toBe(303);
    const setCookie = signedIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    expect((await get('/admin/queues', { cookie, accept: 'text/html' })).status).toBe(200);

    await db.dataSource.query('UPDATE api_tokens SET revoked_at = now() WHERE token_sha256 = $1', [
      sha256Hex(token),
    ]);
    const after = await get('/admin/queues', { cookie, accept: 'text/html' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/admin/login');
  });

  it('refuses a sign-in form posted from another site', async () => {
    const res = await signIn(ADMIN_TOKEN, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('keeps the admin pages out of the OpenAPI document', async () => {
    const doc = (await (await get('/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});
