import type { FastifyInstance } from 'fastify';
import { within } from '../app/within';

export interface HealthChecks {
  postgres: () => Promise<void>;
  redis: () => Promise<void>;
}

export function registerHealthRoutes(app: FastifyInstance, checks: HealthChecks): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Ready when PostgreSQL and Redis both answer; 503 names the one that does not. */
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(2000, check());
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, `unreachable: ${(err as Error).message}`] as const;
        }
      }),
    );
    const body = {
      status: results.every(([, v]) => v === 'ok') ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results),
    };
    return reply.status(body.status === 'ok' ? 200 : 503).send(body);
  });
}
