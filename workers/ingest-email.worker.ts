import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { DeskError } from '../src/domain/errors';
import {
  ingestEmail,
  loadForIngest,
  markIngestFailed,
  type IngestDeps,
} from '../src/domain/tickets/ingest-email.service';
import type { IngestSubject } from '../src/repositories/inbound-ingest.repository';
import type { Logger } from '../src/logger';
import { ingestEmailJob, JOBS, type IngestEmailPayload } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests a job's emails one after another (so two of one conversation keep their order). An
 * email that cannot be ingested is recorded at once; one that may succeed later makes the job
 * retry, and the emails already done are then skipped.
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
      const loaded = await loadForIngest(
        deps.store,
        emails.map((e) => e.inboundEmailId),
      );
      const byId = new Map(loaded.map((e) => [e.id, e]));
      const results: unknown[] = [];
      const retry: { inboundEmailId: string; err: unknown }[] = [];
      for (const email of emails) {
        try {
          results.push(
            await ingestOne(deps, logger, email, byId.get(email.inboundEmailId) ?? null),
          );
        } catch (err) {
          if (!(err instanceof DeskError) || err.temporary) {
            retry.push({ inboundEmailId: email.inboundEmailId, err });
            continue;
          }
          const attempts = job.attemptsMade + 1;
          await markIngestFailed(
            ctx.store,
            { ...email, attempts },
            `${err.message} (after ${attempts} attempts)`,
          );
          logger.error(
            { inboundEmailId: email.inboundEmailId, reason: err.message },
            'inbound email failed',
          );
          results.push({ inboundEmailId: email.inboundEmailId, kind: 'failed' });
        }
      }
      if (retry.length > 0) throw retryError(retry);
      return results;
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

async function ingestOne(
  deps: IngestDeps,
  logger: Logger,
  email: IngestEmailPayload,
  loaded: IngestSubject | null,
) {
  const { inboundEmailId } = email;
  const outcome = await ingestEmail(deps, inboundEmailId, email.outboxId, loaded);
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

/** Only an outage leaves the emails to the sweeper when retries run out; anything else is recorded. */
function retryError(retry: { inboundEmailId: string; err: unknown }[]): unknown {
  const first = retry[0]!.err;
  if (retry.every((r) => r.err instanceof DeskError && r.err.temporary)) return first;
  if (retry.length === 1) return first;
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
  return new Error(
    retry.map((r) => `inbound email ${r.inboundEmailId}: ${message(r.err)}`).join('; '),
  );
}
