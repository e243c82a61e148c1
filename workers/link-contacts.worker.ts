import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkContacts, linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { JOBS, linkContactsPayload } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

/** The whole way of an email, from its arrival to its contacts linked. */
async function observeReceivedToLinked(ctx: AppContext, inboundEmailId: string) {
  const receivedAt = await ctx.store.run((repos) => repos.inboundEmails.receivedAt(inboundEmailId));
  if (receivedAt)
    ctx.metrics.receivedToLinked.observe(Math.max(0, Date.now() - receivedAt.getTime()) / 1000);
}

export function linkContactsWorker(ctx: AppContext): WorkerDefinition {
  const logger = ctx.logger.child({ module: JOBS.linkContacts });
  const deps = {
    store: ctx.store,
    addressing: ctx.addressing,
    maxContactsPerEmail: ctx.config.CRM_MAX_CONTACTS_PER_EMAIL,
  };
  return {
    queue: JOBS.linkContacts,
    async process(job: Job) {
      const payload = linkContactsPayload.parse(job.data);
      const { workItemId, outboxId, inboundEmailId } = payload;
      const outcome = await linkContacts(deps, workItemId, outboxId);
      if (outcome.kind === 'skipped') {
        logger.info({ workItemId, reason: outcome.reason }, 'link-contacts skipped');
        return outcome;
      }
      logLinkOutcomes(logger, payload, outcome.addresses);
      for (const a of outcome.addresses) ctx.metrics.linkOutcomes.inc({ outcome: a.outcome });
      // the links are committed: a failed look-up must not fail the job
      if (inboundEmailId)
        await observeReceivedToLinked(ctx, inboundEmailId).catch((err: Error) =>
          logger.warn({ err: err.message, inboundEmailId }, 'received-to-linked not measured'),
        );
      return {
        kind: outcome.kind,
        linked: linkedContactIds(outcome),
      };
    },
    // the outbox row stays open: its participants must not be left without an outcome, so the
    // sweeper offers the job again with the rows published long ago (RELAY_TIMINGS)
    async giveUp(job: Job, reason: string) {
      const payload = linkContactsPayload.safeParse(job.data);
      logger.error(
        { jobId: job.id, workItemId: payload.data?.workItemId, reason },
        'link-contacts failed; the outbox sweeper will offer it again',
      );
    },
  };
}
