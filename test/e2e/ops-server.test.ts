import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { clearQueuePrefix, startTestDesk, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { DESK_ROLES: 'worker' });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const get = (path: string) => fetch(`http://127.0.0.1:${desk.apiPort}${path}`);

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

  it('serves nothing of the admin API, and says why', async () => {
    const res = await get('/api/v1/groups/1');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/without the api role/);
  });
});
