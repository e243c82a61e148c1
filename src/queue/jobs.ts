import { createHash } from 'node:crypto';
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

/** One ingest job carries the emails published together; earlier desks queued one per job. */
export const ingestEmailJob = z.union([
  z.object({ emails: z.array(ingestEmailPayload).min(1) }),
  ingestEmailPayload.transform((email) => ({ emails: [email] })),
]);

export const linkContactsPayload = z.object({
  outboxId,
  workItemId: z.number().int().positive(),
  inboundEmailId: z.string().regex(/^\d+$/).nullable(),
});
export type LinkContactsPayload = z.infer<typeof linkContactsPayload>;

/**
 * BullMQ refuses integer job ids; the prefix also tells an operator where a job came from. A job
 * of several rows is named by its first and last and a digest of all of them, so that two jobs
 * of different rows never share an id (a second add under a taken id is dropped).
 */
export const jobIdOf = (outboxRowIds: string[]): string => {
  const first = outboxRowIds[0];
  const last = outboxRowIds[outboxRowIds.length - 1];
  if (first === undefined) throw new Error('a job needs at least one outbox row');
  if (outboxRowIds.length === 1) return `outbox-${first}`;
  const digest = createHash('sha1').update(outboxRowIds.join(',')).digest('hex').slice(0, 8);
  return `outbox-${first}-${last}-${digest}`;
};

const byId = (a: { id: string }, b: { id: string }) =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface PlannedJob {
  name: string;
  jobId: string;
  data: Record<string, unknown>;
  outboxIds: string[];
}

/**
 * The jobs for committed outbox rows of one queue: ingest rows in id order, up to `ingestBatch` per
 * job (one job's Redis round trips then serve them all); any other job, one per row.
 */
export function planJobs(
  queue: JobName,
  rows: { id: string; jobName: string; payload: Record<string, unknown> }[],
  ingestBatch: number,
): PlannedJob[] {
  if (queue !== JOBS.ingestEmail) {
    return rows.map((r) => ({
      name: r.jobName,
      jobId: jobIdOf([r.id]),
      data: { ...r.payload, outboxId: r.id },
      outboxIds: [r.id],
    }));
  }
  const jobs: PlannedJob[] = [];
  // in id order, the order the emails were accepted in (rows arrive in commit order)
  const ordered = [...rows].sort(byId);
  for (let i = 0; i < ordered.length; i += ingestBatch) {
    const batch = ordered.slice(i, i + ingestBatch);
    const outboxIds = batch.map((r) => r.id);
    jobs.push({
      name: batch[0]!.jobName,
      jobId: jobIdOf(outboxIds),
      data: { emails: batch.map((r) => ({ ...r.payload, outboxId: r.id })) },
      outboxIds,
    });
  }
  return jobs;
}
