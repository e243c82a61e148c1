import { randomBytes } from 'node:crypto';
import type { SenderAuthResults } from '../../../entities/inbound-email.entity';
import type { EmailKeys } from '../../repositories/inbound-ingest.repository';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { ParticipantInput } from '../../repositories/email-participant.repository';
import type { Repositories } from '../../repositories/store';
import { normalizeAddress } from '../mail/address';
import {
  applyAttachmentLimits,
  describeDropped,
  type AttachmentLimits,
} from '../mail/attachment-policy';
import { replyText } from '../mail/reply-text';
import type { ParsedEmail } from './parse';

const MAX_TITLE = 255;
const MAX_TEXT = 1_048_576;

export type Persisted =
  | { kind: 'ticket_created'; workItemId: number; iid: number; flags: string[]; linkJob: OutboxRow }
  | {
      kind: 'note_added';
      workItemId: number;
      noteId: number;
      flags: string[];
      linkJob: OutboxRow;
    };

export interface PersistInput {
  envelope: { id: string; projectId: number; mailFrom: string | null; receivedAt: Date };
  outboxId: string;
  keys: EmailKeys;
  email: ParsedEmail;
  flags: string[];
  /** The ticket a reply continues; a new ticket when null. */
  replyTo: number | null;
  attachmentLimits: AttachmentLimits;
  /** What sender authentication found, stored with the outcome. */
  authResults?: SenderAuthResults;
}

/**
 * Writes what an email came to: a new ticket (the project's next iid) or a note on the ticket it
 * replies to, its participants (their link outcome open), its attachments (and a note of those
 * dropped), the link-contacts job and the email's outcome.
 */
export async function persist(repos: Repositories, input: PersistInput): Promise<Persisted> {
  const { envelope, email } = input;
  const participants = participantsOf(email, envelope.mailFrom);
  const sender = participants.find((p) => p.role === 'from')?.email ?? null;
  const { kept, dropped } = applyAttachmentLimits(email.attachments, input.attachmentLimits);
  const flags =
    dropped.length > 0 ? [...input.flags, `${dropped.length} attachment(s) dropped`] : input.flags;

  let target: { workItemId: number; iid: number | null; noteId: number | null };
  if (input.replyTo === null) {
    const ticket = await repos.workItems.createTicket({
      projectId: envelope.projectId,
      title: (email.subject || '(no subject)').slice(0, MAX_TITLE),
      description: email.text.slice(0, MAX_TEXT),
      authorEmail: sender,
      replyKey: randomBytes(16).toString('hex'),
    });
    target = { workItemId: ticket.id, iid: ticket.iid, noteId: null };
  } else {
    const note = await repos.workItems.addNote({
      workItemId: input.replyTo,
      body: replyText(email.text).slice(0, MAX_TEXT),
      authorEmail: sender,
      inboundEmailId: envelope.id,
    });
    target = { workItemId: input.replyTo, iid: null, noteId: note.id };
  }
  const { workItemId, noteId, iid } = target;
  await repos.participants.addMany(workItemId, envelope.id, participants);
  await repos.attachments.addMany({ workItemId, noteId, inboundEmailId: envelope.id }, kept);
  if (dropped.length > 0) {
    await repos.workItems.addNote({
      workItemId,
      body: describeDropped(dropped),
      authorEmail: null,
      inboundEmailId: envelope.id,
    });
  }
  const outcome = {
    projectId: envelope.projectId,
    status: noteId === null ? ('ticket_created' as const) : ('note_added' as const),
    reason: flags.length > 0 ? flags.join('; ') : null,
    receivedAt: envelope.receivedAt.toISOString(),
  };
  const linkJob = await repos.outbox.addLinkContacts(workItemId, envelope.id, outcome);
  await repos.ingest.recordOutcome(envelope.id, input.outboxId, {
    status: outcome.status,
    reason: outcome.reason,
    workItemId,
    noteId,
    keys: input.keys,
    authResults: input.authResults,
  });
  return noteId === null
    ? { kind: 'ticket_created', workItemId, iid: iid!, flags, linkJob }
    : { kind: 'note_added', workItemId, noteId, flags, linkJob };
}

/**
 * The customer is Reply-To, else From, else Sender; only an envelope sender is left for
 * header-less mail. From addresses that are not the customer are neither participants nor linked.
 * A repeated address keeps its first role.
 */
function participantsOf(email: ParsedEmail, mailFrom: string | null): ParticipantInput[] {
  const sender = email.sender ?? normalizeAddress(mailFrom);
  const all: ParticipantInput[] = [
    ...(sender ? [{ email: sender, role: 'from' as const }] : []),
    ...email.cc.map((address) => ({ email: address, role: 'cc' as const })),
  ];
  const seen = new Set<string>();
  return all.filter((p) => !seen.has(p.email) && (seen.add(p.email), true));
}
