import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AuthDeps } from '../domain/access/authenticate.service';
import type { Logger } from '../logger';
import { mapError } from './error-mapper';
import { healthRoutes, type HealthChecks } from './health.routes';
import { metricsRoutes, type MetricsExposition } from './metrics.routes';
import { PROXY_PEERS } from './token-guess-limiter';

export interface OpsDeps {
  logger: Logger;
  health: HealthChecks;
  auth: AuthDeps;
  metrics: MetricsExposition;
}

/**
 * What a process without the api role serves on API_PORT, so an orchestrator can check every
 * process the same way, and Prometheus scrape each: the health routes and /metrics, nothing of
 * the admin API.
 */
export function buildOpsServer(deps: OpsDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: PROXY_PEERS,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(mapError);
  void app.register(healthRoutes(deps.health));
  void app.register(metricsRoutes(deps.auth, deps.metrics));
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({
      error: 'not found',
      message:
        'this desk process runs without the api role (DESK_ROLES): it serves /healthz, /readyz and /metrics only',
    }),
  );
  return app;
}
