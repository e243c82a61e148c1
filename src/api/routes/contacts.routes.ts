import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  countContacts,
  createContact,
  getContact,
  listContacts,
  listContactWorkItems,
  updateContact,
} from '../../domain/crm/contacts.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { workItemJson } from '../presenters';
import { contact, contactCounts } from '../responses/crm';
import { errors } from '../responses/errors';
import { page } from '../responses/page';
import { workItem } from '../responses/work-items';
import {
  crmState,
  email,
  id,
  idParam,
  idParams,
  pageQuery,
  pageRequest,
  requiredText,
  text,
} from '../schemas';

const tags = ['contacts'];
const contactParams = z.object({ id: idParam, contactId: idParam });
/** The fields of a contact and their rules, shared with GraphQL. */
export const fields = {
  firstName: requiredText(255),
  lastName: requiredText(255),
  email: email.nullish(),
  phone: text(32).optional(),
  description: text(1024).optional(),
  organizationId: id.nullish(),
  state: crmState.optional(),
};
const search = text(255).optional().describe('part of the email, first or last name');
const createBody = z.object(fields);
const updateBody = z.object(fields).partial();

export const contactsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/groups/:id/contacts',
      {
        schema: {
          operationId: 'listGroupContacts',
          tags,
          summary: 'List the contacts of a group (Planner)',
          params: idParams,
          querystring: pageQuery.extend({
            search,
            state: crmState.optional(),
            organizationId: idParam.optional(),
          }),
          response: { 200: page(contact), ...errors(403, 404) },
        },
      },
      (request) => {
        const { search, state, organizationId, ...page } = request.query;
        return listContacts(
          store,
          actorOf(request),
          request.params.id,
          { search, state, organizationId },
          pageRequest(page),
        );
      },
    );

    app.get(
      '/groups/:id/contacts/counts',
      {
        schema: {
          operationId: 'countGroupContacts',
          tags,
          summary:
            'How many contacts there are in all and in each state, matching search (Planner)',
          params: idParams,
          querystring: z.object({ search }),
          response: { 200: contactCounts, ...errors(403, 404) },
        },
      },
      (request) => countContacts(store, actorOf(request), request.params.id, request.query.search),
    );

    app.post(
      '/groups/:id/contacts',
      {
        schema: {
          operationId: 'createGroupContact',
          tags,
          summary: 'Create a contact (Developer; root groups and contact sources only)',
          params: idParams,
          body: createBody,
          response: { 201: contact.describe('the new contact'), ...errors(403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await createContact(store, actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/groups/:id/contacts/:contactId',
      {
        schema: {
          operationId: 'getGroupContact',
          tags,
          summary: 'Get a contact (Planner)',
          params: contactParams,
          response: { 200: contact, ...errors(403, 404) },
        },
      },
      (request) => getContact(store, actorOf(request), request.params.id, request.params.contactId),
    );

    app.patch(
      '/groups/:id/contacts/:contactId',
      {
        schema: {
          operationId: 'updateGroupContact',
          tags,
          summary: 'Update a contact, its state included (Developer)',
          params: contactParams,
          body: updateBody,
          response: { 200: contact, ...errors(403, 404, 409, 422) },
        },
      },
      (request) =>
        updateContact(
          store,
          actorOf(request),
          request.params.id,
          request.params.contactId,
          request.body,
        ),
    );

    app.get(
      '/groups/:id/contacts/:contactId/work-items',
      {
        schema: {
          operationId: 'listContactWorkItems',
          tags,
          summary: 'Work items linked to a contact, newest first (Planner)',
          params: contactParams,
          querystring: pageQuery,
          response: { 200: page(workItem), ...errors(403, 404) },
        },
      },
      async (request) => {
        const page = await listContactWorkItems(
          store,
          actorOf(request),
          request.params.id,
          request.params.contactId,
          pageRequest(request.query),
        );
        return { ...page, items: page.items.map(workItemJson) };
      },
    );
  };
