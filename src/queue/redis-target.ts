import IORedis, { Cluster, type RedisOptions } from 'ioredis';
import { isClusterUrl, parseRedisUrl } from '../config/redis-url';

/** A Redis client desk uses: one server, or a Redis Cluster (ioredis `Cluster`). */
export type RedisClient = IORedis | Cluster;

/**
 * BullMQ runs Lua scripts over many keys of a queue, which a Redis Cluster allows only when they
 * hash to one slot: on a cluster the prefix is a hash tag (`{desk}`), as BullMQ's docs say. All
 * of desk's keys share it (the relay's marker too), so they live on one master (docs/deploy.md).
 */
export function queuePrefix(redisUrl: string, prefix: string): string {
  return isClusterUrl(redisUrl) ? `{${prefix}}` : prefix;
}

/** One client for the URL, with the given per-connection options (on each node of a cluster). */
export function createRedisClient(
  url: string,
  options: RedisOptions,
  cluster: { retry?: boolean } = {},
): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === 'server') return new IORedis(url, options);
  const { lazyConnect, ...perNode } = options;
  return new Cluster(target.nodes, {
    lazyConnect,
    redisOptions: { ...target.auth, ...(target.tls ? { tls: {} } : {}), ...perNode },
    ...(cluster.retry === false ? { clusterRetryStrategy: () => null } : {}),
  });
}
