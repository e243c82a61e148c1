import { createServer } from 'node:net';
import { hasRole, type Config } from '../src/config/env';
import { safeUrl } from '../src/config/safe-url';
import type { Logger } from '../src/logger';
import { pingRedis } from '../src/queue/connection';

/** A mistake desk cannot start with; the message is the one line an operator sees. */
export class StartupError extends Error {}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** What to do about a dependency that did not answer, told from how it failed. */
function hintFor(variable: string, url: string, err: { code?: string; message?: string }): string {
  const { hostname } = new URL(url);
  const code = err.code ?? '';
  if (code === '28P01' || code === '28000' || /password|NOAUTH|WRONGPASS/i.test(err.message ?? ''))
    return `check the user and password in ${variable}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host "${hostname}" is not known: check ${variable}`;
  if (code === 'ECONNREFUSED' && LOOPBACK.has(hostname))
    return 'nothing listens there: start it (with Docker: docker compose up -d postgres redis)';
  return `check that ${hostname} is up and reachable from here, or fix ${variable}`;
}

export function unreachable(
  what: 'PostgreSQL' | 'Redis',
  variable: string,
  url: string,
  err: unknown,
): StartupError {
  const e = (err ?? {}) as { code?: string; message?: string };
  return new StartupError(
    `cannot reach ${what} at ${safeUrl(url)} (${e.message ?? String(err)}); ${hintFor(variable, url, e)}`,
  );
}

export async function probeRedis(url: string): Promise<void> {
  try {
    await pingRedis(url);
  } catch (err) {
    throw unreachable('Redis', 'REDIS_URL', url, err);
  }
}

function portFree(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen(port, host, () => server.close(() => resolve(null)));
  });
}

/** Before any migration: a port another process holds stops start-up with one line. */
export async function assertPortsFree(config: Config): Promise<void> {
  const wanted = [
    ['smtp', 'SMTP_PORT', config.SMTP_HOST, config.SMTP_PORT],
    // every process serves its health checks there, the admin API too with the api role
    [null, 'API_PORT', config.API_HOST, config.API_PORT],
  ] as const;
  for (const [role, variable, host, port] of wanted) {
    if ((role && !hasRole(config, role)) || port === 0) continue;
    const err = await portFree(host, port);
    if (!err) continue;
    if (err.code === 'EADDRINUSE')
      throw new StartupError(
        `${variable} ${port} on ${host} is already in use (another desk?): stop that process or set ${variable}`,
      );
    if (err.code === 'EACCES')
      throw new StartupError(
        `${variable} ${port} needs privileges this process lacks: use a port above 1023 or run with CAP_NET_BIND_SERVICE`,
      );
    if (err.code === 'EADDRNOTAVAIL')
      throw new StartupError(
        `${host} is not an address of this machine: fix the host for ${variable}`,
      );
    throw new StartupError(`cannot listen on ${host}:${port} for ${variable} (${err.message})`);
  }
}

/** Without ADMIN_TOKEN a fresh desk has no token at all, and every API call answers 401. */
export function warnWithoutAdminToken(config: Config, logger: Logger): void {
  if (config.ADMIN_TOKEN || !hasRole(config, 'api')) return;
  logger.warn(
    'ADMIN_TOKEN is not set: the API accepts only tokens made for users, and refuses every call (401) until one exists; set ADMIN_TOKEN, or make one with: npm run desk -- token create --admin',
  );
}
