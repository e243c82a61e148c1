import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SENDER_AUTH_POLICIES } from '../../../entities/group-crm-settings.entity';
import { ROLE_NAMES } from '../../domain/access/roles';
import { getCrmSettings, updateCrmSettings } from '../../domain/crm/crm-settings.service';
import { addMember, createGroup, getGroup } from '../../domain/groups/groups.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { id, idParams, requiredText, slug } from '../schemas';

const tags = ['groups'];

export const groupsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/groups',
      {
        schema: {
          tags,
          summary: 'Create a group; a subgroup needs Maintainer in the parent',
          body: z.object({ name: requiredText(255), path: slug, parentId: id.nullish() }),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createGroup(store, actorOf(request), request.body)),
    );

    app.get(
      '/groups/:id',
      { schema: { tags, summary: 'Get a group', params: idParams } },
      (request) => getGroup(store, actorOf(request), request.params.id),
    );

    app.get(
      '/groups/:id/crm-settings',
      { schema: { tags, summary: 'CRM settings of a group (Owner)', params: idParams } },
      (request) => getCrmSettings(store, actorOf(request), request.params.id),
    );

    app.put(
      '/groups/:id/crm-settings',
      {
        schema: {
          tags,
          summary: 'Enable/disable CRM and set the contact source (Owner); omitted fields are kept',
          params: idParams,
          body: z.object({
            enabled: z.boolean().optional(),
            contactSourceGroupId: id.nullish(),
            senderAuthPolicy: z
              .enum(SENDER_AUTH_POLICIES)
              .nullish()
              .describe('off, dmarc or dkim-or-spf; null inherits (README: Sender authentication)'),
          }),
        },
      },
      (request) => updateCrmSettings(store, actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/groups/:id/members',
      {
        schema: {
          tags,
          summary: 'Add a member or change its role (Owner)',
          params: idParams,
          body: z.object({ userId: id, role: z.enum(ROLE_NAMES) }),
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await addMember(store, actorOf(request), request.params.id, request.body)),
    );
  };
