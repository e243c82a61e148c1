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

const check = { result: z.string(), comment: z.string().optional() };

/** What desk's own sender authentication found (README: Sender authentication). */
export const senderAuthResults = z
  .object({
    fromDomain: z.string().nullable().describe('the From domain; null unless exactly one From'),
    spf: z.object({ ...check, domain: z.string().nullable() }),
    dkim: z.array(
      z.object({
        ...check,
        domain: z.string().nullable(),
        selector: z.string().nullable(),
        aligned: z.boolean().describe('the signing domain is aligned with the From domain'),
      }),
    ),
    dmarc: z.object({ ...check, policy: z.string().nullable() }).nullable(),
    arc: z
      .object({ ...check, instance: z.number().int(), sealedBy: z.string().nullable() })
      .nullable()
      .describe('the chain the message carried; recorded, never trusted'),
    dmarcPass: z.boolean(),
    alignedPass: z.boolean().describe('an aligned DKIM signature or SPF passed'),
    dnsFailure: z.string().nullable().describe('the lookup that kept failing, when it went on'),
    notChecked: z.string().optional().describe('why nothing could be checked'),
    header: z.string().describe('desk’s own Authentication-Results field'),
  })
  .meta({
    id: 'SenderAuthResults',
    description: 'SPF, DKIM, DMARC and ARC as desk checked them at ingest',
  });

export const inboundEmail = z
  .object({
    ...summary,
    remoteAddress: z.string().nullable(),
    helo: z.string().nullable(),
    dedupeKey: z.string().nullable(),
    threadRoot: z.string().nullable(),
    authResults: senderAuthResults
      .nullable()
      .describe('null until ingest has authenticated it (or received before desk did)'),
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
