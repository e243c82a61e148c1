import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { within } from '../app/within';

export interface HealthChecks {
  postgres: () => Promise<void>;
  redis: () => Promise<void>;
}

const tags = ['health'];
/** Orchestrators and load balancers call these without a token. */
const security: [] = [];

const check = z.string().describe('ok, or unreachable: why');
const readiness = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ postgres: check, redis: check }),
  })
  .meta({ id: 'Readiness', description: 'Whether PostgreSQL and Redis answer' });

async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await within(2000, check());
    return 'ok';
  } catch (err) {
    return `unreachable: ${(err as Error).message}`;
  }
}

/** A plugin: registered after @fastify/swagger, which documents only routes added after it. */
export const healthRoutes =
  (checks: HealthChecks): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          operationId: 'checkLiveness',
          tags,
          security,
          summary: 'The process answers',
          response: { 200: z.object({ status: z.literal('ok') }).describe('The process answers') },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          operationId: 'checkReadiness',
          tags,
          security,
          summary: 'Ready when PostgreSQL and Redis both answer; 503 names the one that does not',
          response: {
            200: readiness.describe('PostgreSQL and Redis answer'),
            503: readiness.describe('PostgreSQL or Redis does not answer'),
          },
        },
      },
      async (_request, reply) => {
        const [postgres, redis] = await Promise.all([probe(checks.postgres), probe(checks.redis)]);
        const ready = postgres === 'ok' && redis === 'ok';
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ok' : 'unavailable', checks: { postgres, redis } });
      },
    );
  };
