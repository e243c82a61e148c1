import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { ingestEmail, markIngestFailed } from '../src/domain/tickets/ingest-email.service';
import { ingestEmailPayload, JOBS } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

export function ingestEmailWorker(ctx: AppContext): WorkerDefinition {
  const logger = ctx.logger.child({ module: JOBS.ingestEmail });
  const deps = {
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
      const { inboundEmailId, outboxId } = ingestEmailPayload.parse(job.data);
      const outcome = await ingestEmail(deps, inboundEmailId, outboxId);
      if (outcome.kind !== 'ticket_created' && outcome.kind !== 'note_added') {
        logger.info(
          { inboundEmailId, ...outcome },
          `inbound email ${inboundEmailId}: ${outcome.kind}`,
        );
        return outcome;
      }
      const { links, ...done } = outcome;
      const linked = linkedContactIds(links);
      logger.info(
        { inboundEmailId, ...done, linked },
        `inbound email ${inboundEmailId}: ${outcome.kind}`,
      );
      logLinkOutcomes(logger, outcome.workItemId, links.addresses);
      return { ...done, links: links.kind, linked };
    },
    async giveUp(job: Job, reason: string) {
      const payload = ingestEmailPayload.safeParse(job.data);
      if (!payload.success) return;
      await markIngestFailed(ctx.store, { ...payload.data, attempts: job.attemptsMade }, reason);
      logger.error({ inboundEmailId: payload.data.inboundEmailId, reason }, 'inbound email failed');
    },
  };
}
