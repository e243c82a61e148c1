import { z } from 'zod';

const ROLES = ['smtp', 'worker', 'api'] as const;
export type Role = (typeof ROLES)[number];

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

const schema = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/desk'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  SMTP_PORT: int(2525),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: int(3000),
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
    .pipe(z.array(z.enum(ROLES)).min(1)),
  WORKER_CONCURRENCY: int(8, 1),
  SMTP_MAX_MESSAGE_BYTES: int(25 * 1024 * 1024, 1024),
  // mailparser refuses a header block over 1 MiB; desk refuses it at DATA instead
  SMTP_MAX_HEADER_BYTES: int(1024 * 1024, 1024),
  SMTP_MAX_RECIPIENTS: int(50, 1),
  SMTP_RECIPIENT_CACHE_MS: int(5000, 0),
  SMTP_COMMIT_BATCH_MAX: int(64, 1),
  SMTP_COMMIT_BATCH_BYTES: int(4 * 1024 * 1024, 1024),
  // one commit at a time makes batches twice as large: ~18 % less PostgreSQL CPU per accept
  SMTP_COMMITS_IN_FLIGHT: int(1, 1),
  SMTP_MAX_CLIENTS: int(500, 1),
  SMTP_MAX_CLIENTS_PER_IP: int(50, 1),
  SMTP_SOCKET_TIMEOUT_MS: int(60_000, 1000),
  SMTP_CLOSE_TIMEOUT_MS: int(30_000, 0),
  // the idle timeout restarts with every byte; this bounds the whole DATA phase
  SMTP_DATA_TIMEOUT_MS: int(600_000, 1000),
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
  JOB_BACKOFF_MS: int(1000, 1),
  OUTBOX_SWEEP_INTERVAL_MS: int(1000, 10),
  OUTBOX_REPUBLISH_AFTER_MS: int(300_000, 100),
  DB_POOL_SIZE: int(20, 1),
  DB_CONNECT_TIMEOUT_MS: int(5000, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Reads and validates the environment once; the first bad variable is named in one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.join('.') ?? 'environment';
  throw new ConfigError(
    `invalid ${name}: ${issue?.message ?? 'bad value'} (got ${JSON.stringify(env[name] ?? '')})`,
  );
}

export function hasRole(config: Config, role: Role): boolean {
  return config.DESK_ROLES.includes(role);
}
