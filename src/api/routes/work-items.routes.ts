import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createNote } from '../../domain/work-items/notes.service';
import {
  createWorkItem,
  getWorkItem,
  listWorkItems,
  updateWorkItem,
} from '../../domain/work-items/work-items.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { workItemJson } from '../presenters';
import { errors } from '../responses/errors';
import { page } from '../responses/page';
import { noteOutcome, workItem } from '../responses/work-items';
import {
  idParam,
  idParams,
  pageQuery,
  pageRequest,
  queryBoolean,
  requiredText,
  text,
} from '../schemas';

const tags = ['work items'];
const itemParams = z.object({ id: idParam, iid: idParam });
const workItemState = z.enum(['open', 'closed']);

export const workItemsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/projects/:id/work-items',
      {
        schema: {
          operationId: 'createWorkItem',
          tags,
          summary: 'Create a work item',
          params: idParams,
          body: z.object({
            title: requiredText(255),
            description: text(1_048_576).optional(),
          }),
          response: { 201: workItem.describe('the new work item'), ...errors(404) },
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
          operationId: 'listWorkItems',
          tags,
          summary:
            'List work items, newest first; filtering by contactId needs Planner in the contact source',
          params: idParams,
          querystring: pageQuery.extend({
            state: workItemState.optional(),
            serviceDesk: queryBoolean.optional().describe('true: tickets created from email'),
            contactId: idParam.optional().describe('only work items linked to this contact'),
          }),
          response: { 200: page(workItem), ...errors(403, 404) },
        },
      },
      async (request) => {
        const { state, serviceDesk, contactId, ...query } = request.query;
        const page = await listWorkItems(
          store,
          actorOf(request),
          request.params.id,
          { state, serviceDesk, contactId },
          pageRequest(query),
        );
        return { ...page, items: page.items.map(workItemJson) };
      },
    );

    app.get(
      '/projects/:id/work-items/:iid',
      {
        schema: {
          operationId: 'getWorkItem',
          tags,
          summary: 'Get a work item by its iid',
          params: itemParams,
          response: { 200: workItem, ...errors(404) },
        },
      },
      async (request) =>
        workItemJson(
          await getWorkItem(store, actorOf(request), request.params.id, request.params.iid),
        ),
    );

    app.patch(
      '/projects/:id/work-items/:iid',
      {
        schema: {
          operationId: 'updateWorkItem',
          tags,
          summary: 'Change the title, or close and reopen (state) a work item (Planner)',
          params: itemParams,
          body: z.object({ title: requiredText(255).optional(), state: workItemState.optional() }),
          response: { 200: workItem, ...errors(403, 404) },
        },
      },
      async (request) =>
        workItemJson(
          await updateWorkItem(
            store,
            actorOf(request),
            request.params.id,
            request.params.iid,
            request.body,
          ),
        ),
    );

    app.post(
      '/projects/:id/work-items/:iid/notes',
      {
        schema: {
          operationId: 'createWorkItemNote',
          tags,
          summary:
            'Add a note; /add_contacts and /remove_contacts lines run as quick actions (201; note is null when the body held only quick actions)',
          params: itemParams,
          body: z.object({
            body: text(1_048_576).refine((b) => b.trim() !== '', 'must not be empty'),
          }),
          response: {
            201: noteOutcome.describe('the note and what its quick actions did'),
            ...errors(404),
          },
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
  };
