import { randomBytes } from 'node:crypto';
import type { ParticipantInput } from '../../repositories/email-participant.repository';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Repositories, Store } from '../../repositories/store';
import { JOBS } from '../../queue/jobs';
import { normalizeAddress } from '../mail/address';
import {
  applyAttachmentLimits,
  describeDropped,
  type AttachmentLimits,
} from '../mail/attachment-policy';
import { classifyEmail } from '../mail/classify-email.service';
import { dedupeKeyOf } from '../mail/dedupe-key';
import { parseEmail, type ParsedEmail } from '../mail/parse-email.service';
import { replyText } from '../mail/reply-text';
import type { ServiceDeskAddressing } from '../mail/service-desk-address';
import { findThread, threadLockKeys, threadRootOf, type ThreadEnvelope } from './thread';

export type IngestOutcome =
  | {
      kind: 'ticket_created';
      workItemId: number;
      iid: number;
      flags: string[];
      followUp: OutboxRow;
    }
  | { kind: 'note_added'; workItemId: number; noteId: number; flags: string[]; followUp: OutboxRow }
  | { kind: 'ignored'; reason: string }
  | { kind: 'duplicate'; workItemId: number | null; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

export interface IngestDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
  attachmentLimits: AttachmentLimits;
  /** PARSE_TIMEOUT_MS unless given. */
  parseTimeoutMs?: number;
}

const MAX_TITLE = 255;
const MAX_TEXT = 1_048_576;

interface Envelope extends ThreadEnvelope {
  mailFrom: string | null;
}

/**
 * parse → classify → dedupe → thread → ticket or note, for one stored email. Idempotent: only an
 * email still `received` is acted on, under its row lock, and the outbox row is closed in the
 * same transaction as the effect.
 */
export async function ingestEmail(
  deps: IngestDeps,
  inboundEmailId: string,
  outboxId: string,
): Promise<IngestOutcome> {
  const stored = await deps.store.run((repos) => repos.inboundEmails.findEnvelope(inboundEmailId));
  if (!stored || stored.status !== 'received') {
    await deps.store.run((repos) => repos.outbox.markProcessed(outboxId));
    return {
      kind: 'skipped',
      reason: stored ? `already ${stored.status}` : 'inbound email no longer exists',
    };
  }
  const envelope: Envelope = {
    id: stored.id,
    projectId: stored.projectId,
    mailFrom: stored.mailFrom,
    rcptTo: stored.rcptTo,
    messageId: stored.messageId,
  };
  const parsed = await deps.store.run((repos) =>
    repos.inboundEmails.withRaw(stored.id, stored.size, (raw) =>
      parseEmail(raw, { timeoutMs: deps.parseTimeoutMs }),
    ),
  );
  if (parsed.kind === 'unparseable')
    return finish(deps, envelope, outboxId, { kind: 'failed', reason: parsed.reason });
  const email = parsed.email;
  const classification = classifyEmail(email, envelope.mailFrom, deps.addressing);
  if (classification.kind === 'ignored') {
    return finish(deps, envelope, outboxId, { kind: 'ignored', reason: classification.reason });
  }
  return deps.store.transaction(async (repos) => {
    const status = await repos.inboundEmails.lockStatus(envelope.id);
    if (status !== 'received') {
      await repos.outbox.markProcessed(outboxId);
      return { kind: 'skipped', reason: `already ${status ?? 'gone'}` };
    }
    const dedupeKey = dedupeKeyOf(email, envelope.messageId);
    await repos.inboundEmails.lockKeys(envelope.projectId, [
      dedupeKey,
      ...threadLockKeys(envelope, email),
    ]);
    await repos.inboundEmails.setKeys(envelope.id, {
      dedupeKey,
      threadRoot: threadRootOf(envelope, email),
    });
    const earlier = await repos.inboundEmails.findEarlierByDedupeKey(
      envelope.projectId,
      dedupeKey,
      envelope.id,
    );
    const outcome: IngestOutcome = earlier
      ? {
          kind: 'duplicate',
          workItemId: earlier.workItemId,
          reason: `${dedupeKey.startsWith('mid:') ? 'same Message-ID' : 'same headers and body'} as inbound email ${earlier.id}`,
        }
      : await persist(repos, deps, envelope, email, classification.flags);
    await recordOutcome(repos, envelope.id, outcome);
    await repos.outbox.markProcessed(outboxId);
    return outcome;
  });
}

async function persist(
  repos: Repositories,
  deps: IngestDeps,
  envelope: Envelope,
  email: ParsedEmail,
  flags: string[],
): Promise<IngestOutcome> {
  // the customer is Reply-To, else From, else Sender; only an envelope sender is left for
  // header-less mail. From addresses that are not the customer are neither participants nor linked.
  const sender = email.sender ?? normalizeAddress(envelope.mailFrom);
  const participants: ParticipantInput[] = [
    ...(sender ? [{ email: sender, role: 'from' as const }] : []),
    ...email.cc.map((address) => ({ email: address, role: 'cc' as const })),
  ];
  const { kept, dropped } = applyAttachmentLimits(email.attachments, deps.attachmentLimits);
  const allFlags =
    dropped.length > 0 ? [...flags, `${dropped.length} attachment(s) dropped`] : flags;
  const threadId = await findThread(repos, deps.addressing, envelope, email);

  let workItemId: number;
  let noteId: number | null = null;
  let iid = 0;
  if (threadId !== null) {
    workItemId = threadId;
    const note = await repos.workItems.addNote({
      workItemId,
      body: replyText(email.text).slice(0, MAX_TEXT),
      authorEmail: sender,
      inboundEmailId: envelope.id,
    });
    noteId = note.id;
  } else {
    iid = await repos.projects.nextWorkItemIid(envelope.projectId);
    const workItem = await repos.workItems.create({
      projectId: envelope.projectId,
      iid,
      title: (email.subject || '(no subject)').slice(0, MAX_TITLE),
      description: email.text.slice(0, MAX_TEXT),
      authorEmail: sender,
      serviceDesk: true,
      replyKey: randomBytes(16).toString('hex'),
    });
    workItemId = workItem.id;
  }
  await repos.attachments.addMany({ workItemId, noteId, inboundEmailId: envelope.id }, kept);
  if (dropped.length > 0) {
    await repos.workItems.addNote({
      workItemId,
      body: describeDropped(dropped),
      authorEmail: null,
      inboundEmailId: envelope.id,
    });
  }
  await repos.participants.addMany(workItemId, envelope.id, participants);
  const followUp = await repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
    workItemId,
    inboundEmailId: envelope.id,
  });
  return noteId !== null
    ? { kind: 'note_added', workItemId, noteId, flags: allFlags, followUp }
    : { kind: 'ticket_created', workItemId, iid, flags: allFlags, followUp };
}

async function recordOutcome(
  repos: Repositories,
  id: string,
  outcome: IngestOutcome,
): Promise<void> {
  switch (outcome.kind) {
    case 'ticket_created':
    case 'note_added':
      await repos.inboundEmails.setOutcome(id, {
        status: outcome.kind,
        workItemId: outcome.workItemId,
        noteId: outcome.kind === 'note_added' ? outcome.noteId : null,
        reason: outcome.flags.length > 0 ? outcome.flags.join('; ') : null,
      });
      return;
    case 'duplicate':
      await repos.inboundEmails.setOutcome(id, {
        status: 'duplicate',
        workItemId: outcome.workItemId,
        reason: outcome.reason,
      });
      return;
    case 'ignored':
    case 'failed':
      await repos.inboundEmails.setOutcome(id, { status: outcome.kind, reason: outcome.reason });
      return;
    case 'skipped':
      return;
  }
}

async function finish(
  deps: IngestDeps,
  envelope: Envelope,
  outboxId: string,
  outcome: IngestOutcome,
): Promise<IngestOutcome> {
  return deps.store.transaction(async (repos) => {
    await recordOutcome(repos, envelope.id, outcome);
    await repos.outbox.markProcessed(outboxId);
    return outcome;
  });
}

/** Marks an email failed once a job has used up its retries, so it is visible and reprocessable. */
export async function markIngestFailed(
  store: Store,
  job: { inboundEmailId: string; outboxId: string; attempts: number },
  reason: string,
): Promise<void> {
  await store.transaction(async (repos) => {
    await repos.inboundEmails.setOutcome(job.inboundEmailId, {
      status: 'failed',
      reason,
      attempts: job.attempts,
    });
    await repos.outbox.markProcessed(job.outboxId);
  });
}
