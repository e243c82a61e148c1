import { isIP } from 'node:net';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import type { TokenGuesses } from '../domain/access/token-guesses';
import type { Logger } from '../logger';
import type { RedisClient } from '../queue/redis-target';

/**
 * 30 unknown tokens from one address within 10 minutes, and it waits 10 minutes: far more than a
 * person mistyping or a script with a revoked token needs, far too few to guess a 48-character
 * token. GitLab bans an address for failed Git/API sign-ins in the same way (Rack::Attack).
 */
export const TOKEN_GUESSES = { limit: 30, windowSeconds: 600, waitSeconds: 600 };

/**
 * Whose X-Forwarded-For names the client (fastify's trustProxy): a reverse proxy on this host or
 * in a private network beside desk. Without it every client behind the proxy would share one
 * count, and one script with a revoked token would lock them all out; a peer on a public address
 * cannot pose as another client this way.
 */
export const PROXY_PEERS = ['loopback', 'linklocal', 'uniquelocal'];

/** Past this, Redis counts as away for the request in hand: a stalled Redis must not stall sign-ins. */
const REDIS_TIMEOUT_MS = 250;

/**
 * What one client is counted as: an IPv4 address, or an IPv6 /64, the block one host or home is
 * given (counting each IPv6 address would let a client rotate through 2^64 of them).
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Counts in Redis, so every api process of a deployment shares one count per address. While
 * Redis is away each process counts on its own (in memory) rather than letting guesses through.
 */
export function createTokenGuessLimiter(
  redis: RedisClient,
  prefix: string,
  logger: Logger,
  limits = TOKEN_GUESSES,
): TokenGuesses {
  const options = {
    points: limits.limit,
    duration: limits.windowSeconds,
    blockDuration: limits.waitSeconds,
  };
  const counts = new RLWrapperTimeouts({
    limiter: new RateLimiterRedis({
      ...options,
      storeClient: redis,
      keyPrefix: `${prefix}:token-guesses`,
      rejectIfRedisNotReady: true,
    }),
    timeoutMs: REDIS_TIMEOUT_MS,
    // the wrapper hands its own blockDuration to the insurance: without it, none
    blockDuration: options.blockDuration,
    insuranceLimiter: new RateLimiterMemory(options),
  });
  return {
    async waitMs(address) {
      const seen = await counts.get(clientKey(address));
      return seen && seen.consumedPoints > limits.limit ? seen.msBeforeNext : 0;
    },
    async record(address) {
      const client = clientKey(address);
      try {
        await counts.consume(client);
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) throw outcome;
        // the one failure that starts the wait; those after it are refused before they count
        if (outcome.consumedPoints === limits.limit + 1)
          logger.warn(
            { client, unknownTokens: outcome.consumedPoints, waitSeconds: limits.waitSeconds },
            `refusing tokens from ${client} for ${limits.waitSeconds} s: ` +
              `${outcome.consumedPoints} unknown or revoked tokens within ${limits.windowSeconds} s`,
          );
      }
    },
  };
}
