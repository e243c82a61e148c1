import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDesk, StartupError } from '../../bin/start-desk';
import { createRootLogger } from '../../src/logger';
import { captureLogs } from '../support/log-capture';
import { databaseUrl, withAdminClient } from '../support/services';
import { clearQueuePrefix, testConfig } from '../support/test-desk';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `bin/desk.ts` as an operator would and returns its exit code and output. */
async function deskCommand(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(TSX, [join(ROOT, 'bin', 'desk.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const databaseExists = (name: string) =>
  withAdminClient(
    async (c) =>
      (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );

/** Reached only by the Redis case: desk creates it before it finds Redis away. */
const SCRATCH_DB = `desk_startup_${process.pid}`;

async function startupError(overrides: Record<string, string>): Promise<string> {
  const config = testConfig(overrides.DATABASE_URL ?? databaseUrl(SCRATCH_DB), overrides);
  const err = await startDesk(config, createRootLogger('info', captureLogs().stream)).then(
    async (desk) => {
      await desk.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartupError);
  return (err as Error).message;
}

let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${SCRATCH_DB}" WITH (FORCE)`));
});

describe('start-up mistakes get one clear line, before any migration', () => {
  it('names a bad DESK_ROLES value in one line on stderr and exits 2', async () => {
    const result = await deskCommand({ DESK_ROLES: 'smtp,mail' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'desk: invalid DESK_ROLES: "mail" is not a role; use any of smtp,worker,api (got "smtp,mail")\n',
    );
    expect(result.stdout).toBe('');
  });

  it('refuses a DATABASE_URL that is not postgres:// and shows the form it wants', async () => {
    const result = await deskCommand({ DATABASE_URL: 'mysql://root@127.0.0.1/desk' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^desk: invalid DATABASE_URL: expected a URL like postgres:\/\/user:password@host:5432\/desk/,
    );
  });

  it('says which port is in use, and touches no database', async () => {
    const name = `desk_port_busy_${process.pid}`;
    const message = await startupError({
      DATABASE_URL: databaseUrl(name),
      SMTP_PORT: String(busyPort),
      DESK_ROLES: 'smtp',
    });
    expect(message).toBe(
      `SMTP_PORT ${busyPort} on 127.0.0.1 is already in use (another desk?): stop that process or set SMTP_PORT`,
    );
    expect(await databaseExists(name)).toBe(false);
  });

  it('gives the docker compose hint only for a local server that is not running', async () => {
    const local = await startupError({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/desk' });
    expect(local).toMatch(
      /^cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/desk \(.*ECONNREFUSED.*\); nothing listens there: start it \(with Docker: docker compose up -d postgres redis\)$/,
    );
    const remote = await startupError({ DATABASE_URL: 'postgres://postgres@db.invalid:5432/desk' });
    expect(remote).toMatch(/; the host "db\.invalid" is not known: check DATABASE_URL$/);
    expect(remote).not.toContain('docker');
    const redis = await startupError({ REDIS_URL: 'redis://:secret@127.0.0.1:1' });
    expect(redis).toMatch(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 .*docker compose up/,
    );
  });

  it('warns, before migrating, that without ADMIN_TOKEN the API refuses every call', async () => {
    const logs = captureLogs();
    const name = `desk_no_admin_${process.pid}`;
    const config = testConfig(databaseUrl(name), { DESK_ROLES: 'api', LOG_LEVEL: 'info' });
    const desk = await startDesk(config, createRootLogger('info', logs.stream));
    const lines = logs.lines();
    try {
      const warning = lines.findIndex(
        (l) => l.level === 40 && l.msg.startsWith('ADMIN_TOKEN is not set'),
      );
      const migrated = lines.findIndex((l) => l.msg === 'database migrated');
      expect(warning).toBeGreaterThanOrEqual(0);
      expect(lines[warning]?.msg).toContain('npm run desk -- token create --admin');
      expect(migrated).toBeGreaterThan(warning);
    } finally {
      await desk.close();
      await clearQueuePrefix(config.QUEUE_PREFIX);
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});
