import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SENDER_AUTH_POLICIES } from '../../../entities/group-crm-settings.entity';
import { getCrmSettings, updateCrmSettings } from '../../domain/crm/crm-settings.service';
import {
  createGroup,
  getGroup,
  listGroups,
  listSubgroups,
} from '../../domain/groups/groups.service';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { errors } from '../responses/errors';
import { crmSettings, group } from '../responses/groups';
import { page } from '../responses/page';
import { id, idParams, pageQuery, pageRequest, requiredText, slug, text } from '../schemas';

const tags = ['groups'];

export const groupsRoutes =
  (store: Store): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/groups',
      {
        schema: {
          operationId: 'createGroup',
          tags,
          summary: 'Create a group; a subgroup needs Maintainer in the parent',
          body: z.object({ name: requiredText(255), path: slug, parentId: id.nullish() }),
          response: { 201: group.describe('the new group'), ...errors(403, 404, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createGroup(store, actorOf(request), request.body)),
    );

    app.get(
      '/groups',
      {
        schema: {
          operationId: 'listGroups',
          tags,
          summary:
            'List groups in id order: all for instance admins, else those the caller is a member of (directly or through an ancestor)',
          querystring: pageQuery.extend({
            fullPath: text(2048).optional().describe('exactly this full path (any case)'),
            fullPathPrefix: text(2048)
              .optional()
              .describe('full paths starting with this (any case); acme/ for acme’s subgroups'),
          }),
          response: { 200: page(group) },
        },
      },
      (request) => {
        const { fullPath, fullPathPrefix, ...page } = request.query;
        return listGroups(store, actorOf(request), { fullPath, fullPathPrefix }, pageRequest(page));
      },
    );

    app.get(
      '/groups/:id/subgroups',
      {
        schema: {
          operationId: 'listSubgroups',
          tags,
          summary: 'Direct subgroups of a group, in id order',
          params: idParams,
          querystring: pageQuery,
          response: { 200: page(group), ...errors(404) },
        },
      },
      (request) =>
        listSubgroups(store, actorOf(request), request.params.id, pageRequest(request.query)),
    );

    app.get(
      '/groups/:id',
      {
        schema: {
          operationId: 'getGroup',
          tags,
          summary: 'Get a group',
          params: idParams,
          response: { 200: group, ...errors(404) },
        },
      },
      (request) => getGroup(store, actorOf(request), request.params.id),
    );

    app.get(
      '/groups/:id/crm-settings',
      {
        schema: {
          operationId: 'getGroupCrmSettings',
          tags,
          summary: 'CRM settings of a group (Owner)',
          params: idParams,
          response: { 200: crmSettings, ...errors(403, 404) },
        },
      },
      (request) => getCrmSettings(store, actorOf(request), request.params.id),
    );

    app.put(
      '/groups/:id/crm-settings',
      {
        schema: {
          operationId: 'updateGroupCrmSettings',
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
          response: { 200: crmSettings, ...errors(403, 404, 422) },
        },
      },
      (request) => updateCrmSettings(store, actorOf(request), request.params.id, request.body),
    );
  };
