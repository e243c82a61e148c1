import { z } from 'zod';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { AuthDeps } from '../../domain/access/authenticate.service';
import type { Store } from '../../repositories/store';
import { requireBearerToken } from '../auth';
import { wantsHtml } from '../html-page';
import { complexityLimit, MAX_DEPTH } from './complexity';
import type { GraphqlContext } from './context';
import { formatErrors } from './errors';
import { graphqlRequestSchema, graphqlResponse } from './request-schema';
import { loaders, resolvers } from './resolvers';
import { typeDefs } from './sdl';

export const GRAPHQL_PATH = '/api/graphql';
/** mercurius serves GraphiQL beside the endpoint. */
export const EXPLORER_PATH = '/api/graphiql';

export interface GraphqlDeps {
  store: Store;
  auth: AuthDeps;
  /** GraphiQL, for development: off in production. */
  explorer: boolean;
}

const isExplorerPage = (request: FastifyRequest) =>
  request.routeOptions.url?.startsWith(EXPLORER_PATH) ?? false;

/** A browser opening the endpoint itself wants the explorer, not a GraphQL error. */
const opensInBrowser = (request: FastifyRequest) =>
  request.method === 'GET' &&
  request.routeOptions.url === GRAPHQL_PATH &&
  !(request.query as { query?: unknown }).query &&
  wantsHtml(request);

/**
 * GitLab-compatible GraphQL for the CRM at /api/graphql, behind the same bearer tokens as
 * /api/v1 and over the same domain services.
 */
export const graphqlApi =
  (deps: GraphqlDeps): FastifyPluginAsync =>
  async (app) => {
    if (deps.explorer)
      app.addHook('onRequest', async (request, reply) => {
        if (opensInBrowser(request)) return reply.redirect(EXPLORER_PATH, 303);
      });
    requireBearerToken(app, deps.auth, isExplorerPage);
    app.addHook('onRoute', (route) => {
      // the explorer's page and scripts are no part of the API document at /docs
      if (route.url.startsWith(EXPLORER_PATH)) route.schema = { hide: true };
      if (route.url !== GRAPHQL_PATH) return;
      // zod in place of mercurius's JSON Schemas, response schema included: replies are plain JSON
      const { querystring, body } = graphqlRequestSchema;
      // graphql-js answers with prototype-less objects, which zod's serializer refuses: the
      // response schemas below document the reply, JSON.stringify writes it
      route.serializerCompiler = () => (data) => JSON.stringify(data);
      route.schema = {
        operationId: route.method === 'GET' ? 'queryGraphqlByGet' : 'queryGraphql',
        tags: ['graphql'],
        summary: 'GitLab-compatible GraphQL for the CRM (schema: docs/schema.graphql)',
        ...(route.method === 'GET' ? { querystring } : { body }),
        response: {
          200: graphqlResponse,
          400: {
            description: 'A query that does not parse, validate or stay within the limits',
            content: { 'application/json': { schema: graphqlResponse } },
          },
          401: {
            description: 'No bearer token, or one nobody issued or that was revoked',
            content: { 'application/json': { schema: graphqlResponse } },
          },
          429: {
            description:
              'This address presented too many unknown or revoked tokens: it waits, as Retry-After says',
            content: { 'application/json': { schema: graphqlResponse } },
          },
          ...(route.method === 'GET' && deps.explorer
            ? {
                303: z
                  .undefined()
                  .describe('a browser is sent to the explorer (not in production)'),
              }
            : {}),
        },
      };
    });
    await app.register(mercurius, {
      schema: typeDefs,
      resolvers,
      loaders,
      prefix: '/api',
      path: '/graphql',
      graphiql: deps.explorer,
      // also built for a refused request's error reply, where no resolver runs: it must not throw
      context: (request): GraphqlContext => ({ actor: request.actor!, store: deps.store }),
      errorFormatter: formatErrors,
      queryDepth: MAX_DEPTH,
      validationRules: [complexityLimit()],
    });
  };
