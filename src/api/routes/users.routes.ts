import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createToken,
  createUser,
  listTokens,
  listUsers,
  revokeToken,
} from '../../domain/access/users.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import {
  email,
  idParam,
  idParams,
  pageQuery,
  pageRequest,
  requiredText,
  slug,
  text,
} from '../schemas';
import { errors } from '../responses/errors';
import { page } from '../responses/page';
import { createdToken, token, user } from '../responses/users';

const tags = ['users'];

export const usersRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/users',
      {
        schema: {
          operationId: 'createUser',
          tags,
          summary: 'Create a user (instance admins only)',
          body: z.object({
            username: slug,
            name: requiredText(255),
            email,
            isAdmin: z.boolean().optional(),
          }),
          response: { 201: user.describe('the new user'), ...errors(403, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createUser(store, actorOf(request), request.body)),
    );

    app.post(
      '/users/:id/tokens',
      {
        schema: {
          operationId: 'createUserToken',
          tags,
          summary: 'Create an API token for a user (admins, or the user); the token is shown once',
          params: idParams,
          body: z.object({ name: requiredText(255) }),
          response: {
            201: createdToken.describe('the new token, its secret included'),
            ...errors(403, 404),
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createToken(store, actorOf(request), request.params.id, request.body.name)),
    );

    app.get(
      '/users',
      {
        schema: {
          operationId: 'listUsers',
          tags,
          summary: 'List users in id order (instance admins only)',
          querystring: pageQuery.extend({
            search: text(255).optional().describe('part of the username, name or email'),
          }),
          response: { 200: page(user), ...errors(403) },
        },
      },
      (request) => {
        const { search, ...page } = request.query;
        return listUsers(store, actorOf(request), search, pageRequest(page));
      },
    );

    app.get(
      '/users/:id/tokens',
      {
        schema: {
          operationId: 'listUserTokens',
          tags,
          summary:
            'A user’s API tokens, revoked ones included, never the secret (admins, or the user)',
          params: idParams,
          querystring: pageQuery,
          response: { 200: page(token), ...errors(403, 404) },
        },
      },
      (request) =>
        listTokens(store, actorOf(request), request.params.id, pageRequest(request.query)),
    );

    app.delete(
      '/users/:id/tokens/:tokenId',
      {
        schema: {
          operationId: 'revokeUserToken',
          tags,
          summary:
            'Revoke a token (admins, or the user); it is refused (401) from the next request on',
          params: z.object({ id: idParam, tokenId: idParam }),
          response: { 204: z.undefined().describe('revoked'), ...errors(403, 404) },
        },
      },
      async (request, reply) => {
        await revokeToken(store, actorOf(request), request.params.id, request.params.tokenId);
        return reply.status(204).send();
      },
    );
  };
