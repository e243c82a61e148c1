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
import { ingestEmailPayload, JOBS, type IngestEmailPayload } from '../src/queue/jobs';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests one email. One that cannot be ingested is recorded `failed`; one that may succeed later
 * makes the job retry. On the last attempt an email that still fails is recorded, unless an
 * outage is the reason: that one stays for the outbox sweeper. The link-contacts job the email
 * wrote is published at once.
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
  const fail = async (email: IngestEmailPayload, reason: string, attempts: number) => {
    if (await markIngestFailed(ctx.store, { ...email, attempts }, reason))
      logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
    return { inboundEmailId: email.inboundEmailId, kind: 'failed' };
  };
  return {
    queue: JOBS.ingestEmail,
    async process(job: Job) {
      const email = ingestEmailPayload.parse(job.data);
      const attempts = job.attemptsMade + 1;
      try {
        const outcome = await ingestEmail(deps, email.inboundEmailId, email.outboxId);
        if ('linkJob' in outcome) ctx.relay.publish([outcome.linkJob]);
        return report(logger, email.inboundEmailId, outcome);
      } catch (err) {
        const temporary = err instanceof DeskError && err.temporary;
        const lastAttempt = attempts >= (job.opts?.attempts ?? 1);
        if (temporary || (!lastAttempt && !(err instanceof DeskError))) throw err;
        const message = err instanceof Error ? err.message : String(err);
        return fail(email, `${message} (after ${attempts} attempts)`, attempts);
      }
    },
    async giveUp(job: Job, reason: string) {
      const email = ingestEmailPayload.safeParse(job.data);
      if (email.success) await fail(email.data, reason, job.attemptsMade);
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
