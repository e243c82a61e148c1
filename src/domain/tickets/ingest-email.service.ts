import { randomBytes } from 'node:crypto';
import type {
  ParticipantInput,
  PendingParticipant,
} from '../../repositories/email-participant.repository';
import type { InboundStatus } from '../../../entities/inbound-email.entity';
import type {
  EmailKeys,
  ExistingParticipant,
  IngestSubject,
  IngestWrite,
  LinkContext,
  ThreadCandidates,
  ThreadLookup,
  WriteResult,
} from '../../repositories/inbound-ingest.repository';
import type { Repositories, Store } from '../../repositories/store';
import {
  decideWorkItemLinks,
  linkedContactIds,
  type LinkDecision,
} from '../crm/link-contacts.service';
import { pendingOrder } from '../crm/pending-order';
import { ContactSourceChangedError, WorkItemBusyError } from '../../errors';
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
import {
  parentIds,
  pickThread,
  replyAddressesOf,
  threadLockKeys,
  threadRootOf,
  type ThreadEnvelope,
} from './thread';

export type IngestOutcome =
  | {
      kind: 'ticket_created';
      workItemId: number;
      iid: number;
      flags: string[];
      links: LinkDecision;
    }
  | { kind: 'note_added'; workItemId: number; noteId: number; flags: string[]; links: LinkDecision }
  | { kind: 'ignored'; reason: string }
  | { kind: 'duplicate'; workItemId: number | null; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

export interface IngestDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
  attachmentLimits: AttachmentLimits;
  /** CRM_MAX_CONTACTS_PER_EMAIL. */
  maxContactsPerEmail: number;
  /** PARSE_TIMEOUT_MS unless given. */
  parseTimeoutMs?: number;
}

const MAX_TITLE = 255;
const MAX_TEXT = 1_048_576;

interface Envelope extends ThreadEnvelope {
  mailFrom: string | null;
}

/**
 * parse → classify → dedupe → thread → ticket or note → link contacts, for one stored email.
 * Idempotent: only an email still `received` is acted on, under its row lock, and the outbox row
 * is closed in the same transaction as the effect.
 */
export async function ingestEmail(
  deps: IngestDeps,
  inboundEmailId: string,
  outboxId: string,
): Promise<IngestOutcome> {
  const [stored] = await loadForIngest(deps.store, [inboundEmailId]);
  const prepared = await prepareIngest(deps, stored ?? null, outboxId);
  return prepared.kind === 'done' ? prepared.outcome : ingestPrepared(deps, prepared.ready);
}

/** An email parsed and classified, ready for the transaction that claims it. */
export interface ReadyEmail {
  envelope: Envelope;
  outboxId: string;
  keys: EmailKeys;
  lockKeys: string[];
  email: ParsedEmail;
  addresses: ParticipantInput[];
  flags: string[];
}

export type PreparedEmail =
  { kind: 'done'; outcome: IngestOutcome } | { kind: 'ready'; ready: ReadyEmail };

/**
 * Everything before the transaction: an email no longer `received` is skipped, one that cannot
 * be parsed fails and an auto-reply or bounce is ignored (each recorded at once).
 */
export async function prepareIngest(
  deps: IngestDeps,
  stored: IngestSubject | null,
  outboxId: string,
): Promise<PreparedEmail> {
  if (!stored || stored.status !== 'received') {
    await deps.store.run((repos) => repos.outbox.markProcessed(outboxId));
    const reason = stored ? `already ${stored.status}` : 'inbound email no longer exists';
    return { kind: 'done', outcome: { kind: 'skipped', reason } };
  }
  const envelope: Envelope = {
    id: stored.id,
    projectId: stored.projectId,
    mailFrom: stored.mailFrom,
    rcptTo: stored.rcptTo,
    messageId: stored.messageId,
  };
  const parsed = await deps.store.run((repos) =>
    repos.inboundEmails.withRaw(stored, (raw) =>
      parseEmail(raw, { timeoutMs: deps.parseTimeoutMs }),
    ),
  );
  if (parsed.kind === 'unparseable') {
    const outcome = await finish(deps, envelope, outboxId, {
      kind: 'failed',
      reason: parsed.reason,
    });
    return { kind: 'done', outcome };
  }
  const email = parsed.email;
  const classification = classifyEmail(email, envelope.mailFrom, deps.addressing);
  if (classification.kind === 'ignored') {
    const outcome = await finish(deps, envelope, outboxId, {
      kind: 'ignored',
      reason: classification.reason,
    });
    return { kind: 'done', outcome };
  }
  const keys = {
    dedupeKey: dedupeKeyOf(email, envelope.messageId),
    threadRoot: threadRootOf(envelope, email),
  };
  return {
    kind: 'ready',
    ready: {
      envelope,
      outboxId,
      keys,
      lockKeys: [keys.dedupeKey, ...threadLockKeys(envelope, email)],
      email,
      addresses: participantsOf(email, envelope),
      flags: classification.flags,
    },
  };
}

/** One email in a transaction of its own, waiting for whatever it needs to lock. */
export async function ingestPrepared(deps: IngestDeps, ready: ReadyEmail): Promise<IngestOutcome> {
  return deps.store.transaction(async (repos) => {
    const id = ready.envelope.id;
    const statuses = await repos.ingest.claim([claimOf(ready)]);
    const step = await ingestClaimed(repos, deps, ready, statuses.get(id) ?? null, { wait: true });
    if (step.kind === 'done') return step.outcome;
    const [written] = await repos.ingest.write([step.write]);
    return step.complete(repos, written!);
  });
}

/** What an email still needs once its write is done: attachments, a note of what was dropped. */
export type Completion = (repos: Repositories, written: WriteResult) => Promise<IngestOutcome>;

/** An email dealt with under its locks, or decided and waiting for its write. */
export type ClaimedStep =
  | { kind: 'done'; outcome: IngestOutcome }
  | { kind: 'write'; write: IngestWrite; complete: Completion };

export interface ClaimOptions {
  /** Wait for a reply's work item (a transaction of its own), or throw WorkItemBusyError. */
  wait: boolean;
  /** Candidates read for it already, under its locks, as nothing it depends on is pending. */
  candidates?: ThreadCandidates;
  /** Runs before a reply locks and reads its work item (writes pending there go first). */
  beforeReply?: (workItemId: number) => Promise<void>;
}

/** Under the email's locks: dedupe, thread, then the ticket or note to write. */
export async function ingestClaimed(
  repos: Repositories,
  deps: IngestDeps,
  ready: ReadyEmail,
  status: InboundStatus | null,
  options: ClaimOptions,
): Promise<ClaimedStep> {
  const { envelope, outboxId, keys } = ready;
  if (status !== 'received') {
    await repos.outbox.markProcessed(outboxId);
    return { kind: 'done', outcome: { kind: 'skipped', reason: `already ${status ?? 'gone'}` } };
  }
  // a statement of its own: it must see what the holders of those locks committed
  const found =
    options.candidates ?? (await repos.ingest.findCandidates([lookupOf(deps, ready)]))[0]!;
  if (found.earlier) {
    const outcome: IngestOutcome = {
      kind: 'duplicate',
      workItemId: found.earlier.workItemId,
      reason: `${keys.dedupeKey.startsWith('mid:') ? 'same Message-ID' : 'same headers and body'} as inbound email ${found.earlier.id}`,
    };
    await repos.ingest.close(envelope.id, outboxId, {
      status: 'duplicate',
      reason: outcome.reason,
      workItemId: outcome.workItemId,
      keys,
    });
    return { kind: 'done', outcome };
  }
  return decide(repos, deps, ready, {
    threadId: pickThread(envelope, found),
    ticketContext: found.ticketLinkContext,
    options,
  });
}

/** What `claim` locks for an email. */
export function claimOf({ envelope, lockKeys, outboxId }: ReadyEmail) {
  return { id: envelope.id, projectId: envelope.projectId, lockKeys, outboxId };
}

export function lookupOf(
  deps: IngestDeps,
  { envelope, keys, email, addresses }: ReadyEmail,
): ThreadLookup {
  return {
    projectId: envelope.projectId,
    inboundEmailId: envelope.id,
    dedupeKey: keys.dedupeKey,
    replyAddresses: replyAddressesOf(deps.addressing, envelope.rcptTo),
    messageIds: parentIds(envelope, email),
    threadRoot: keys.threadRoot,
    emails: addresses.map((a) => a.email),
  };
}

/** The stored emails `ingestEmail` starts from, read in one statement for a job's emails. */
export async function loadForIngest(store: Store, ids: string[]): Promise<IngestSubject[]> {
  return store.run((repos) => repos.ingest.loadMany(ids));
}

/**
 * The customer is Reply-To, else From, else Sender; only an envelope sender is left for
 * header-less mail. From addresses that are not the customer are neither participants nor linked.
 */
function participantsOf(email: ParsedEmail, envelope: Envelope): ParticipantInput[] {
  const sender = email.sender ?? normalizeAddress(envelope.mailFrom);
  return [
    ...(sender ? [{ email: sender, role: 'from' as const }] : []),
    ...email.cc.map((address) => ({ email: address, role: 'cc' as const })),
  ];
}

async function decide(
  repos: Repositories,
  deps: IngestDeps,
  { envelope, outboxId, keys, email, addresses, flags }: ReadyEmail,
  target: { threadId: number | null; ticketContext: LinkContext | null; options: ClaimOptions },
): Promise<ClaimedStep> {
  const { threadId, options } = target;
  const sender = addresses.find((a) => a.role === 'from')?.email ?? null;
  const { kept, dropped } = applyAttachmentLimits(email.attachments, deps.attachmentLimits);
  const allFlags =
    dropped.length > 0 ? [...flags, `${dropped.length} attachment(s) dropped`] : flags;

  // a reply's work item is locked before its source is read, as link-contacts does; a new
  // ticket's project has been held since the claim, and its source read with the candidates
  if (threadId !== null) {
    await options.beforeReply?.(threadId);
    if (options.wait) await repos.workItemContacts.lockWorkItem(threadId);
    else if (!(await repos.workItemContacts.tryLockWorkItem(threadId)))
      throw new WorkItemBusyError(threadId);
  }
  const crm =
    threadId === null
      ? target.ticketContext
      : await repos.ingest.linkContext(
          { workItemId: threadId },
          addresses.map((a) => a.email),
        );
  if (!crm) throw new Error(`project ${envelope.projectId} or work item ${threadId} is gone`);
  const plan = planParticipants(crm.participants, addresses);
  const links = await decideWorkItemLinks(
    crm,
    plan.pending,
    (source) => crm.contacts.filter((c) => c.groupId === source),
    deps.addressing,
    deps.maxContactsPerEmail,
  );
  const decided = new Map(links.addresses.map((a) => [a.email, a]));
  const outcomeOf = (address: string) => decided.get(address)!;
  const write: IngestWrite = {
    inboundEmailId: envelope.id,
    outboxId,
    keys,
    reason: allFlags.length > 0 ? allFlags.join('; ') : null,
    target:
      threadId === null
        ? {
            kind: 'ticket',
            projectId: envelope.projectId,
            chainVersion: crm.chainVersion,
            title: (email.subject || '(no subject)').slice(0, MAX_TITLE),
            description: email.text.slice(0, MAX_TEXT),
            authorEmail: sender,
            replyKey: randomBytes(16).toString('hex'),
          }
        : {
            kind: 'note',
            workItemId: threadId,
            body: replyText(email.text).slice(0, MAX_TEXT),
            authorEmail: sender,
          },
    newParticipants: plan.added.map((p) => ({
      ...p,
      outcome: outcomeOf(p.email).outcome,
      contactId: outcomeOf(p.email).contactId,
    })),
    decidedExisting: plan.open.map((p) => ({
      id: p.id,
      outcome: outcomeOf(p.email).outcome,
      contactId: outcomeOf(p.email).contactId,
    })),
    linkContactIds: linkedContactIds(links),
  };
  const complete: Completion = async (repos, written) => {
    if (written.kind === 'stale') throw new ContactSourceChangedError(envelope.projectId);
    const { workItemId, noteId, iid } = written;
    await repos.attachments.addMany({ workItemId, noteId, inboundEmailId: envelope.id }, kept);
    if (dropped.length > 0) {
      await repos.workItems.addNote({
        workItemId,
        body: describeDropped(dropped),
        authorEmail: null,
        inboundEmailId: envelope.id,
      });
    }
    return noteId !== null
      ? { kind: 'note_added', workItemId, noteId, flags: allFlags, links }
      : { kind: 'ticket_created', workItemId, iid: iid!, flags: allFlags, links };
  };
  return { kind: 'write', write, complete };
}

/**
 * Which addresses are new to the work item (a known address keeps its first role), which of its
 * participants are still open from before, and all of them in the order linking decides them.
 */
function planParticipants(
  existing: ExistingParticipant[],
  addresses: ParticipantInput[],
): { added: ParticipantInput[]; open: ExistingParticipant[]; pending: PendingParticipant[] } {
  const seen = new Set(existing.map((p) => p.email));
  const added = addresses.filter((a) => !seen.has(a.email) && (seen.add(a.email), true));
  const open = existing.filter((p) => p.linkOutcome === null);
  // the new rows get ids after every existing one, in this order
  const after = existing.reduce((max, p) => Math.max(max, p.id), 0);
  const pending = pendingOrder([
    ...open.map((p) => ({ id: p.id, email: p.email, role: p.role })),
    ...added.map((a, i) => ({ id: after + 1 + i, email: a.email, role: a.role })),
  ]);
  return { added, open, pending };
}

async function finish(
  deps: IngestDeps,
  envelope: Envelope,
  outboxId: string,
  outcome: Extract<IngestOutcome, { kind: 'failed' | 'ignored' }>,
): Promise<IngestOutcome> {
  await deps.store.run((repos) =>
    repos.ingest.close(envelope.id, outboxId, { status: outcome.kind, reason: outcome.reason }),
  );
  return outcome;
}

/**
 * Marks an email failed once a job has used up its retries, so it is visible and reprocessable;
 * false when it had been dealt with already.
 */
export async function markIngestFailed(
  store: Store,
  job: { inboundEmailId: string; outboxId: string; attempts: number },
  reason: string,
): Promise<boolean> {
  return store.transaction(async (repos) => {
    const marked = await repos.inboundEmails.setOutcome(job.inboundEmailId, {
      status: 'failed',
      reason,
      attempts: job.attempts,
    });
    await repos.outbox.markProcessed(job.outboxId);
    return marked;
  });
}
