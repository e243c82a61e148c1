import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { inProduction } from '../config/env';
import type { ServiceDeskAddressing } from '../domain/mail/service-desk-address';
import type { Logger } from '../logger';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';
import { adminLoginRoutes } from './admin/login.routes';
import { adminQueuesRoutes, QUEUES_PATH } from './admin/queues.routes';
import { requireBearerToken } from './auth';
import { mapError } from './error-mapper';
import { graphqlApi } from './graphql/graphql-api';
import { documentCommonErrors } from './responses/errors';
import { healthRoutes, type HealthChecks } from './health.routes';
import { swaggerOptions } from './openapi';
import { metricsRoutes, type MetricsExposition } from './metrics.routes';
import { contactsRoutes } from './routes/contacts.routes';
import { inboundEmailsRoutes } from './routes/inbound-emails.routes';
import { groupMembersRoutes } from './routes/group-members.routes';
import { groupsRoutes } from './routes/groups.routes';
import { movesRoutes } from './routes/moves.routes';
import { organizationsRoutes } from './routes/organizations.routes';
import { projectsRoutes } from './routes/projects.routes';
import { usersRoutes } from './routes/users.routes';
import { workItemContactsRoutes } from './routes/work-item-contacts.routes';
import { workItemsRoutes } from './routes/work-items.routes';
import { UI, uiRoutes } from '../ui/ui.routes';
import type { TokenGuesses } from '../domain/access/token-guesses';
import { PROXY_PEERS } from './token-guess-limiter';

export interface ApiDeps {
  logger: Logger;
  health: HealthChecks;
  store: Store;
  addressing: ServiceDeskAddressing;
  /** sha256 of ADMIN_TOKEN, when configured. */
  adminTokenSha256: string | null;
  /** Unknown tokens per client address: too many, and it waits (429). */
  guesses?: TokenGuesses;
  /** Hands committed outbox rows to the relay (reprocessing). */
  publish: (rows: OutboxRow[]) => void;
  /** Shown in Bull Board at /admin/queues. */
  queues: readonly Queue[];
  /** The process's metrics, served at /metrics. */
  metrics: MetricsExposition;
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: PROXY_PEERS,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(mapError);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));

  void app.register(fastifySwagger, swaggerOptions);
  void app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  void app.register(healthRoutes(deps.health));

  const auth = {
    store: deps.store,
    adminTokenSha256: deps.adminTokenSha256,
    guesses: deps.guesses,
  };
  // at the root: the session cookie is shared by every browser page (/admin now, /ui later)
  void app.register(fastifyCookie);
  void app.register(adminLoginRoutes(auth, QUEUES_PATH));
  void app.register(adminQueuesRoutes(auth, deps.queues));
  void app.register(
    uiRoutes({ store: deps.store, auth, addressing: deps.addressing, publish: deps.publish }),
    { prefix: UI },
  );

  void app.register(metricsRoutes(auth, deps.metrics));
  void app.register(graphqlApi({ store: deps.store, auth, explorer: !inProduction() }));
  void app.register(
    async (v1) => {
      v1.addHook('onRoute', documentCommonErrors);
      requireBearerToken(v1, auth);
      await v1.register(usersRoutes(deps.store));
      await v1.register(groupsRoutes(deps.store));
      await v1.register(groupMembersRoutes(deps.store));
      await v1.register(projectsRoutes(deps.store, deps.addressing));
      await v1.register(contactsRoutes(deps.store));
      await v1.register(organizationsRoutes(deps.store));
      await v1.register(workItemsRoutes(deps.store));
      await v1.register(workItemContactsRoutes(deps.store));
      await v1.register(movesRoutes(deps.store, deps.addressing));
      await v1.register(inboundEmailsRoutes(deps.store, deps.publish));
    },
    { prefix: '/api/v1' },
  );
  return app;
}
