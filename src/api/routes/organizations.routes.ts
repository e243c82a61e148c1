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
import { organization } from '../responses/crm';
import { errors } from '../responses/errors';
import { page } from '../responses/page';
import { workItem } from '../responses/work-items';
import {
  crmState,
  idParam,
  idParams,
  pageQuery,
  pageRequest,
  requiredText,
  text,
} from '../schemas';

const tags = ['organizations'];

/** numeric(18, 2): a 1.999 would be rounded by PostgreSQL, so it is refused instead. */
const RATE = /^\d{1,16}(\.\d{1,2})?$/;

/** The text PostgreSQL answers for the stored value, so create and update echo what a read gives. */
function canonicalRate(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  return `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
}
const organizationParams = z.object({ id: idParam, orgId: idParam });
/** The fields of an organization and their rules, shared with GraphQL. */
export const fields = {
  name: requiredText(255),
  description: text(1024).optional(),
  defaultRate: z
    .union([z.number(), z.string()])
    .transform((v) => String(v))
    .pipe(z.string().regex(RATE, 'a decimal of at most 16 digits and 2 decimals, like 120.50'))
    .transform(canonicalRate)
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
          operationId: 'listGroupOrganizations',
          tags,
          summary: 'List the organizations of a group (Planner)',
          params: idParams,
          querystring: pageQuery.extend({
            search: text(255).optional().describe('part of the name'),
            state: crmState.optional(),
          }),
          response: { 200: page(organization), ...errors(403, 404) },
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
          operationId: 'createGroupOrganization',
          tags,
          summary: 'Create an organization (Developer; root groups and contact sources only)',
          params: idParams,
          body: z.object(fields),
          response: {
            201: organization.describe('the new organization'),
            ...errors(403, 404, 409, 422),
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createOrganization(store, actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/groups/:id/organizations/:orgId',
      {
        schema: {
          operationId: 'getGroupOrganization',
          tags,
          summary: 'Get an organization (Planner)',
          params: organizationParams,
          response: { 200: organization, ...errors(403, 404) },
        },
      },
      (request) =>
        getOrganization(store, actorOf(request), request.params.id, request.params.orgId),
    );

    app.patch(
      '/groups/:id/organizations/:orgId',
      {
        schema: {
          operationId: 'updateGroupOrganization',
          tags,
          summary: 'Update an organization, its state included (Developer)',
          params: organizationParams,
          body: z.object(fields).partial(),
          response: { 200: organization, ...errors(403, 404, 409) },
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
          operationId: 'listOrganizationWorkItems',
          tags,
          summary: 'Work items linked to any contact of the organization, newest first (Planner)',
          params: organizationParams,
          querystring: pageQuery,
          response: { 200: page(workItem), ...errors(403, 404) },
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
