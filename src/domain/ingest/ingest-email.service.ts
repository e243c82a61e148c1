import type { IngestSubject } from '../../repositories/inbound-ingest.repository';
import type { Store } from '../../repositories/store';
import type { Readable } from 'node:stream';
import type { SenderAuthResults } from '../../../entities/inbound-email.entity';
import { DnsUnavailableError, ThreadParentPendingError } from '../../errors';
import type { AttachmentLimits } from '../mail/attachment-policy';
import type { ServiceDeskAddressing } from '../mail/service-desk-address';
import {
  authenticateSender,
  DNS_ATTEMPTS,
  goesOnWithoutDns,
  type ResolveDns,
} from './authenticate';
import { classifyEmail } from './classify';
import { dedupe, dedupeKeyOf } from './dedupe';
import { parseEmail } from './parse';
import { persist, type Persisted } from './persist';
import { findThread, threadLockKeys, threadRootOf } from './thread';

type StepOutcome =
  | Persisted
  | { kind: 'ignored'; reason: string }
  | { kind: 'duplicate'; workItemId: number | null; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

/** What became of one email, and the project it was sent to (null when it is gone). */
export type IngestOutcome = StepOutcome & { projectId: number | null };

export interface IngestDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
  attachmentLimits: AttachmentLimits;
  /** DNS for sender authentication (desk's client: DNS_SERVERS, deadlines, a cache). */
  resolveDns: ResolveDns;
  /** PARSE_TIMEOUT_MS unless given. */
  parseTimeoutMs?: number;
}

/**
 * One stored email, in DESIGN §4's order with sender authentication first: authenticate → parse →
 * classify → dedupe → thread → persist (a ticket or a note, its participants, attachments and
 * link-contacts job). Authentication does DNS, so it runs before the transaction; everything from
 * the claim on is one transaction holding only this email's work. Idempotent: only an email still
 * `received` is acted on, and its outbox row is closed with its outcome. Throws only what a
 * retry may cure (an outage, DNS that did not answer, a parent email not processed yet) or the
 * unexpected. `job`: its attempts so far and in all (DNS is waited for DNS_ATTEMPTS times).
 */
export async function ingestEmail(
  deps: IngestDeps,
  inboundEmailId: string,
  outboxId: string,
  job: { attemptsMade: number; attempts: number } = { attemptsMade: 0, attempts: DNS_ATTEMPTS },
): Promise<IngestOutcome> {
  const stored = await deps.store.run((repos) => repos.ingest.load(inboundEmailId));
  if (!stored || stored.status !== 'received') {
    await deps.store.run((repos) => repos.outbox.markProcessed(outboxId));
    const reason = stored ? `already ${stored.status}` : 'inbound email gone';
    return { kind: 'skipped', reason, projectId: stored?.projectId ?? null };
  }
  const authenticated = await readStored(deps, stored, (raw) =>
    authenticateSender(raw, stored, {
      resolveDns: deps.resolveDns,
      authservId: deps.addressing.domain,
    }),
  );
  if (authenticated.kind === 'dns_failed' && !goesOnWithoutDns(job.attemptsMade, job.attempts))
    throw new DnsUnavailableError(stored.id, authenticated.failure);
  const outcome = await ingestStored(deps, stored, outboxId, authenticated.results);
  return { ...outcome, projectId: stored.projectId };
}

async function ingestStored(
  deps: IngestDeps,
  stored: IngestSubject,
  outboxId: string,
  authResults: SenderAuthResults,
): Promise<StepOutcome> {
  const parsed = await readStored(deps, stored, (raw) =>
    parseEmail(raw, { timeoutMs: deps.parseTimeoutMs }),
  );
  if (parsed.kind === 'unparseable')
    return close(deps, stored, outboxId, { kind: 'failed', reason: parsed.reason }, authResults);
  const { email } = parsed;

  const classified = classifyEmail(email, stored.mailFrom, deps.addressing);
  if (classified.kind === 'ignored') {
    const ignored = { kind: 'ignored' as const, reason: classified.reason };
    return close(deps, stored, outboxId, ignored, authResults);
  }

  const keys = {
    dedupeKey: dedupeKeyOf(email, stored.messageId),
    threadRoot: threadRootOf(stored, email),
  };
  return deps.store.transaction(async (repos) => {
    const lockKeys = [keys.dedupeKey, ...threadLockKeys(deps.addressing, stored, email)];
    const status = await repos.ingest.claim({ ...stored, lockKeys, outboxId });
    if (status !== 'received') {
      await repos.outbox.markProcessed(outboxId);
      return { kind: 'skipped', reason: `already ${status ?? 'gone'}` };
    }

    const duplicate = await dedupe(repos, stored, keys.dedupeKey);
    if (duplicate.kind === 'duplicate') {
      const workItemId = duplicate.of.workItemId;
      await repos.ingest.recordOutcome(stored.id, outboxId, {
        status: 'duplicate',
        reason: duplicate.reason,
        workItemId,
        keys,
        authResults,
      });
      return { kind: 'duplicate', workItemId, reason: duplicate.reason };
    }

    const thread = await findThread(repos, deps.addressing, stored, email);
    if (thread.kind === 'wait') throw new ThreadParentPendingError(stored.id, thread.parentId);

    return persist(repos, {
      envelope: stored,
      outboxId,
      keys,
      email,
      flags: classified.flags,
      replyTo: thread.kind === 'reply' ? thread.workItemId : null,
      attachmentLimits: deps.attachmentLimits,
      authResults,
    });
  });
}

/** Hands the raw bytes (streamed when large) to a step; a read failure is an outage. */
function readStored<T>(
  deps: IngestDeps,
  stored: IngestSubject,
  step: (raw: Buffer | Readable) => Promise<T>,
): Promise<T> {
  if (stored.raw) return step(stored.raw);
  return deps.store.run(async (repos) => {
    const raw = await repos.inboundEmails.openRaw(stored);
    try {
      return await step(raw.bytes);
    } finally {
      await raw.close();
    }
  });
}

/** An outcome without a ticket or note: only a `received` email takes it. */
async function close<O extends { kind: 'failed' | 'ignored'; reason: string }>(
  deps: IngestDeps,
  stored: IngestSubject,
  outboxId: string,
  outcome: O,
  authResults: SenderAuthResults,
): Promise<O> {
  await deps.store.transaction((repos) =>
    repos.ingest.recordOutcome(stored.id, outboxId, {
      status: outcome.kind,
      reason: outcome.reason,
      authResults,
    }),
  );
  return outcome;
}

/**
 * Marks an email failed once its job has used up its retries, so it is visible and reprocessable;
 * false when it had been dealt with already.
 */
export async function markIngestFailed(
  store: Store,
  job: { inboundEmailId: string; outboxId: string; attempts: number },
  reason: string,
): Promise<boolean> {
  return store.transaction((repos) =>
    repos.ingest.recordOutcome(job.inboundEmailId, job.outboxId, {
      status: 'failed',
      reason,
      attempts: job.attempts,
    }),
  );
}
