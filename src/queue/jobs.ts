import { z } from 'zod';

/** Every job desk runs: one queue each, named like the job. */
export const JOBS = {
  ingestEmail: 'ingest-email',
  linkContacts: 'link-contacts',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

const outboxId = z.string().regex(/^\d+$/);

export const ingestEmailPayload = z.object({
  outboxId,
  inboundEmailId: z.string().regex(/^\d+$/),
});
export type IngestEmailPayload = z.infer<typeof ingestEmailPayload>;

export const linkContactsPayload = z.object({
  outboxId,
  workItemId: z.number().int().positive(),
  inboundEmailId: z.string().regex(/^\d+$/).nullable(),
});
export type LinkContactsPayload = z.infer<typeof linkContactsPayload>;

/** BullMQ refuses integer job ids; the prefix also tells an operator where a job came from. */
export const jobIdOf = (outboxRowId: string): string => `outbox-${outboxRowId}`;
