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
import { errors } from '../responses/errors';
import {
  bulkReprocessAccepted,
  inboundEmail,
  inboundEmailSummary,
  reprocessAccepted,
} from '../responses/inbound-emails';
import { page } from '../responses/page';
import { idParam, instantQuery } from '../schemas';

const tags = ['operators'];
const inboundId = z.string().regex(/^\d{1,18}$/, 'an inbound email id');
const params = z.object({ id: inboundId });
/**
 * The stored bytes, sent as they are (fastify never serializes a Buffer). OpenAPI 3.1 describes
 * raw bytes as a string with a contentMediaType.
 */
const rawMessage = z
  .custom<Buffer>((v) => Buffer.isBuffer(v))
  .meta({ type: 'string', contentMediaType: 'message/rfc822' });

/** Operators' view of received mail: list, inspect, download, send through the pipeline again. */
export const inboundEmailsRoutes =
  (store: Store, publish: (rows: OutboxRow[]) => void): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/inbound-emails',
      {
        schema: {
          operationId: 'listInboundEmails',
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
            receivedFrom: instantQuery.optional().describe('received at or after (ISO 8601)'),
            receivedTo: instantQuery.optional().describe('received before (ISO 8601)'),
            cursor: inboundId.optional().describe('nextCursor of the previous page'),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: page(inboundEmailSummary), ...errors(403) },
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
      {
        schema: {
          operationId: 'getInboundEmail',
          tags,
          summary: 'One received email, its outcome and reason, and the addresses it brought',
          params,
          response: { 200: inboundEmail, ...errors(403, 404) },
        },
      },
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
      {
        schema: {
          operationId: 'getInboundEmailRaw',
          tags,
          summary: 'The email exactly as received (.eml)',
          params,
          response: {
            200: {
              description: 'the message, byte for byte',
              content: { 'message/rfc822': { schema: rawMessage } },
            },
            ...errors(403, 404),
          },
        },
      },
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
          operationId: 'reprocessInboundEmail',
          tags,
          summary: 'Send a failed or ignored email through the pipeline again',
          params,
          response: {
            202: reprocessAccepted.describe('queued: it is received again'),
            ...errors(403, 404, 409),
          },
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
          operationId: 'reprocessInboundEmails',
          tags,
          summary: 'Send every failed (or ignored) email through the pipeline again, 1,000 a call',
          querystring: z.object({ status: z.enum(['failed', 'ignored']).default('failed') }),
          response: { 202: bulkReprocessAccepted.describe('queued'), ...errors(403) },
        },
      },
      async (request, reply) => {
        const rows = await reprocessAll(store, actorOf(request), request.query.status);
        publish(rows);
        return reply.status(202).send({ count: rows.length });
      },
    );
  };
