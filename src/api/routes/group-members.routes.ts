import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLE_NAMES } from '../../domain/access/roles';
import {
  addMember,
  listMembers,
  removeMember,
  updateMember,
} from '../../domain/groups/members.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { errors } from '../responses/errors';
import { member, membership } from '../responses/groups';
import { page } from '../responses/page';
import { id, idParam, idParams, pageQuery, pageRequest } from '../schemas';

const tags = ['groups'];
const memberParams = z.object({ id: idParam, userId: idParam });
const role = z.enum(ROLE_NAMES);

export const groupMembersRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/groups/:id/members',
      {
        schema: {
          operationId: 'listGroupMembers',
          tags,
          summary:
            'Members in user id order, with their role here and whether it is inherited from an ancestor group',
          params: idParams,
          querystring: pageQuery,
          response: { 200: page(member), ...errors(404) },
        },
      },
      (request) =>
        listMembers(store, actorOf(request), request.params.id, pageRequest(request.query)),
    );

    app.post(
      '/groups/:id/members',
      {
        schema: {
          operationId: 'addGroupMember',
          tags,
          summary:
            'Add a member or change its role (Owner); the last Owner cannot be demoted (409)',
          params: idParams,
          body: z.object({ userId: id, role }),
          response: {
            201: membership.describe('the membership as it now is'),
            ...errors(403, 404, 409, 422),
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await addMember(store, actorOf(request), request.params.id, request.body)),
    );

    app.patch(
      '/groups/:id/members/:userId',
      {
        schema: {
          operationId: 'updateGroupMember',
          tags,
          summary: 'Change a direct member’s role (Owner); the last Owner cannot be demoted (409)',
          params: memberParams,
          body: z.object({ role }),
          response: { 200: membership, ...errors(403, 404, 409) },
        },
      },
      (request) =>
        updateMember(
          store,
          actorOf(request),
          request.params.id,
          request.params.userId,
          request.body.role,
        ),
    );

    app.delete(
      '/groups/:id/members/:userId',
      {
        schema: {
          operationId: 'removeGroupMember',
          tags,
          summary: 'Remove a direct member (Owner); the last Owner cannot be removed (409)',
          params: memberParams,
          response: { 204: z.undefined().describe('removed'), ...errors(403, 404, 409) },
        },
      },
      async (request, reply) => {
        await removeMember(store, actorOf(request), request.params.id, request.params.userId);
        return reply.status(204).send();
      },
    );
  };
