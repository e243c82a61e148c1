import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { DeskError } from '../src/errors';
import {
  markIngestFailed,
  type IngestDeps,
  type IngestOutcome,
} from '../src/domain/tickets/ingest-email.service';
import { ingestJob } from '../src/domain/tickets/ingest-job.service';
import type { Logger } from '../src/logger';
import { ingestEmailJob, JOBS, type IngestEmailPayload } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests a job's emails (`ingestJob`). An email that cannot be ingested is recorded `failed`,
 * the others going on; one that may succeed later makes the job retry, and the emails already done
 * are then skipped. On the last attempt an email that still fails is recorded, unless an outage is
 * the reason: that one stays for the outbox sweeper.
 */
export function ingestEmailWorker(ctx: AppContext): WorkerDefinition {
  const logger = ctx.logger.child({ module: JOBS.ingestEmail });
  const deps: IngestDeps = {
    store: ctx.store,
    addressing: ctx.addressing,
    attachmentLimits: {
      maxCount: ctx.config.ATTACHMENT_MAX_COUNT,
      maxTotalBytes: ctx.config.ATTACHMENT_MAX_TOTAL_BYTES,
    },
    maxContactsPerEmail: ctx.config.CRM_MAX_CONTACTS_PER_EMAIL,
  };
  return {
    queue: JOBS.ingestEmail,
    async process(job: Job) {
      const { emails } = ingestEmailJob.parse(job.data);
      const { results, alone } = await ingestJob(deps, emails);
      if (alone.count > 0)
        logger.info(
          { jobId: job.id, emails: alone.count, reason: alone.reason },
          `ingested ${alone.count} email(s) of the job one at a time: ${alone.reason}`,
        );
      const attempts = job.attemptsMade + 1;
      const lastAttempt = attempts >= (job.opts?.attempts ?? 1);
      const done: unknown[] = [];
      const retry: { email: IngestEmailPayload; err: unknown; at: number }[] = [];
      const fail = async (email: IngestEmailPayload, err: unknown) => {
        const reason = `${err instanceof Error ? err.message : String(err)} (after ${attempts} attempts)`;
        if (await markIngestFailed(ctx.store, { ...email, attempts }, reason)) {
          logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
        }
        return { inboundEmailId: email.inboundEmailId, kind: 'failed' };
      };
      for (const [at, result] of results.entries()) {
        const { email } = result;
        if ('outcome' in result) done[at] = report(logger, email.inboundEmailId, result.outcome);
        else if (result.error instanceof DeskError && !result.error.temporary)
          done[at] = await fail(email, result.error);
        else retry.push({ email, err: result.error, at });
      }
      if (retry.length === 0) return done;
      if (!lastAttempt) throw retryError(retry);
      // out of attempts: what keeps failing is recorded; an outage leaves its emails to the sweeper
      const outage = retry.filter((r) => r.err instanceof DeskError && r.err.temporary);
      for (const r of retry) if (!outage.includes(r)) done[r.at] = await fail(r.email, r.err);
      if (outage.length > 0) throw outage[0]!.err;
      return done;
    },
    async giveUp(job: Job, reason: string) {
      const payload = ingestEmailJob.safeParse(job.data);
      if (!payload.success) return;
      for (const email of payload.data.emails) {
        const marked = await markIngestFailed(
          ctx.store,
          { ...email, attempts: job.attemptsMade },
          reason,
        );
        if (marked)
          logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
      }
    },
  };
}

/** Logs one email's outcome (and its link decisions); what the job returns for it. */
function report(logger: Logger, inboundEmailId: string, outcome: IngestOutcome) {
  if (outcome.kind !== 'ticket_created' && outcome.kind !== 'note_added') {
    logger.info({ inboundEmailId, ...outcome }, `inbound email ${inboundEmailId}: ${outcome.kind}`);
    return { inboundEmailId, kind: outcome.kind };
  }
  const { links, ...done } = outcome;
  const linked = linkedContactIds(links);
  logger.info(
    { inboundEmailId, ...done, linked },
    `inbound email ${inboundEmailId}: ${outcome.kind}`,
  );
  logLinkOutcomes(logger, outcome.workItemId, links.addresses);
  return { inboundEmailId, kind: outcome.kind, workItemId: outcome.workItemId, linked };
}

/** The error that makes the job retry: the outage itself when that is all there was. */
function retryError(retry: { email: IngestEmailPayload; err: unknown }[]): unknown {
  const first = retry[0]!.err;
  if (retry.length === 1 || retry.every((r) => r.err instanceof DeskError && r.err.temporary))
    return first;
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  return new Error(
    retry.map((r) => `inbound email ${r.email.inboundEmailId}: ${message(r.err)}`).join('; '),
  );
}
