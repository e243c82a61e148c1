import { isIP } from 'node:net';
import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

const ROLES = ['smtp', 'worker', 'api'] as const;
export type Role = (typeof ROLES)[number];

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const port = (def: number) => z.coerce.number().int().min(0).max(65535).default(def);
const urlWithScheme = (def: string, schemes: RegExp, example: string) =>
  z.url({ protocol: schemes, error: `expected a URL like ${example}` }).default(def);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** `1.1.1.1`, `127.0.0.1:5353` or `[::1]:53`: the forms c-ares takes. */
function isDnsServer(entry: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return isIP(bracketed[1]!) === 6 && Number(bracketed[2] ?? 53) <= 65535;
  if (isIP(entry) !== 0) return true;
  const withPort = /^([^:]+):(\d{1,5})$/.exec(entry);
  return withPort !== null && isIP(withPort[1]!) === 4 && Number(withPort[2]) <= 65535;
}

/** What an operator sets (at most 25); every other setting is a constant beside its code. */
const schema = z.object({
  DATABASE_URL: urlWithScheme(
    'postgres://postgres@127.0.0.1:5432/desk',
    /^postgres(ql)?$/,
    'postgres://user:password@host:5432/desk',
  ),
  /** one server, or Redis Cluster nodes: redis+cluster://host1:7000,host2:7001 */
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine(
      (v) => {
        try {
          parseRedisUrl(v);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'expected a URL like redis://host:6379 or redis+cluster://host1:7000,host2:7001' },
    ),
  SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  SMTP_PORT: port(2525),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port(3000),
  SERVICE_DESK_DOMAIN: z.string().min(1).default('desk.localhost'),
  SERVICE_DESK_LOCAL_PART: z
    .string()
    .regex(/^[a-z0-9._]+$/i, 'letters, digits, dot and underscore only')
    .default('support'),
  ADMIN_TOKEN: optionalText,
  DESK_ROLES: z
    .string()
    .default('smtp,worker,api')
    .transform((v) => v.split(',').map((r) => r.trim()))
    .check((ctx) => {
      const bad = ctx.value.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length > 0 || ctx.value.length === 0)
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `${bad.map((r) => JSON.stringify(r)).join(', ') || 'nothing'} is not a role; use any of ${ROLES.join(',')}`,
        });
    })
    .transform((roles) => roles as Role[]),
  WORKER_CONCURRENCY: int(8, 1),
  SMTP_MAX_MESSAGE_BYTES: int(25 * 1024 * 1024, 1024),
  SMTP_MAX_RECIPIENTS: int(50, 1),
  SMTP_MAX_CLIENTS: int(500, 1),
  SMTP_MAX_CLIENTS_PER_IP: int(50, 1),
  SMTP_TLS_KEY: optionalText,
  SMTP_TLS_CERT: optionalText,
  CRM_MAX_CONTACTS_PER_EMAIL: int(25, 1),
  ATTACHMENT_MAX_COUNT: int(50, 0),
  ATTACHMENT_MAX_TOTAL_BYTES: int(25 * 1024 * 1024, 0),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i)
    .default('desk'),
  JOB_ATTEMPTS: int(10, 1),
  /** Resolvers for sender authentication, comma-separated; empty: the system's (resolv.conf). */
  DNS_SERVERS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .check((ctx) => {
      const bad = ctx.value.filter((s) => !isDnsServer(s));
      if (bad.length > 0)
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `${bad.map((s) => JSON.stringify(s)).join(', ')} is not an IP address (with an optional :port)`,
        });
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json for collectors; pretty for a person at a terminal */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
});

export type Config = z.infer<typeof schema>;

export const ENV_VARIABLES = Object.keys(schema.shape);

export class ConfigError extends Error {}

/** Reads and validates the environment once; the first bad variable is named in one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path[0]?.toString() ?? 'environment';
  throw new ConfigError(
    `invalid ${name}: ${issue?.message ?? 'bad value'} (got ${JSON.stringify(env[name] ?? '')})`,
  );
}

/**
 * Connections per process: one per job that may run at once on each of the two queues, and a few
 * for the SMTP group commit, the API and the outbox relay (20 at the default concurrency of 8).
 */
export function dbPoolSize(config: Config): number {
  return 2 * config.WORKER_CONCURRENCY + 4;
}

/** The runtime's NODE_ENV, not an operator's setting: production turns development aids off. */
export function inProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV === 'production';
}

export function hasRole(config: Config, role: Role): boolean {
  return config.DESK_ROLES.includes(role);
}
