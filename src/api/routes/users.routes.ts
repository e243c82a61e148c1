import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createToken, createUser } from '../../domain/access/users.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { email, idParams, requiredText, slug } from '../schemas';

const tags = ['users'];

export const usersRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/users',
      {
        schema: {
          tags,
          summary: 'Create a user (instance admins only)',
          body: z.object({
            username: slug,
            name: requiredText(255),
            email,
            isAdmin: z.boolean().optional(),
          }),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createUser(store, actorOf(request), request.body)),
    );

    app.post(
      '/users/:id/tokens',
      {
        schema: {
          tags,
          summary: 'Create an API token for a user (admins, or the user); the token is shown once',
          params: idParams,
          body: z.object({ name: requiredText(255) }),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createToken(store, actorOf(request), request.params.id, request.body.name)),
    );
  };
