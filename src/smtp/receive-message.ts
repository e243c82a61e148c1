import { TooManyRecipientsError, UnknownRecipientError } from '../errors';
import type { ChunkedIncomingMessage } from '../domain/inbound/accept-chunked';
import type { AcceptEmailService, IncomingMessage } from '../domain/inbound/accept-email.service';
import {
  parseServiceDeskAddress,
  type ServiceDeskAddressing,
} from '../domain/mail/service-desk-address';
import { RecipientCache } from './recipient-cache';

export interface ReceiverDeps {
  emails: AcceptEmailService;
  addressing: ServiceDeskAddressing;
  maxRecipients: number;
  /** How long a known Service Desk key is remembered; 0 asks PostgreSQL every time. */
  recipientCacheMs?: number;
}

/**
 * The SMTP listener's logic without a socket: which recipients are ours, and handing a message to
 * the domain to be stored before it is acknowledged. Throws DeskErrors that carry their SMTP reply.
 */
export class MessageReceiver {
  private readonly recipients: RecipientCache;

  constructor(private readonly deps: ReceiverDeps) {
    this.recipients = new RecipientCache(deps.recipientCacheMs ?? 0);
  }

  /** The project a recipient delivers to; `accepted` is how many recipients were already taken. */
  async resolveRecipient(address: string, accepted: number): Promise<number> {
    if (accepted >= this.deps.maxRecipients)
      throw new TooManyRecipientsError(this.deps.maxRecipients);
    const recipient = parseServiceDeskAddress(this.deps.addressing, address);
    if (!recipient) throw new UnknownRecipientError(address);
    const cached = this.recipients.get(recipient.projectKey);
    if (cached !== null) return cached;
    const projectId = await this.deps.emails.serviceDeskProjectId(recipient.projectKey);
    if (projectId === null) throw new UnknownRecipientError(address);
    this.recipients.set(recipient.projectKey, projectId);
    return projectId;
  }

  /** Resolves once the message is committed; only then may the caller say 250. */
  accept(message: IncomingMessage | ChunkedIncomingMessage): Promise<string[]> {
    return this.deps.emails.accept(message);
  }
}
