import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createProject, getProject } from '../../domain/projects/projects.service';
import type { ServiceDeskAddressing } from '../../domain/mail/service-desk-address';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { id, idParams, requiredText, slug } from '../schemas';

const tags = ['projects'];

export const projectsRoutes =
  (store: Store, addressing: ServiceDeskAddressing): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/projects',
      {
        schema: {
          tags,
          summary: 'Create a project (Maintainer of the group); returns its support address',
          body: z.object({
            groupId: id,
            name: requiredText(255),
            path: slug,
          }),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createProject(store, addressing, actorOf(request), request.body)),
    );

    app.get(
      '/projects/:id',
      { schema: { tags, summary: 'Get a project', params: idParams } },
      (request) => getProject(store, addressing, actorOf(request), request.params.id),
    );
  };
