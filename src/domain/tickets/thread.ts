import type { Repositories } from '../../repositories/store';
import { ThreadParentPendingError } from '../errors';
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

/**
 * The ticket a message continues: one whose reply address it was sent to, or one holding a message
 * it references, in the same project only. Null for a new conversation. Throws a temporary error
 * when the referenced message is stored but not processed yet, so the reply waits for its ticket.
 */
export async function findThread(
  repos: Repositories,
  addressing: ServiceDeskAddressing,
  envelope: ThreadEnvelope,
  email: ParsedEmail,
): Promise<number | null> {
  let ownKey: string | null | undefined;
  for (const rcpt of envelope.rcptTo) {
    const recipient = parseServiceDeskAddress(addressing, rcpt);
    if (!recipient?.replyKey) continue;
    // a copy stored for another project of the same delivery must not thread onto this ticket
    ownKey ??= (await repos.projects.findById(envelope.projectId))?.serviceDeskKey ?? null;
    if (recipient.projectKey !== ownKey) continue;
    const id = await repos.workItems.findIdByReplyKey(recipient.replyKey);
    if (id !== null) return id;
  }
  const references = referencedIds(email).filter((id) => id !== envelope.messageId);
  const workItemId = await repos.inboundEmails.findWorkItemByMessageIds(
    envelope.projectId,
    references,
  );
  if (workItemId !== null) return workItemId;
  const pending = await repos.inboundEmails.findPendingByMessageIds(
    envelope.projectId,
    references,
    envelope.id,
  );
  if (pending !== null) throw new ThreadParentPendingError(envelope.id, pending);
  // siblings (replies to a root desk never stored), or a first message that arrived after its
  // replies: either way another email of the same conversation already has the ticket
  const root = threadRootOf(envelope, email);
  return root ? repos.inboundEmails.findWorkItemByThreadRoot(envelope.projectId, root) : null;
}
