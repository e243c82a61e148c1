import { loadConfig } from '../../src/config/env';
import { parseRedisUrl } from '../../src/config/redis-url';
import { safeUrl } from '../../src/config/safe-url';
import { queuePrefix } from '../../src/queue/redis-target';

describe('REDIS_URL naming a Redis Cluster', () => {
  it('reads the nodes, credentials and TLS of a redis+cluster:// URL', () => {
    expect(parseRedisUrl('rediss+cluster://desk:s%40cret@10.0.0.1:7000,[::1]:7001,cache')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'cache', port: 6379 },
      ],
      auth: { username: 'desk', password: 's@cret' },
      tls: true,
    });
    expect(parseRedisUrl('redis://cache:6379')).toEqual({
      kind: 'server',
      url: 'redis://cache:6379',
    });
  });

  it('hash-tags the queue prefix on a cluster only, so a queue’s keys share one slot', () => {
    expect(queuePrefix('redis+cluster://a:7000,b:7000', 'desk')).toBe('{desk}');
    expect(queuePrefix('redis://a:6379', 'desk')).toBe('desk');
  });

  it('accepts cluster URLs in the config and refuses broken node lists', () => {
    expect(loadConfig({ REDIS_URL: 'redis+cluster://a:7000,b:7001' }).REDIS_URL).toBe(
      'redis+cluster://a:7000,b:7001',
    );
    expect(() => loadConfig({ REDIS_URL: 'redis+cluster://a:7000,:x' })).toThrow(
      /^invalid REDIS_URL: expected a URL like redis:\/\/host:6379 or redis\+cluster:/,
    );
  });

  it('masks the password of a cluster URL in messages', () => {
    expect(safeUrl('redis+cluster://u:pw@a:7000,b:7001')).toBe(
      'redis+cluster://u:***@a:7000,b:7001',
    );
  });
});
