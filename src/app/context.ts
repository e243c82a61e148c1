import { dbPoolSize, type Config } from '../config/env';
import { openDatabase, type Database } from '../db/database';
import type { ServiceDeskAddressing } from '../domain/mail/service-desk-address';
import type { Logger } from '../logger';
import { createDnsClient, type DNS_CLIENT, type ResolveDns } from '../dns/dns-client';
import { DeskMetrics, STUCK_RECEIVED_AFTER_MS } from '../metrics/desk-metrics';
import { startMinuteSummary } from '../metrics/minute-summary';
import {
  createProducerRedis,
  createQueues,
  JOB_BACKOFF_MS,
  type QueueSet,
  type QueueSettings,
} from '../queue/connection';
import { OutboxRelay, type RELAY_TIMINGS } from '../queue/outbox-relay';
import { queuePrefix, type RedisClient } from '../queue/redis-target';
import { jobCounts, oldestWaitingAges } from '../queue/queue-depth';
import { Store } from '../repositories/store';
import { DependencyWatch } from './dependency-watch';

/** Every long-lived connection of one desk process, built in one place and closed in one place. */
export interface AppContext {
  config: Config;
  logger: Logger;
  database: Database;
  store: Store;
  redis: RedisClient;
  queues: QueueSet;
  relay: OutboxRelay;
  addressing: ServiceDeskAddressing;
  queueSettings: QueueSettings;
  /** One warning when PostgreSQL or Redis goes away, one when it is back. */
  outages: DependencyWatch;
  metrics: DeskMetrics;
  /** DNS for sender authentication: DNS_SERVERS (else the system's), deadlines and a cache. */
  resolveDns: ResolveDns;
  close(): Promise<void>;
}

/** Timings operators never set (their settings are the Config); tests shorten them in code. */
export interface ContextTuning {
  relay?: Partial<typeof RELAY_TIMINGS>;
  dbConnectTimeoutMs?: number;
  jobBackoffMs?: number;
  /** How often the summary line is logged (SUMMARY_INTERVAL_MS, a minute). */
  summaryIntervalMs?: number;
  /** DNS deadlines and cache (DNS_CLIENT). */
  dns?: Partial<typeof DNS_CLIENT>;
  /** In place of the DNS client (tests answer from a map, offline). */
  resolveDns?: ResolveDns;
}

/** Redis, the queues and the outbox relay: what publishes jobs, for a desk or a one-off command. */
export interface Publisher {
  redis: RedisClient;
  queues: QueueSet;
  relay: OutboxRelay;
  queueSettings: QueueSettings;
  outages: DependencyWatch;
  close(): Promise<void>;
}

export function openPublisher(
  config: Config,
  store: Store,
  logger: Logger,
  tuning: ContextTuning = {},
): Publisher {
  const redis = createProducerRedis(config.REDIS_URL);
  const outages = new DependencyWatch(logger.child({ module: 'dependencies' }), {
    PostgreSQL: () => store.ping(),
    Redis: async () => void (await redis.ping()),
  });
  redis.on('error', (err) => outages.failed('Redis', err, 'connection errors'));
  const queueSettings: QueueSettings = {
    redisUrl: config.REDIS_URL,
    prefix: queuePrefix(config.REDIS_URL, config.QUEUE_PREFIX),
    attempts: config.JOB_ATTEMPTS,
    backoffMs: tuning.jobBackoffMs ?? JOB_BACKOFF_MS,
  };
  const queues = createQueues(redis, queueSettings);
  // unheard, BullMQ prints a queue's connection errors to stderr with their stacks
  for (const queue of queues.values())
    queue.on('error', (err) => {
      if (!outages.report(err, 'queue connection errors'))
        logger.warn({ err: err.message, queue: queue.name }, 'queue error');
    });
  const relay = new OutboxRelay(store, queues, redis, logger.child({ module: 'outbox' }), {
    ...tuning.relay,
    prefix: queueSettings.prefix,
    outages,
  });
  return {
    redis,
    queues,
    relay,
    queueSettings,
    outages,
    async close() {
      await relay.stop();
      outages.stop();
      await Promise.all([...queues.values()].map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export async function createContext(
  config: Config,
  logger: Logger,
  tuning: ContextTuning = {},
): Promise<AppContext> {
  const database = await openDatabase({
    url: config.DATABASE_URL,
    poolSize: dbPoolSize(config),
    connectTimeoutMs: tuning.dbConnectTimeoutMs,
  });
  const store = new Store(database.dataSource);
  const { close: closePublisher, ...publisher } = openPublisher(config, store, logger, tuning);
  const { queues } = publisher;
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
    ...publisher,
    addressing: { localPart: config.SERVICE_DESK_LOCAL_PART, domain: config.SERVICE_DESK_DOMAIN },
    metrics,
    resolveDns: tuning.resolveDns ?? createDnsClient(config.DNS_SERVERS, tuning.dns),
    async close() {
      stopSummary();
      await closePublisher();
      await database.close();
      metrics.close();
    },
  };
}
