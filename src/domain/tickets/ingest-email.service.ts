import { randomBytes } from 'node:crypto';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Repositories, Store } from '../../repositories/store';
import { JOBS } from '../../queue/jobs';
import { normalizeAddress } from '../mail/address';
import { classifyEmail } from '../mail/classify-email.service';
import { parseEmail, type ParsedEmail } from '../mail/parse-email.service';
import { parseServiceDeskAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import type { ParticipantInput } from '../../repositories/email-participant.repository';

export type IngestOutcome =
  | { kind: 'ticket_created'; workItemId: number; iid: number; followUp: OutboxRow }
  | { kind: 'note_added'; workItemId: number; noteId: number; followUp: OutboxRow }
  | { kind: 'ignored'; reason: string }
  | { kind: 'duplicate'; workItemId: number | null; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

export interface IngestDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
}

const MAX_TITLE = 255;
const MAX_DESCRIPTION = 1_048_576;

interface Envelope {
  id: string;
  projectId: number;
  mailFrom: string | null;
  rcptTo: string[];
  messageId: string | null;
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
  const stored = await deps.store.run((repos) => repos.inboundEmails.findById(inboundEmailId));
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
  const parsed = await parseEmail(stored.raw);
  if (parsed.kind === 'unparseable')
    return finish(deps, envelope, outboxId, { kind: 'failed', reason: parsed.reason });
  const classification = classifyEmail(parsed.email, envelope.mailFrom, deps.addressing);
  if (classification.kind === 'ignored') {
    return finish(deps, envelope, outboxId, { kind: 'ignored', reason: classification.reason });
  }
  return deps.store.transaction(async (repos) => {
    const status = await repos.inboundEmails.lockStatus(envelope.id);
    if (status !== 'received') {
      await repos.outbox.markProcessed(outboxId);
      return { kind: 'skipped', reason: `already ${status ?? 'gone'}` };
    }
    const outcome = await persist(repos, deps.addressing, envelope, parsed.email);
    await recordOutcome(repos, envelope.id, outcome);
    await repos.outbox.markProcessed(outboxId);
    return outcome;
  });
}

async function persist(
  repos: Repositories,
  addressing: ServiceDeskAddressing,
  envelope: Envelope,
  email: ParsedEmail,
): Promise<IngestOutcome> {
  if (envelope.messageId) {
    await repos.inboundEmails.lockMessageId(envelope.projectId, envelope.messageId);
    const earlier = await repos.inboundEmails.findEarlierByMessageId(
      envelope.projectId,
      envelope.messageId,
      envelope.id,
    );
    if (earlier) {
      return {
        kind: 'duplicate',
        workItemId: earlier.workItemId,
        reason: `same Message-ID as inbound email ${earlier.id}`,
      };
    }
  }
  // the customer is Reply-To, else From, else Sender; only an envelope sender is left for
  // header-less mail. From addresses that are not the customer are neither participants nor linked.
  const sender = email.sender ?? normalizeAddress(envelope.mailFrom);
  const participants: ParticipantInput[] = [
    ...(sender ? [{ email: sender, role: 'from' as const }] : []),
    ...email.cc.map((address) => ({ email: address, role: 'cc' as const })),
  ];
  const threadId = await findThread(repos, addressing, envelope, email);
  if (threadId !== null) {
    const note = await repos.workItems.addNote({
      workItemId: threadId,
      body: email.text.slice(0, MAX_DESCRIPTION),
      authorEmail: sender,
      inboundEmailId: envelope.id,
    });
    await repos.participants.addMany(threadId, envelope.id, participants);
    const followUp = await repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
      workItemId: threadId,
      inboundEmailId: envelope.id,
    });
    return { kind: 'note_added', workItemId: threadId, noteId: note.id, followUp };
  }
  const iid = await repos.projects.nextWorkItemIid(envelope.projectId);
  const workItem = await repos.workItems.create({
    projectId: envelope.projectId,
    iid,
    title: (email.subject || '(no subject)').slice(0, MAX_TITLE),
    description: email.text.slice(0, MAX_DESCRIPTION),
    authorEmail: sender,
    serviceDesk: true,
    replyKey: randomBytes(16).toString('hex'),
  });
  await repos.participants.addMany(workItem.id, envelope.id, participants);
  const followUp = await repos.outbox.add(JOBS.linkContacts, JOBS.linkContacts, {
    workItemId: workItem.id,
    inboundEmailId: envelope.id,
  });
  return { kind: 'ticket_created', workItemId: workItem.id, iid, followUp };
}

/** A reply: sent to a ticket's reply address, or naming a message already on a ticket. */
async function findThread(
  repos: Repositories,
  addressing: ServiceDeskAddressing,
  envelope: Envelope,
  email: ParsedEmail,
): Promise<number | null> {
  for (const rcpt of envelope.rcptTo) {
    const replyKey = parseServiceDeskAddress(addressing, rcpt)?.replyKey;
    if (replyKey) {
      const id = await repos.workItems.findIdByReplyKey(envelope.projectId, replyKey);
      if (id !== null) return id;
    }
  }
  return repos.inboundEmails.findWorkItemByMessageIds(envelope.projectId, [
    ...email.inReplyTo,
    ...email.references,
  ]);
}

async function recordOutcome(
  repos: Repositories,
  id: string,
  outcome: IngestOutcome,
): Promise<void> {
  switch (outcome.kind) {
    case 'ticket_created':
      await repos.inboundEmails.setOutcome(id, {
        status: 'ticket_created',
        workItemId: outcome.workItemId,
      });
      return;
    case 'note_added':
      await repos.inboundEmails.setOutcome(id, {
        status: 'note_added',
        workItemId: outcome.workItemId,
        noteId: outcome.noteId,
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
