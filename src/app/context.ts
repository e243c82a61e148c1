import type { Redis } from 'ioredis';
import type { Config } from '../config/env';
import { openDatabase, type Database } from '../db/database';
import type { ServiceDeskAddressing } from '../domain/mail/service-desk-address';
import type { Logger } from '../logger';
import { DeskMetrics, STUCK_RECEIVED_AFTER_MS } from '../metrics/desk-metrics';
import { startMinuteSummary } from '../metrics/minute-summary';
import {
  createProducerRedis,
  createQueues,
  type QueueSet,
  type QueueSettings,
} from '../queue/connection';
import { OutboxRelay, type RELAY_TIMINGS } from '../queue/outbox-relay';
import { jobCounts, oldestWaitingAges } from '../queue/queue-depth';
import { Store } from '../repositories/store';

/** Every long-lived connection of one desk process, built in one place and closed in one place. */
export interface AppContext {
  config: Config;
  logger: Logger;
  database: Database;
  store: Store;
  redis: Redis;
  queues: QueueSet;
  relay: OutboxRelay;
  addressing: ServiceDeskAddressing;
  queueSettings: QueueSettings;
  metrics: DeskMetrics;
  close(): Promise<void>;
}

/** Timings operators never set (their settings are the Config); tests shorten them in code. */
export interface ContextTuning {
  relay?: Partial<typeof RELAY_TIMINGS>;
  dbConnectTimeoutMs?: number;
  /** How often the summary line is logged (SUMMARY_INTERVAL_MS, a minute). */
  summaryIntervalMs?: number;
}

export async function createContext(
  config: Config,
  logger: Logger,
  tuning: ContextTuning = {},
): Promise<AppContext> {
  const database = await openDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    connectTimeoutMs: tuning.dbConnectTimeoutMs,
  });
  const store = new Store(database.dataSource);
  const redis = createProducerRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queueSettings: QueueSettings = {
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    attempts: config.JOB_ATTEMPTS,
    backoffMs: config.JOB_BACKOFF_MS,
  };
  const queues = createQueues(redis, queueSettings);
  const relay = new OutboxRelay(store, queues, redis, logger.child({ module: 'outbox' }), {
    ...tuning.relay,
    prefix: config.QUEUE_PREFIX,
  });
  const metrics = new DeskMetrics({
    logger: logger.child({ module: 'metrics' }),
    sources: {
      jobCounts: () => jobCounts(queues),
      oldestWaitingAges: () => oldestWaitingAges(queues),
      unpublishedOutboxRows: () => store.run((repos) => repos.outbox.countUnpublished()),
      stuckReceivedEmails: () =>
        store.run((repos) => repos.inboundEmails.countReceivedBefore(STUCK_RECEIVED_AFTER_MS)),
    },
  });
  const stopSummary = startMinuteSummary(
    metrics,
    async () => (await jobCounts(queues)).reduce((sum, q) => sum + q.waiting, 0),
    logger.child({ module: 'summary' }),
    tuning.summaryIntervalMs,
  );
  return {
    config,
    logger,
    database,
    store,
    redis,
    queues,
    relay,
    addressing: { localPart: config.SERVICE_DESK_LOCAL_PART, domain: config.SERVICE_DESK_DOMAIN },
    queueSettings,
    metrics,
    async close() {
      stopSummary();
      await relay.stop();
      await Promise.all([...queues.values()].map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
      await database.close();
      metrics.close();
    },
  };
}
