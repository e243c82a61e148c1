import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  autocompleteContacts,
  changeWorkItemContacts,
  listWorkItemContacts,
} from '../../domain/crm/work-item-contacts.service';
import { createNote } from '../../domain/work-items/notes.service';
import { listParticipants } from '../../domain/work-items/participants.service';
import {
  createWorkItem,
  getWorkItem,
  listWorkItems,
} from '../../domain/work-items/work-items.service';
import { UnprocessableError } from '../../errors';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { workItemJson } from '../presenters';
import {
  email,
  id,
  idParam,
  idParams,
  pageQuery,
  pageRequest,
  requiredText,
  text,
} from '../schemas';

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

export const workItemsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/projects/:id/work-items',
      {
        schema: {
          tags,
          summary: 'Create a work item',
          params: idParams,
          body: z.object({
            title: requiredText(255),
            description: text(1_048_576).optional(),
          }),
        },
      },
      async (request, reply) => {
        const item = await createWorkItem(store, actorOf(request), request.params.id, request.body);
        return reply.status(201).send(workItemJson(item));
      },
    );

    app.get(
      '/projects/:id/work-items',
      {
        schema: {
          tags,
          summary: 'List work items, newest first',
          params: idParams,
          querystring: pageQuery,
        },
      },
      async (request) => {
        const page = await listWorkItems(
          store,
          actorOf(request),
          request.params.id,
          pageRequest(request.query),
        );
        return { ...page, items: page.items.map(workItemJson) };
      },
    );

    app.get(
      '/projects/:id/work-items/:iid',
      { schema: { tags, summary: 'Get a work item by its iid', params: itemParams } },
      async (request) =>
        workItemJson(
          await getWorkItem(store, actorOf(request), request.params.id, request.params.iid),
        ),
    );

    app.get(
      '/projects/:id/work-items/:iid/contacts',
      {
        schema: {
          tags,
          summary: 'Contacts of a work item (Planner in the contact source)',
          params: itemParams,
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
          tags,
          summary:
            'Every address the work item’s emails brought, with its link outcome and why (Reporter)',
          params: itemParams,
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
          tags,
          summary:
            'Append, remove or replace contacts (Planner in the contact source); all or nothing',
          params: itemParams,
          body: contactsBody,
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

    app.post(
      '/projects/:id/work-items/:iid/notes',
      {
        schema: {
          tags,
          summary:
            'Add a note; /add_contacts and /remove_contacts lines run as quick actions (201; note is null when the body held only quick actions)',
          params: itemParams,
          body: z.object({
            body: text(1_048_576).refine((b) => b.trim() !== '', 'must not be empty'),
          }),
        },
      },
      async (request, reply) => {
        const outcome = await createNote(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
          request.body.body,
        );
        // a body of quick actions only stores no note (note: null) but was still carried out
        return reply.status(201).send(outcome);
      },
    );

    app.get(
      '/projects/:id/work-items/:iid/autocomplete/contacts',
      {
        schema: {
          tags,
          summary: 'Suggestions after [contact: for /add_contacts or /remove_contacts',
          params: itemParams,
          querystring: z.object({
            action: z.enum(['add', 'remove']),
            q: text(255).default(''),
          }),
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
