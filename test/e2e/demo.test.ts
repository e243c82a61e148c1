import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { runTsx } from '../support/run-tsx';
import { clearQueuePrefix, startTestDesk, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

jest.setTimeout(120_000);

const TOKEN = 'demo-admin-token';
let db: TestDb;
let config: Config;
let desk: RunningDesk;

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: TOKEN });
  desk = await startTestDesk(config);
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

const demo = (env: Record<string, string>) =>
  runTsx('scripts/demo.ts', [], {
    DESK_API_URL: `http://127.0.0.1:${desk.apiPort}`,
    DESK_SMTP: `127.0.0.1:${desk.smtpPort}`,
    DESK_TOKEN: '', // whatever the runner's shell holds
    ...env,
  });

describe('npm run demo', () => {
  it('makes tickets linked to active contacts only and shows the two ignored mails with their reasons', async () => {
    const run = await demo({ ADMIN_TOKEN: TOKEN });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    const ticket = (iid: number) => lines.find((l) => l.startsWith(`#${iid} `))!;

    expect(ticket(1)).toMatch(
      /^#1\s+Printer on fire\s+alice@customer\.example\s+Alice Anders <alice@customer\.example>$/,
    );
    expect(ticket(2)).toMatch(
      /^#2\s+VPN down\s+dave@customer\.example\s+Bob Brown <bob@customer\.example>$/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^#2\s+carol@customer\.example\s+cc\s+not linked: the contact with this address is inactive$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\d+\s+alice@customer\.example\s+note_added$/),
    );
    expect(lines).toContain('Ignored, no ticket (2):');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}email \d+ from alice@customer\.example: auto-reply: Auto-Submitted: auto-replied$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}email \d+ from <>: bounce: multipart\/report$/),
    );
    expect(run.stdout).toContain(`http://127.0.0.1:${desk.apiPort}/docs`);
  });

  it('says in one line how to get a token when none is given, and exits 2', async () => {
    const run = await demo({});
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(
      'demo: the demo needs an admin token: set DESK_TOKEN to one from `npm run desk -- token create --admin`, or ADMIN_TOKEN to the desk’s\n',
    );
  });
});
