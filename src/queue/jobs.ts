import { z } from 'zod';
import { INGEST_EMAIL_JOB, LINK_CONTACTS_JOB } from '../repositories/outbox.repository';

/** Every job desk runs: one queue each, named like the job. */
export const JOBS = {
  ingestEmail: INGEST_EMAIL_JOB,
  linkContacts: LINK_CONTACTS_JOB,
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
  /** What ingest made of the email (absent in rows written before it was added). */
  email: z
    .object({
      projectId: z.number().int(),
      status: z.enum(['ticket_created', 'note_added']),
      reason: z.string().nullable(),
      receivedAt: z.iso.datetime(),
    })
    .optional(),
});
export type LinkContactsPayload = z.infer<typeof linkContactsPayload>;

/** BullMQ refuses integer job ids; the prefix also tells an operator where a job came from. */
export const jobIdOf = (outboxId: string): string => `outbox-${outboxId}`;

export interface PlannedJob {
  name: string;
  jobId: string;
  data: Record<string, unknown>;
  outboxId: string;
}

/** One job per outbox row, named after it, so that adding it again is a no-op. */
export function planJobs(
  rows: { id: string; jobName: string; payload: Record<string, unknown> }[],
): PlannedJob[] {
  return rows.map((r) => ({
    name: r.jobName,
    jobId: jobIdOf(r.id),
    data: { ...r.payload, outboxId: r.id },
    outboxId: r.id,
  }));
}
