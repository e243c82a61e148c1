import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger';
import { registerHealthRoutes, type HealthChecks } from './health.routes';

export interface OpsDeps {
  logger: Logger;
  health: HealthChecks;
}

/**
 * What a process without the api role serves on API_PORT, so an orchestrator can check every
 * process the same way: the health routes, nothing of the admin API.
 */
export function buildOpsServer(deps: OpsDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });
  registerHealthRoutes(app, deps.health);
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({
      error: 'not found',
      message:
        'this desk process runs without the api role (DESK_ROLES): it serves /healthz and /readyz only',
    }),
  );
  return app;
}
