import type { Job } from 'bullmq';
import type { AppContext } from '../src/app/context';
import { linkedContactIds } from '../src/domain/crm/link-contacts.service';
import { DeskError } from '../src/domain/errors';
import {
  ingestPrepared,
  loadForIngest,
  markIngestFailed,
  prepareIngest,
  type IngestDeps,
  type IngestOutcome,
  type ReadyEmail,
} from '../src/domain/tickets/ingest-email.service';
import { ingestTogether } from '../src/domain/tickets/ingest-together.service';
import type { Logger } from '../src/logger';
import { ingestEmailJob, JOBS, type IngestEmailPayload } from '../src/queue/jobs';
import { logLinkOutcomes } from './log-link-outcomes';
import type { WorkerDefinition } from './worker-definition';

/**
 * Ingests a job's emails in order (so two of one conversation keep it): all are parsed first,
 * then those still to be written share one transaction, and any that could not be written there
 * get one each. An email that cannot be ingested is recorded at once; one that may succeed later
 * makes the job retry, and the emails already done are then skipped. On the last attempt an email
 * that still fails is recorded, unless an outage is the reason: that one stays for the outbox
 * sweeper.
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
      const attempts = job.attemptsMade + 1;
      const lastAttempt = attempts >= (job.opts?.attempts ?? 1);
      // in the job's order, whichever way each email went
      const results: unknown[] = [];
      const at = new Map(emails.map((e, i) => [e, i]));
      const retry: { email: IngestEmailPayload; err: unknown }[] = [];
      const fail = async (email: IngestEmailPayload, err: unknown) => {
        const reason = `${err instanceof Error ? err.message : String(err)} (after ${attempts} attempts)`;
        if (await markIngestFailed(ctx.store, { ...email, attempts }, reason)) {
          logger.error({ inboundEmailId: email.inboundEmailId, reason }, 'inbound email failed');
        }
        results[at.get(email)!] = { inboundEmailId: email.inboundEmailId, kind: 'failed' };
      };
      const attempt = async (
        email: IngestEmailPayload,
        run: () => Promise<IngestOutcome | null>,
      ) => {
        try {
          const outcome = await run();
          if (outcome) results[at.get(email)!] = report(logger, email.inboundEmailId, outcome);
        } catch (err) {
          if (err instanceof DeskError && !err.temporary) await fail(email, err);
          else retry.push({ email, err });
        }
      };
      const pending: { email: IngestEmailPayload; ready: ReadyEmail }[] = [];
      for (const email of emails) {
        await attempt(email, async () => {
          const prepared = await prepareIngest(
            deps,
            byId.get(email.inboundEmailId) ?? null,
            email.outboxId,
          );
          if (prepared.kind === 'done') return prepared.outcome;
          pending.push({ email, ready: prepared.ready });
          return null;
        });
      }
      let left = pending;
      if (pending.length > 1) {
        const together = await ingestTogether(
          deps,
          pending.map((p) => p.ready),
        );
        together.outcomes.forEach((outcome, i) => {
          const { email } = pending[i]!;
          if (outcome) results[at.get(email)!] = report(logger, email.inboundEmailId, outcome);
        });
        left = pending.filter((_, i) => !together.outcomes[i]);
        if (left.length > 0)
          logger.info(
            { jobId: job.id, emails: left.length, reason: together.reason },
            `ingesting ${left.length} email(s) of the job one at a time: ${together.reason}`,
          );
      }
      for (const p of left) await attempt(p.email, () => ingestPrepared(deps, p.ready));
      if (retry.length === 0) return results;
      if (!lastAttempt) throw retryError(retry);
      // out of attempts: what keeps failing is recorded; an outage leaves its emails to the sweeper
      const outage = retry.filter((r) => r.err instanceof DeskError && r.err.temporary);
      for (const r of retry) if (!outage.includes(r)) await fail(r.email, r.err);
      if (outage.length > 0) throw outage[0]!.err;
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
