import type { FastifyInstance } from 'fastify';
import { buildApi } from '../src/api/api-server';
import { buildOpsServer } from '../src/api/ops-server';
import { createContext, type ContextTuning } from '../src/app/context';
import { hasRole, type Config } from '../src/config/env';
import { DatabaseCreateError, ensureDatabase } from '../src/db/ensure-database';
import { sha256Hex } from '../src/domain/access/api-token';
import { AcceptEmailService } from '../src/domain/inbound/accept-email.service';
import type { Logger } from '../src/logger';
import { MessageReceiver } from '../src/smtp/receive-message';
import { GROUP_COMMIT } from '../src/repositories/accept-batcher';
import { RECIPIENT_CACHE_MS } from '../src/smtp/recipient-cache';
import { createSmtpListener, type SmtpLimits } from '../src/smtp/smtp-listener';
import { createTokenGuessLimiter, TOKEN_GUESSES } from '../src/api/token-guess-limiter';
import { startWorkers } from '../workers/run-workers';
import {
  assertPortsFree,
  probeRedis,
  StartupError,
  unreachable,
  warnWithoutAdminToken,
} from './startup-checks';

export { StartupError } from './startup-checks';

export interface RunningDesk {
  smtpPort: number | null;
  apiPort: number;
  close(): Promise<void>;
}

/** Settings operators never set (theirs are the Config); tests shorten them in code. */
export interface DeskTuning extends ContextTuning {
  smtp?: Partial<SmtpLimits>;
  recipientCacheMs?: number;
  /** Unknown tokens an address may present before it waits (TOKEN_GUESSES). */
  tokenGuesses?: typeof TOKEN_GUESSES;
  /** Sees the HTTP server before it is ready: tests check its responses against the OpenAPI document. */
  onApiBuilt?: (app: FastifyInstance) => void;
}

export async function startDesk(
  config: Config,
  logger: Logger,
  tuning: DeskTuning = {},
): Promise<RunningDesk> {
  warnWithoutAdminToken(config, logger);
  await assertPortsFree(config);
  try {
    await ensureDatabase(config.DATABASE_URL, tuning.dbConnectTimeoutMs);
  } catch (err) {
    if (err instanceof DatabaseCreateError) throw new StartupError(err.message);
    throw unreachable('PostgreSQL', 'DATABASE_URL', config.DATABASE_URL, err);
  }
  await probeRedis(config.REDIS_URL);
  const ctx = await createContext(config, logger, tuning);
  try {
    const applied = await ctx.database.migrate();
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (err) {
    await ctx.close();
    throw err;
  }

  const closers: (() => Promise<void>)[] = [];
  let smtpPort: number | null = null;
  let apiPort: number;
  try {
    if (hasRole(config, 'worker')) {
      const workers = startWorkers(ctx);
      closers.push(async () => {
        await workers.close();
        logger.info('workers stopped');
      });
    }
    ctx.relay.start();
    if (hasRole(config, 'smtp')) {
      const receiver = new MessageReceiver({
        emails: new AcceptEmailService({
          store: ctx.store,
          publish: (rows) => ctx.relay.publish(rows),
          batch: GROUP_COMMIT,
        }),
        addressing: ctx.addressing,
        maxRecipients: config.SMTP_MAX_RECIPIENTS,
        recipientCacheMs: tuning.recipientCacheMs ?? RECIPIENT_CACHE_MS,
      });
      const smtp = createSmtpListener(
        receiver,
        {
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          serverName: config.SERVICE_DESK_DOMAIN,
          maxMessageBytes: config.SMTP_MAX_MESSAGE_BYTES,
          maxClients: config.SMTP_MAX_CLIENTS,
          maxClientsPerIp: config.SMTP_MAX_CLIENTS_PER_IP,
          ...tuning.smtp,
          tlsKeyPath: config.SMTP_TLS_KEY,
          tlsCertPath: config.SMTP_TLS_CERT,
        },
        logger.child({ module: 'smtp' }),
        ctx.metrics,
        ctx.outages,
      );
      smtpPort = await smtp.listen();
      closers.unshift(async () => {
        await smtp.close();
        logger.info('SMTP listener closed');
      });
      logger.info(
        { host: config.SMTP_HOST, port: smtpPort },
        `SMTP listening on ${config.SMTP_HOST}:${smtpPort}`,
      );
    }
    {
      const health = {
        postgres: () => ctx.store.ping(),
        redis: async () => void (await ctx.redis.ping()),
      };
      const adminTokenSha256 = config.ADMIN_TOKEN ? sha256Hex(config.ADMIN_TOKEN) : null;
      const guesses = createTokenGuessLimiter(
        ctx.redis,
        ctx.queueSettings.prefix,
        logger.child({ module: 'auth' }),
        tuning.tokenGuesses,
      );
      const serves = hasRole(config, 'api') ? 'API' : 'health checks';
      const api = hasRole(config, 'api')
        ? buildApi({
            logger: logger.child({ module: 'api' }),
            health,
            store: ctx.store,
            addressing: ctx.addressing,
            adminTokenSha256,
            guesses,
            publish: (rows) => ctx.relay.publish(rows),
            queues: [...ctx.queues.values()],
            metrics: ctx.metrics,
          })
        : buildOpsServer({
            logger: logger.child({ module: 'ops' }),
            health,
            auth: { store: ctx.store, adminTokenSha256, guesses },
            metrics: ctx.metrics,
          });
      tuning.onApiBuilt?.(api);
      await api.listen({ host: config.API_HOST, port: config.API_PORT });
      const address = api.server.address();
      apiPort = typeof address === 'object' && address ? address.port : config.API_PORT;
      closers.unshift(async () => {
        await api.close();
        logger.info(`${serves} closed`);
      });
      logger.info(
        { host: config.API_HOST, port: apiPort },
        `${serves} listening on http://${config.API_HOST}:${apiPort}`,
      );
    }
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    await ctx.close();
    throw err;
  }

  return {
    smtpPort,
    apiPort,
    async close() {
      for (const close of closers) await close();
      await ctx.close();
      logger.info('desk stopped');
    },
  };
}
