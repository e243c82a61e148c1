import type { Repositories } from '../../repositories/store';
import type { ParsedEmail } from './parse';
import { parseServiceDeskAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';

export interface ThreadEnvelope {
  id: string;
  projectId: number;
  rcptTo: string[];
  messageId: string | null;
}

const MAX_REFERENCES = 50;

/** The Message-IDs a reply names: In-Reply-To first, then References (root first), bounded. */
export function referencedIds(email: ParsedEmail): string[] {
  const ids = [...new Set([...email.inReplyTo, ...email.references])];
  return ids.length <= MAX_REFERENCES
    ? ids
    : [...ids.slice(0, MAX_REFERENCES - 1), ids[ids.length - 1]!];
}

/** The first message of the conversation a message belongs to, as far as its headers tell. */
export function threadRootOf(envelope: ThreadEnvelope, email: ParsedEmail): string | null {
  return email.references[0] ?? email.inReplyTo[0] ?? envelope.messageId;
}

/**
 * Lock keys shared by every message of one conversation, so they are processed one at a time: the
 * Message-IDs it names and its own, and the ticket reply addresses it was sent to (two mails to
 * one ticket's address that name nothing would otherwise add its participants side by side).
 */
export function threadLockKeys(
  addressing: ServiceDeskAddressing,
  envelope: ThreadEnvelope,
  email: ParsedEmail,
): string[] {
  return [
    ...referencedIds(email),
    ...(envelope.messageId ? [envelope.messageId] : []),
    ...replyAddressesOf(addressing, envelope.rcptTo).map((r) => `reply:${r.replyKey}`),
  ];
}

/** The reply addresses of this project's Service Desk among the recipients, in order. */
export function replyAddressesOf(
  addressing: ServiceDeskAddressing,
  rcptTo: string[],
): { projectKey: string; replyKey: string }[] {
  return rcptTo.flatMap((rcpt) => {
    const recipient = parseServiceDeskAddress(addressing, rcpt);
    return recipient?.replyKey
      ? [{ projectKey: recipient.projectKey, replyKey: recipient.replyKey }]
      : [];
  });
}

/** The Message-IDs a reply's parent can have: those it names, except its own. */
export function parentIds(envelope: ThreadEnvelope, email: ParsedEmail): string[] {
  return referencedIds(email).filter((id) => id !== envelope.messageId);
}

export type ThreadResult =
  | { kind: 'new' }
  | { kind: 'reply'; workItemId: number }
  /** A message it names is stored but not processed yet: it must wait for that ticket. */
  | { kind: 'wait'; parentId: string };

/**
 * The ticket a message continues: one whose reply address it was sent to (a copy stored for
 * another project of the same delivery does not count: the lookup matches the project's own key),
 * or one holding a message it references, in the same project only. `new` for a new conversation.
 */
export async function findThread(
  repos: Repositories,
  addressing: ServiceDeskAddressing,
  envelope: ThreadEnvelope,
  email: ParsedEmail,
): Promise<ThreadResult> {
  const found = await repos.ingest.findThreadCandidates({
    projectId: envelope.projectId,
    inboundEmailId: envelope.id,
    replyAddresses: replyAddressesOf(addressing, envelope.rcptTo),
    messageIds: parentIds(envelope, email),
    threadRoot: threadRootOf(envelope, email),
  });
  if (found.byReplyKey !== null) return { kind: 'reply', workItemId: found.byReplyKey };
  if (found.byMessageIds !== null) return { kind: 'reply', workItemId: found.byMessageIds };
  if (found.pendingParent !== null) return { kind: 'wait', parentId: found.pendingParent };
  // siblings (replies to a root desk never stored), or a first message that arrived after its
  // replies: either way another email of the same conversation already has the ticket
  if (found.byThreadRoot !== null) return { kind: 'reply', workItemId: found.byThreadRoot };
  return { kind: 'new' };
}
