import type { FastifyPluginAsync } from 'fastify';
import type { AuthDeps } from '../domain/access/authenticate.service';
import { ForbiddenError } from '../errors';
import { actorOf, requireBearerToken } from './auth';

/** What /metrics serves: Prometheus' text format. */
export interface MetricsExposition {
  contentType: string;
  render(): Promise<string>;
}

/** `GET /metrics` for Prometheus, with the instance-admin token only (it shows queue depths). */
export const metricsRoutes =
  (auth: AuthDeps, metrics: MetricsExposition): FastifyPluginAsync =>
  async (app) => {
    requireBearerToken(app, auth);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!actorOf(request).isAdmin) throw new ForbiddenError('metrics are for instance admins');
      return reply.type(metrics.contentType).send(await metrics.render());
    });
  };
