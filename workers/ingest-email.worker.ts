import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { ingestEmail, markIngestFailed } from '../src/domain/tickets/ingest-email.service';
import { ingestEmailPayload, JOBS } from '../src/queue/jobs';
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
  };
  return {
    queue: JOBS.ingestEmail,
    async process(job: Job) {
      const { inboundEmailId, outboxId } = ingestEmailPayload.parse(job.data);
      const outcome = await ingestEmail(deps, inboundEmailId, outboxId);
      if (outcome.kind === 'ticket_created' || outcome.kind === 'note_added')
        ctx.relay.publish([outcome.followUp]);
      const { followUp: _followUp, ...logged } =
        'followUp' in outcome ? outcome : { ...outcome, followUp: null };
      logger.info(
        { inboundEmailId, ...logged },
        `inbound email ${inboundEmailId}: ${outcome.kind}`,
      );
      return logged;
    },
    async giveUp(job: Job, reason: string) {
      const payload = ingestEmailPayload.safeParse(job.data);
      if (!payload.success) return;
      await markIngestFailed(ctx.store, { ...payload.data, attempts: job.attemptsMade }, reason);
      logger.error({ inboundEmailId: payload.data.inboundEmailId, reason }, 'inbound email failed');
    },
  };
}
