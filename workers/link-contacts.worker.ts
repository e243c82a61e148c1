import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkContacts, linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { JOBS, linkContactsPayload } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

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
      const { workItemId, outboxId } = payload;
      const outcome = await linkContacts(deps, workItemId, outboxId);
      if (outcome.kind === 'skipped') {
        logger.info({ workItemId, reason: outcome.reason }, 'link-contacts skipped');
        return outcome;
      }
      logLinkOutcomes(logger, payload, outcome.addresses);
      for (const a of outcome.addresses) ctx.metrics.linkOutcomes.inc({ outcome: a.outcome });
      if (payload.email)
        ctx.metrics.receivedToLinked.observe(
          Math.max(0, Date.now() - Date.parse(payload.email.receivedAt)) / 1000,
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
