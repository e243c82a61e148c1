import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createOrganization,
  getOrganization,
  listOrganizations,
  listOrganizationWorkItems,
  updateOrganization,
} from '../../domain/crm/organizations.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { workItemJson } from '../presenters';
import { crmState, id, idParams, pageQuery, pageRequest, requiredText } from '../schemas';

const tags = ['organizations'];
const organizationParams = z.object({ id, orgId: id });
const fields = {
  name: requiredText(255),
  description: z.string().max(1024).optional(),
  defaultRate: z
    .union([z.number(), z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'a decimal like 120.50')])
    .refine((v) => Number(v) >= 0 && Number(v) < 1e16, 'between 0 and 10^16')
    .transform((v) => String(v))
    .nullish(),
  state: crmState.optional(),
};

export const organizationsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/groups/:id/organizations',
      {
        schema: {
          tags,
          summary: 'List the organizations of a group (Planner)',
          params: idParams,
          querystring: pageQuery.extend({
            search: z.string().max(255).optional().describe('part of the name'),
            state: crmState.optional(),
          }),
        },
      },
      (request) => {
        const { search, state, ...page } = request.query;
        return listOrganizations(
          store,
          actorOf(request),
          request.params.id,
          { search, state },
          pageRequest(page),
        );
      },
    );

    app.post(
      '/groups/:id/organizations',
      {
        schema: {
          tags,
          summary: 'Create an organization (Developer; root groups and contact sources only)',
          params: idParams,
          body: z.object(fields),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createOrganization(store, actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/groups/:id/organizations/:orgId',
      { schema: { tags, summary: 'Get an organization (Planner)', params: organizationParams } },
      (request) =>
        getOrganization(store, actorOf(request), request.params.id, request.params.orgId),
    );

    app.patch(
      '/groups/:id/organizations/:orgId',
      {
        schema: {
          tags,
          summary: 'Update an organization, its state included (Developer)',
          params: organizationParams,
          body: z.object(fields).partial(),
        },
      },
      (request) =>
        updateOrganization(
          store,
          actorOf(request),
          request.params.id,
          request.params.orgId,
          request.body,
        ),
    );

    app.get(
      '/groups/:id/organizations/:orgId/work-items',
      {
        schema: {
          tags,
          summary: 'Work items linked to any contact of the organization, newest first (Planner)',
          params: organizationParams,
          querystring: pageQuery,
        },
      },
      async (request) => {
        const page = await listOrganizationWorkItems(
          store,
          actorOf(request),
          request.params.id,
          request.params.orgId,
          pageRequest(request.query),
        );
        return { ...page, items: page.items.map(workItemJson) };
      },
    );
  };
