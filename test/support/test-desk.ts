import { randomBytes } from 'node:crypto';
import { startDesk, type DeskTuning, type RunningDesk } from '../../bin/start-desk';
import { loadConfig, type Config } from '../../src/config/env';
import { createRootLogger } from '../../src/logger';
import { NO_RECORDS } from './dns-records';
import { REDIS_URL, redisClient } from './services';

/** Config for a desk on ephemeral ports with its own queue prefix, against a test database. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

/**
 * A desk whose sweeper looks every 200 ms; a test shortens other timings with `tuning`. Offline,
 * its DNS knows no names unless the config names DNS_SERVERS (a stub on loopback).
 */
export async function startTestDesk(config: Config, tuning: DeskTuning = {}): Promise<RunningDesk> {
  return startDesk(config, createRootLogger(config.LOG_LEVEL), {
    jobBackoffMs: 100,
    ...(config.DNS_SERVERS.length === 0 ? { resolveDns: NO_RECORDS } : {}),
    ...tuning,
    relay: { sweepIntervalMs: 200, ...tuning.relay },
  });
}

/** Removes a test's queue keys so runs leave nothing behind in the shared Redis. */
export async function clearQueuePrefix(prefix: string): Promise<void> {
  const redis = redisClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
