import type { IngestSubject } from '../../repositories/inbound-ingest.repository';
import type { Store } from '../../repositories/store';
import { ThreadParentPendingError } from '../../errors';
import type { AttachmentLimits } from '../mail/attachment-policy';
import type { ServiceDeskAddressing } from '../mail/service-desk-address';
import { classifyEmail } from './classify';
import { dedupe, dedupeKeyOf } from './dedupe';
import { parseEmail, type ParseOutcome } from './parse';
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
  /** PARSE_TIMEOUT_MS unless given. */
  parseTimeoutMs?: number;
}

/**
 * One stored email, in DESIGN §4's order: parse → classify → dedupe → thread → persist (a
 * ticket or a note, its participants, attachments and link-contacts job). Everything from the
 * claim on is one transaction holding only this email's work. Idempotent: only an email still
 * `received` is acted on, and its outbox row is closed with its outcome. Throws only what a
 * retry may cure (an outage, a parent email not processed yet) or the unexpected.
 */
export async function ingestEmail(
  deps: IngestDeps,
  inboundEmailId: string,
  outboxId: string,
): Promise<IngestOutcome> {
  const stored = await deps.store.run((repos) => repos.ingest.load(inboundEmailId));
  if (!stored || stored.status !== 'received') {
    await deps.store.run((repos) => repos.outbox.markProcessed(outboxId));
    const reason = stored ? `already ${stored.status}` : 'inbound email gone';
    return { kind: 'skipped', reason, projectId: stored?.projectId ?? null };
  }
  return { ...(await ingestStored(deps, stored, outboxId)), projectId: stored.projectId };
}

async function ingestStored(
  deps: IngestDeps,
  stored: IngestSubject,
  outboxId: string,
): Promise<StepOutcome> {
  const parsed = await parseStored(deps, stored);
  if (parsed.kind === 'unparseable')
    return close(deps, stored, outboxId, { kind: 'failed', reason: parsed.reason });
  const { email } = parsed;

  const classified = classifyEmail(email, stored.mailFrom, deps.addressing);
  if (classified.kind === 'ignored')
    return close(deps, stored, outboxId, { kind: 'ignored', reason: classified.reason });

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
    });
  });
}

/** Reads the raw bytes (streamed when large) into mailparser; a read failure is an outage. */
function parseStored(deps: IngestDeps, stored: IngestSubject): Promise<ParseOutcome> {
  if (stored.raw) return parseEmail(stored.raw, { timeoutMs: deps.parseTimeoutMs });
  return deps.store.run(async (repos) => {
    const raw = await repos.inboundEmails.openRaw(stored);
    try {
      return await parseEmail(raw.bytes, { timeoutMs: deps.parseTimeoutMs });
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
): Promise<O> {
  await deps.store.transaction((repos) =>
    repos.ingest.recordOutcome(stored.id, outboxId, {
      status: outcome.kind,
      reason: outcome.reason,
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
