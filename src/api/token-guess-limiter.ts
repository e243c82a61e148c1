import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
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
  const counts = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    keyPrefix: `${prefix}:token-guesses`,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(options),
  });
  return {
    async waitMs(client) {
      const seen = await counts.get(client);
      return seen && seen.consumedPoints > limits.limit ? seen.msBeforeNext : 0;
    },
    async record(client) {
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
