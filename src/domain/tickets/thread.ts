import type { ThreadCandidates } from '../../repositories/inbound-ingest.repository';
import { ThreadParentPendingError } from '../../errors';
import type { ParsedEmail } from '../mail/parse-email.service';
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

/** Lock keys shared by every message of one conversation, so they are processed one at a time. */
export function threadLockKeys(envelope: ThreadEnvelope, email: ParsedEmail): string[] {
  return [...referencedIds(email), ...(envelope.messageId ? [envelope.messageId] : [])];
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

/**
 * The ticket a message continues: one whose reply address it was sent to (a copy stored for
 * another project of the same delivery does not count: the lookup matches the project's own key),
 * or one holding a message it references, in the same project only. Null for a new conversation.
 * Throws a temporary error when the referenced message is stored but not processed yet, so the
 * reply waits for its ticket.
 */
export function pickThread(envelope: ThreadEnvelope, found: ThreadCandidates): number | null {
  if (found.byReplyKey !== null) return found.byReplyKey;
  if (found.byMessageIds !== null) return found.byMessageIds;
  if (found.pendingParent !== null)
    throw new ThreadParentPendingError(envelope.id, found.pendingParent);
  // siblings (replies to a root desk never stored), or a first message that arrived after its
  // replies: either way another email of the same conversation already has the ticket
  return found.byThreadRoot;
}
