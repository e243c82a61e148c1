import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createProject,
  getProject,
  listGroupProjects,
  rotateServiceDeskKey,
  updateProject,
} from '../../domain/projects/projects.service';
import type { ServiceDeskAddressing } from '../../domain/mail/service-desk-address';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { errors } from '../responses/errors';
import { page } from '../responses/page';
import { project } from '../responses/projects';
import { id, idParams, pageQuery, pageRequest, queryBoolean, requiredText, slug } from '../schemas';

const tags = ['projects'];

export const projectsRoutes =
  (store: Store, addressing: ServiceDeskAddressing): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/projects',
      {
        schema: {
          operationId: 'createProject',
          tags,
          summary: 'Create a project (Maintainer of the group); returns its support address',
          body: z.object({
            groupId: id,
            name: requiredText(255),
            path: slug,
          }),
          response: { 201: project.describe('the new project'), ...errors(403, 404, 409) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createProject(store, addressing, actorOf(request), request.body)),
    );

    app.get(
      '/groups/:id/projects',
      {
        schema: {
          operationId: 'listGroupProjects',
          tags,
          summary: 'Projects of a group in id order (with its subgroups’ when asked)',
          params: idParams,
          querystring: pageQuery.extend({ includeSubgroups: queryBoolean.default(false) }),
          response: { 200: page(project), ...errors(404) },
        },
      },
      (request) => {
        const { includeSubgroups, ...page } = request.query;
        return listGroupProjects(
          store,
          addressing,
          actorOf(request),
          request.params.id,
          includeSubgroups,
          pageRequest(page),
        );
      },
    );

    app.get(
      '/projects/:id',
      {
        schema: {
          operationId: 'getProject',
          tags,
          summary: 'Get a project',
          params: idParams,
          response: { 200: project, ...errors(404) },
        },
      },
      (request) => getProject(store, addressing, actorOf(request), request.params.id),
    );

    app.patch(
      '/projects/:id',
      {
        schema: {
          operationId: 'updateProject',
          tags,
          summary:
            'Rename a project or enable/disable its Service Desk (Maintainer); SMTP may accept a disabled address for up to 5 s (its recipient cache)',
          params: idParams,
          body: z.object({
            name: requiredText(255).optional(),
            serviceDeskEnabled: z.boolean().optional(),
          }),
          response: { 200: project, ...errors(403, 404) },
        },
      },
      (request) =>
        updateProject(store, addressing, actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/projects/:id/service-desk-key/rotate',
      {
        schema: {
          operationId: 'rotateServiceDeskKey',
          tags,
          summary:
            'Give the project a new support address (Maintainer); the old one and its tickets’ reply addresses are refused (550) from then on, after at most 5 s (SMTP’s recipient cache)',
          params: idParams,
          response: {
            200: project.describe('the project with its new address'),
            ...errors(403, 404),
          },
        },
      },
      (request) => rotateServiceDeskKey(store, addressing, actorOf(request), request.params.id),
    );
  };
