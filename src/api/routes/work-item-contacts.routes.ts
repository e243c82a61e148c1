import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  autocompleteContacts,
  changeWorkItemContacts,
  listWorkItemContacts,
} from '../../domain/crm/work-item-contacts.service';
import { listParticipants } from '../../domain/work-items/participants.service';
import { UnprocessableError } from '../../errors';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { contactChangeRefusal, contactSummary, workItemContact } from '../responses/crm';
import { errorResponse, errors } from '../responses/errors';
import { list } from '../responses/page';
import { participant } from '../responses/work-items';
import { email, id, idParam, text } from '../schemas';

const tags = ['work items'];
const itemParams = z.object({ id: idParam, iid: idParam });

const contactsBody = z
  .object({
    operation: z.enum(['append', 'remove', 'replace']),
    emails: z.array(email).max(100).optional(),
    contactIds: z.array(id).max(100).optional(),
  })
  .refine((b) => (b.emails === undefined) !== (b.contactIds === undefined), {
    message: 'give either emails or contactIds',
    path: ['emails'],
  });

/** Who is on a work item: its contacts, and every address its emails brought. */
export const workItemContactsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/projects/:id/work-items/:iid/contacts',
      {
        schema: {
          operationId: 'listWorkItemContacts',
          tags,
          summary: 'Contacts of a work item (Planner in the contact source)',
          params: itemParams,
          response: { 200: list(workItemContact), ...errors(403, 404) },
        },
      },
      async (request) => ({
        items: await listWorkItemContacts(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
        ),
      }),
    );

    app.get(
      '/projects/:id/work-items/:iid/participants',
      {
        schema: {
          operationId: 'listWorkItemParticipants',
          tags,
          summary:
            'Every address the work item’s emails brought, with its link outcome and why (Reporter)',
          params: itemParams,
          response: { 200: list(participant), ...errors(403, 404) },
        },
      },
      async (request) => ({
        items: await listParticipants(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
        ),
      }),
    );

    app.post(
      '/projects/:id/work-items/:iid/contacts',
      {
        schema: {
          operationId: 'changeWorkItemContacts',
          tags,
          summary:
            'Append, remove or replace contacts (Planner in the contact source); all or nothing',
          params: itemParams,
          body: contactsBody,
          response: {
            200: list(workItemContact).describe('the work item’s contacts after the change'),
            ...errors(403, 404),
            422: errorResponse(422, contactChangeRefusal),
          },
        },
      },
      async (request) => {
        const outcome = await changeWorkItemContacts(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
          request.body,
        );
        if (outcome.kind === 'refused')
          throw new UnprocessableError(outcome.message, { failures: outcome.failures });
        return { items: outcome.contacts };
      },
    );

    app.get(
      '/projects/:id/work-items/:iid/autocomplete/contacts',
      {
        schema: {
          operationId: 'autocompleteWorkItemContacts',
          tags,
          summary: 'Suggestions after [contact: for /add_contacts or /remove_contacts',
          params: itemParams,
          querystring: z.object({
            action: z.enum(['add', 'remove']),
            q: text(255).default(''),
          }),
          response: { 200: list(contactSummary), ...errors(403, 404) },
        },
      },
      async (request) => ({
        items: await autocompleteContacts(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
          request.query.action,
          request.query.q,
        ),
      }),
    );
  };
