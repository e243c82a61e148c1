import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { clearQueuePrefix, startTestDesk, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const ADMIN = 'ops-server-admin-token';

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { DESK_ROLES: 'worker', ADMIN_TOKEN: ADMIN });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const get = (path: string, token?: string) =>
  fetch(`http://127.0.0.1:${desk.apiPort}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('a process without the api role', () => {
  it('answers /readyz and /healthz on API_PORT, as an orchestrator checks every process', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok' },
    });
    expect((await get('/healthz')).status).toBe(200);
  });

  it('serves its own metrics to the admin token, so Prometheus scrapes every process', async () => {
    expect((await get('/metrics')).status).toBe(401);
    const res = await get('/metrics', ADMIN);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/^desk_queue_jobs\{queue="ingest-email",state="waiting"\} \d+$/m);
    expect(body).toContain('process_cpu_seconds_total');
  });

  it('serves nothing of the admin API, and says why', async () => {
    const res = await get('/api/v1/groups/1');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/without the api role/);
  });
});
