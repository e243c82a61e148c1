import type { Socket } from 'node:net';
import type { Config } from '../config/env';
import { safeUrl } from '../config/safe-url';
import { databaseName, type DatabaseStatus } from '../db/database-status';
import { adminTokenExists } from '../domain/access/users.service';
import { pingRedis } from '../queue/connection';
import { Store } from '../repositories/store';
import { RUN_DESK_ONCE } from './cli-session';
import { firstLine, listenError, reachableHost, tcpConnect } from './port-check';

export interface CheckLine {
  state: 'ok' | 'FAIL' | 'skip';
  text: string;
}

const ok = (text: string): CheckLine => ({ state: 'ok', text });
const fail = (text: string): CheckLine => ({ state: 'FAIL', text });
const skip = (text: string): CheckLine => ({ state: 'skip', text });

const range = (names: string[]) =>
  names.length <= 2 ? names.join(', ') : `${names[0]} … ${names[names.length - 1]}`;

export function databaseChecks(config: Config, status: DatabaseStatus): CheckLine[] {
  const at = safeUrl(config.DATABASE_URL);
  if (status.kind === 'unreachable')
    return [
      fail(`PostgreSQL at ${at}: ${status.reason}; start it or fix DATABASE_URL`),
      skip('database: PostgreSQL unreachable'),
      skip('migrations: PostgreSQL unreachable'),
    ];
  const reachable = ok(`PostgreSQL reachable at ${at}`);
  if (status.kind === 'missing')
    return [
      reachable,
      fail(`database "${status.name}" does not exist: ${RUN_DESK_ONCE}`),
      skip('migrations: no database'),
    ];
  const { pending } = status;
  return [
    reachable,
    ok(`database "${databaseName(config.DATABASE_URL)}" exists`),
    pending.length === 0
      ? ok('migrations: all applied')
      : fail(`migrations: ${pending.length} pending (${range(pending)}): ${RUN_DESK_ONCE}`),
  ];
}

export async function redisCheck(config: Config): Promise<CheckLine> {
  const at = safeUrl(config.REDIS_URL);
  try {
    await pingRedis(config.REDIS_URL);
    return ok(`Redis reachable at ${at}`);
  } catch (err) {
    return fail(`Redis at ${at}: ${(err as Error).message}; start it or fix REDIS_URL`);
  }
}

/** Recognises a running desk by what it answers: its SMTP greeting, its OpenAPI title. */
const isDesk = {
  smtp: async (socket: Socket) => /^220 .*\bdesk\b/.test(await firstLine(socket)),
  api: async (socket: Socket, host: string, port: number) => {
    socket.destroy();
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/docs/json`;
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    const doc = (await res?.json().catch(() => null)) as { info?: { title?: string } } | null;
    return doc?.info?.title === 'desk admin API';
  },
};

export async function portCheck(
  role: 'smtp' | 'api',
  host: string,
  port: number,
): Promise<CheckLine> {
  const variable = role === 'smtp' ? 'SMTP_PORT' : 'API_PORT';
  const what = `${role === 'smtp' ? 'SMTP' : 'API'} port ${host}:${port}`;
  if (port === 0) return ok(`${what}: any free port is taken at start`);
  const target = reachableHost(host);
  const connected = await tcpConnect(target, port);
  if (typeof connected === 'string') {
    const why = await listenError(host, port);
    if (why === null) return ok(`${what}: free`);
    return fail(`${what}: cannot listen (${why}); choose another ${variable} or free the port`);
  }
  if (await isDesk[role](connected, target, port)) return ok(`${what}: in use by a running desk`);
  return fail(`${what}: in use by another program; stop it or set ${variable}`);
}

export async function adminTokenCheck(config: Config, status: DatabaseStatus): Promise<CheckLine> {
  if (config.ADMIN_TOKEN) return ok('admin access: ADMIN_TOKEN is set');
  if (status.kind !== 'open' || status.pending.length > 0)
    return skip('admin access: database not ready, and ADMIN_TOKEN is not set');
  if (await adminTokenExists(new Store(status.database.dataSource)))
    return ok('admin access: an instance admin token exists');
  return fail('admin access: no admin token; run: desk token create --admin (or set ADMIN_TOKEN)');
}
