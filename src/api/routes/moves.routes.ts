import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceDeskAddressing } from '../../domain/mail/service-desk-address';
import { moveWorkItem } from '../../domain/moves/move-work-item.service';
import { transferGroup } from '../../domain/moves/transfer-group.service';
import { transferProject } from '../../domain/moves/transfer-project.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { workItemJson } from '../presenters';
import { errors } from '../responses/errors';
import { groupTransfer } from '../responses/groups';
import { projectTransfer } from '../responses/projects';
import { movedWorkItem } from '../responses/work-items';
import { id, idParam, idParams } from '../schemas';

/** DESIGN §3 "Moves": each one transaction, all of it or none of it. */
export const movesRoutes =
  (store: Store, addressing: ServiceDeskAddressing): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/projects/:id/transfer',
      {
        schema: {
          operationId: 'transferProject',
          tags: ['projects'],
          summary:
            'Transfer a project to another group (Owner of its group, Maintainer+ of the target); its work items lose their contacts when the contact source changes',
          params: idParams,
          body: z.object({ groupId: id }),
          response: { 200: projectTransfer, ...errors(403, 404, 409, 422) },
        },
      },
      (request) =>
        transferProject(
          store,
          addressing,
          actorOf(request),
          request.params.id,
          request.body.groupId,
        ),
    );

    app.post(
      '/groups/:id/transfer',
      {
        schema: {
          operationId: 'transferGroup',
          tags: ['groups'],
          summary:
            'Move a group under another (Owner of both) or to top level (parentId null; Owner); contacts follow DESIGN §3',
          params: idParams,
          body: z.object({ parentId: id.nullable() }),
          response: { 200: groupTransfer, ...errors(403, 404, 409, 422) },
        },
      },
      (request) => transferGroup(store, actorOf(request), request.params.id, request.body.parentId),
    );

    app.post(
      '/projects/:id/work-items/:iid/move',
      {
        schema: {
          operationId: 'moveWorkItem',
          tags: ['work items'],
          summary:
            'Move a work item to another project (Reporter+ in both); it gets the next iid there and keeps its contacts only when the contact source is the same',
          params: z.object({ id: idParam, iid: idParam }),
          body: z.object({ projectId: id }),
          response: { 200: movedWorkItem, ...errors(403, 404, 422) },
        },
      },
      async (request) => {
        const moved = await moveWorkItem(
          store,
          actorOf(request),
          request.params.id,
          request.params.iid,
          request.body.projectId,
        );
        return { ...workItemJson(moved.workItem), contactsRemoved: moved.contactsRemoved };
      },
    );
  };
