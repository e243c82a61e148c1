import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import {
  ingestEmail,
  markIngestFailed,
  type IngestDeps,
  type IngestOutcome,
} from '../src/domain/ingest/ingest-email.service';
import { DeskError } from '../src/errors';
import type { Logger } from '../src/logger';
import { ingestEmailJob, JOBS, type IngestEmailPayload } from '../src/queue/jobs';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests one email (a job queued by an older desk may carry several: each in turn). An email that
 * cannot be ingested is recorded `failed`; one that may succeed later makes the job retry. On the
 * last attempt an email that still fails is recorded, unless an outage is the reason: that one
 * stays for the outbox sweeper. The link-contacts job an email wrote is published at once.
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
  };
  const fail = async (email: IngestEmailPayload, err: unknown, attempts: number) => {
    const reason = `${err instanceof Error ? err.message : String(err)} (after ${attempts} attempts)`;
    if (await markIngestFailed(ctx.store, { ...email, attempts }, reason))
      logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
    return { inboundEmailId: email.inboundEmailId, kind: 'failed' };
  };
  return {
    queue: JOBS.ingestEmail,
    async process(job: Job) {
      const { emails } = ingestEmailJob.parse(job.data);
      const attempts = job.attemptsMade + 1;
      const lastAttempt = attempts >= (job.opts?.attempts ?? 1);
      const done: unknown[] = [];
      let retry: unknown = null;
      for (const email of emails) {
        try {
          const outcome = await ingestEmail(deps, email.inboundEmailId, email.outboxId);
          if ('linkJob' in outcome) ctx.relay.publish([outcome.linkJob]);
          done.push(report(logger, email.inboundEmailId, outcome));
        } catch (err) {
          const temporary = err instanceof DeskError && err.temporary;
          const permanent = err instanceof DeskError && !err.temporary;
          if (permanent || (lastAttempt && !temporary)) done.push(await fail(email, err, attempts));
          else retry ??= err;
        }
      }
      if (retry !== null) throw retry;
      return emails.length === 1 ? done[0] : done;
    },
    async giveUp(job: Job, reason: string) {
      const payload = ingestEmailJob.safeParse(job.data);
      if (!payload.success) return;
      for (const email of payload.data.emails) {
        if (await markIngestFailed(ctx.store, { ...email, attempts: job.attemptsMade }, reason))
          logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
      }
    },
  };
}

/** Logs one email's outcome; what the job returns for it. */
function report(logger: Logger, inboundEmailId: string, outcome: IngestOutcome) {
  const { linkJob, ...rest } = 'linkJob' in outcome ? outcome : { ...outcome, linkJob: null };
  logger.info(
    { inboundEmailId, ...rest, linkJob: linkJob?.id },
    `inbound email ${inboundEmailId}: ${outcome.kind}`,
  );
  return {
    inboundEmailId,
    kind: outcome.kind,
    ...('workItemId' in outcome ? { workItemId: outcome.workItemId } : {}),
  };
}
