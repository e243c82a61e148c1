import { z } from 'zod';
import { INBOUND_STATUSES } from '../../../entities/inbound-email.entity';
import { timestamp } from './page';
import { bigintId, participant } from './work-items';

const id = z.number().int();

const summary = {
  id: bigintId,
  receivedAt: timestamp,
  mailFrom: z.string().nullable().describe('the envelope sender; null for <>'),
  rcptTo: z.array(z.string()),
  size: z.number().int(),
  sha256: z.string(),
  messageId: z.string().nullable(),
  projectId: id,
  status: z.enum(INBOUND_STATUSES),
  reason: z.string().nullable().describe('why it was ignored or failed'),
  attempts: z.number().int(),
  workItemId: id.nullable(),
  noteId: id.nullable(),
  processedAt: timestamp.nullable(),
};

export const inboundEmailSummary = z
  .object(summary)
  .meta({ id: 'InboundEmailSummary', description: 'A received email as the list shows it' });

export const inboundEmail = z
  .object({
    ...summary,
    remoteAddress: z.string().nullable(),
    helo: z.string().nullable(),
    dedupeKey: z.string().nullable(),
    threadRoot: z.string().nullable(),
    participants: z.array(participant),
  })
  .meta({
    id: 'InboundEmail',
    description: 'A received email, its outcome and the addresses it brought',
  });

export const reprocessAccepted = z
  .object({ id: bigintId, status: z.literal('received') })
  .meta({ id: 'ReprocessAccepted', description: 'Queued: the email is received again' });

export const bulkReprocessAccepted = z
  .object({ count: z.number().int().describe('emails sent through the pipeline again') })
  .meta({ id: 'BulkReprocessAccepted', description: 'Queued' });
