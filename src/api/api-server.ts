import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger';
import { registerHealthRoutes, type HealthChecks } from './health.routes';

export interface ApiDeps {
  logger: Logger;
  health: HealthChecks;
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: 1024 * 1024 });
  app.setErrorHandler(
    (err: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) request.log.error({ err }, 'request failed');
      void reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
    },
  );
  registerHealthRoutes(app, deps.health);
  return app;
}
