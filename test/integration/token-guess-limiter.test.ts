import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import IORedis from 'ioredis';
import { createTokenGuessLimiter } from '../../src/api/token-guess-limiter';
import { createRootLogger } from '../../src/logger';
import { captureLogs } from '../support/log-capture';
import { clearQueuePrefix } from '../support/test-desk';
import { redisClient } from '../support/services';

const prefix = `tg${randomBytes(4).toString('hex')}`;
const limits = { limit: 2, windowSeconds: 60, waitSeconds: 120 };
const clients: IORedis[] = [];
/** Ready, as a desk's client is by the time its API serves. */
const connected = async () => {
  const client = redisClient();
  clients.push(client);
  await client.ping();
  return client;
};

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await clearQueuePrefix(prefix);
});

describe('token guess limiter', () => {
  it('shares one count per address between processes, and makes a guessing address wait', async () => {
    const logs = captureLogs();
    const one = createTokenGuessLimiter(
      await connected(),
      prefix,
      createRootLogger('info', logs.stream),
      limits,
    );
    const two = createTokenGuessLimiter(
      await connected(),
      prefix,
      createRootLogger('silent'),
      limits,
    );
    await one.record('203.0.113.9');
    await two.record('203.0.113.9');
    expect(await one.waitMs('203.0.113.9')).toBe(0); // at the limit, not past it
    await one.record('203.0.113.9');
    const wait = await two.waitMs('203.0.113.9');
    expect(wait).toBeGreaterThan(110_000);
    expect(wait).toBeLessThanOrEqual(120_000);
    expect(await two.waitMs('203.0.113.10')).toBe(0);
    await two.record('203.0.113.9'); // refused ones after the wait began are not announced again
    expect(logs.lines().map((l) => [l.level, l.msg])).toEqual([
      [40, 'refusing tokens from 203.0.113.9 for 120 s: 3 unknown or revoked tokens within 60 s'],
    ]);
  });

  it('counts in the process while Redis is away instead of letting guesses through', async () => {
    const away = new IORedis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    clients.push(away);
    const limiter = createTokenGuessLimiter(away, prefix, createRootLogger('silent'), limits);
    for (let i = 0; i < 3; i++) await limiter.record('198.51.100.7');
    expect(await limiter.waitMs('198.51.100.7')).toBeGreaterThan(110_000);
    expect(await limiter.waitMs('198.51.100.8')).toBe(0);
  });

  it('gives up on a Redis that stops answering within a request, and counts in the process', async () => {
    // answers the client's handshake, then nothing: a stall, not an outage ioredis would notice
    let stalling = false;
    const silent: Server = createServer((socket) =>
      socket.on('data', (chunk) => {
        if (stalling) return;
        const commands = chunk.toString().match(/(?:^|\r\n)\*\d+\r\n/g)?.length ?? 0;
        socket.write('+OK\r\n'.repeat(commands));
      }),
    );
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const stalled = new IORedis({ port, host: '127.0.0.1', enableReadyCheck: false });
    clients.push(stalled);
    await new Promise((r) => stalled.once('ready', r));
    stalling = true;
    const limiter = createTokenGuessLimiter(stalled, prefix, createRootLogger('silent'), limits);
    try {
      const started = Date.now();
      for (let i = 0; i < 3; i++) await limiter.record('192.0.2.44');
      expect(await limiter.waitMs('192.0.2.44')).toBeGreaterThan(110_000);
      // four calls, each given up after 250 ms
      expect(Date.now() - started).toBeLessThan(4 * 250 + 1000);
    } finally {
      stalled.disconnect();
      silent.close();
    }
  });
});
