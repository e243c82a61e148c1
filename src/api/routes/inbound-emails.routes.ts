import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INBOUND_STATUSES } from '../../../entities/inbound-email.entity';
import {
  getInboundEmail,
  inboundEmailParticipants,
  listInboundEmails,
  reprocessAll,
  reprocessInboundEmail,
} from '../../domain/operations/inbound-emails.service';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Store } from '../../repositories/store';
import { actorOf } from '../auth';
import { idParam } from '../schemas';

const tags = ['operators'];
const inboundId = z.string().regex(/^\d{1,18}$/, 'an inbound email id');
const params = z.object({ id: inboundId });

/** Operators' view of received mail: list, inspect, download, send through the pipeline again. */
export const inboundEmailsRoutes =
  (store: Store, publish: (rows: OutboxRow[]) => void): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/inbound-emails',
      {
        schema: {
          tags,
          summary: 'Received mail, newest first (instance admins)',
          querystring: z.object({
            status: z.enum(INBOUND_STATUSES).optional(),
            projectId: idParam.optional(),
            sender: z
              .string()
              .min(1)
              .max(512)
              .optional()
              .describe('the envelope sender (MAIL FROM)'),
            receivedFrom: z.coerce.date().optional().describe('received at or after (ISO 8601)'),
            receivedTo: z.coerce.date().optional().describe('received before (ISO 8601)'),
            cursor: inboundId.optional().describe('nextCursor of the previous page'),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          }),
        },
      },
      async (request) =>
        listInboundEmails(store, actorOf(request), {
          filter: {
            status: request.query.status,
            projectId: request.query.projectId,
            sender: request.query.sender,
            receivedFrom: request.query.receivedFrom,
            receivedTo: request.query.receivedTo,
          },
          cursor: request.query.cursor ?? null,
          limit: request.query.limit,
        }),
    );

    app.get(
      '/inbound-emails/:id',
      { schema: { tags, summary: 'One received email, its outcome and reason', params } },
      async (request) => {
        const actor = actorOf(request);
        const { raw: _raw, ...email } = await getInboundEmail(store, actor, request.params.id);
        return {
          ...email,
          participants: await inboundEmailParticipants(store, actor, request.params.id),
        };
      },
    );

    app.get(
      '/inbound-emails/:id/raw',
      { schema: { tags, summary: 'The email exactly as received (.eml)', params } },
      async (request, reply) => {
        const email = await getInboundEmail(store, actorOf(request), request.params.id);
        return reply
          .type('message/rfc822')
          .header('content-disposition', `attachment; filename="inbound-${email.id}.eml"`)
          .send(email.raw);
      },
    );

    app.post(
      '/inbound-emails/:id/reprocess',
      {
        schema: {
          tags,
          summary: 'Send a failed or ignored email through the pipeline again',
          params,
        },
      },
      async (request, reply) => {
        const row = await reprocessInboundEmail(store, actorOf(request), request.params.id);
        publish([row]);
        return reply.status(202).send({ id: request.params.id, status: 'received' });
      },
    );

    app.post(
      '/inbound-emails/reprocess',
      {
        schema: {
          tags,
          summary: 'Send every failed (or ignored) email through the pipeline again, 1,000 a call',
          querystring: z.object({ status: z.enum(['failed', 'ignored']).default('failed') }),
        },
      },
      async (request, reply) => {
        const rows = await reprocessAll(store, actorOf(request), request.query.status);
        publish(rows);
        return reply.status(202).send({ count: rows.length });
      },
    );
  };
