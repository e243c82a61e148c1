import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import {
  ingestEmail,
  markIngestFailed,
  type IngestDeps,
  type IngestOutcome,
} from '../src/domain/ingest/ingest-email.service';
import type { Logger } from '../src/logger';
import type { DeskMetrics } from '../src/metrics/desk-metrics';
import { GAVE_UP, reasonClassOf } from '../src/metrics/reason-class';
import { ingestEmailPayload, JOBS } from '../src/queue/jobs';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests one email and publishes the link-contacts job it wrote. What fails is left to
 * run-workers' policy: a permanent error, or any error on the last attempt, ends in `giveUp`,
 * which records the email `failed`; an outage leaves it to the outbox sweeper.
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
    resolveDns: ctx.resolveDns,
  };
  return {
    queue: JOBS.ingestEmail,
    async process(job: Job) {
      const email = ingestEmailPayload.parse(job.data);
      const { inboundEmailId, outboxId } = email;
      const outcome = await ingestEmail(deps, inboundEmailId, outboxId, {
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
      });
      if ('linkJob' in outcome) ctx.relay.publish([outcome.linkJob]);
      count(ctx.metrics, outcome);
      return report(logger, email.inboundEmailId, outcome);
    },
    async giveUp(job: Job, reason: string) {
      const email = ingestEmailPayload.safeParse(job.data);
      if (!email.success) return;
      const failed = { ...email.data, attempts: job.attemptsMade };
      if (await markIngestFailed(ctx.store, failed, reason)) {
        ctx.metrics.inboundOutcomes.inc({ status: 'failed', reason: GAVE_UP });
        const { inboundEmailId } = email.data;
        logger.error(
          { inboundEmailId, status: 'failed', reason },
          `inbound email ${inboundEmailId} failed: ${reason}; reprocess it once the cause is fixed`,
        );
      }
    },
  };
}

/** An email's final status and the class of its reason; a skipped job changed nothing. */
function count(metrics: DeskMetrics, outcome: IngestOutcome) {
  if (outcome.kind === 'skipped') return;
  const reason = 'reason' in outcome ? outcome.reason : outcome.flags[0];
  metrics.inboundOutcomes.inc({ status: outcome.kind, reason: reasonClassOf(reason) });
}

/**
 * The outcome line of an email that ends here (ignored, duplicate, failed); a ticket or a note
 * gets its line from the link job, with the linked counts. What the job returns for it.
 */
function report(logger: Logger, inboundEmailId: string, outcome: IngestOutcome) {
  const { linkJob, ...rest } = 'linkJob' in outcome ? outcome : { ...outcome, linkJob: null };
  const ends = !linkJob && outcome.kind !== 'skipped';
  const project = outcome.projectId === null ? '' : ` (project ${outcome.projectId})`;
  const reason = 'reason' in outcome ? `: ${outcome.reason}` : '';
  (ends ? logger.info : logger.debug).call(
    logger,
    { inboundEmailId, ...rest, status: outcome.kind, linkJob: linkJob?.id },
    `inbound email ${inboundEmailId} ${outcome.kind}${project}${reason}`,
  );
  return {
    inboundEmailId,
    kind: outcome.kind,
    ...('workItemId' in outcome ? { workItemId: outcome.workItemId } : {}),
  };
}
