import { createHash } from 'node:crypto';
import { TooManyRecipientsError, UnknownRecipientError } from '../errors';
import { extractMessageId } from '../domain/mail/message-id';
import {
  parseServiceDeskAddress,
  type ServiceDeskAddressing,
} from '../domain/mail/service-desk-address';
import type { AcceptedMessage, AcceptedRow } from '../repositories/inbound-email.repository';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';
import { AcceptBatcher, type BatchLimits } from './accept-batcher';
import { acceptChunked, type ChunkedIncomingMessage } from './accept-chunked';
import { RecipientCache } from './recipient-cache';
import { outboxRowsOf, storedEnvelope } from './stored-envelope';

export interface ReceiverDeps {
  store: Store;
  publish: (rows: OutboxRow[]) => void;
  addressing: ServiceDeskAddressing;
  maxRecipients: number;
  /** How long a known Service Desk key is remembered; 0 asks PostgreSQL every time. */
  recipientCacheMs?: number;
  /** Group commit; one message per commit unless given. */
  batch?: BatchLimits;
}

export interface IncomingMessage {
  raw: Buffer;
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string | null;
  rcptTo: string[];
  projectIds: number[];
}

/**
 * The SMTP listener's logic without a socket: which recipients are ours, and storing a message
 * durably before it is acknowledged. Throws DeskErrors that carry their SMTP reply.
 */
export class MessageReceiver {
  private readonly recipients: RecipientCache;
  private readonly batcher: AcceptBatcher<AcceptedMessage, AcceptedRow[]>;

  constructor(private readonly deps: ReceiverDeps) {
    this.recipients = new RecipientCache(deps.recipientCacheMs ?? 0);
    this.batcher = new AcceptBatcher(
      (messages) => deps.store.run((repos) => repos.inboundEmails.acceptMany(messages)),
      deps.batch ?? { maxMessages: 1, maxBytes: 0, maxInFlight: Number.MAX_SAFE_INTEGER },
    );
  }

  /** The project a recipient delivers to; `accepted` is how many recipients were already taken. */
  async resolveRecipient(address: string, accepted: number): Promise<number> {
    if (accepted >= this.deps.maxRecipients)
      throw new TooManyRecipientsError(this.deps.maxRecipients);
    const recipient = parseServiceDeskAddress(this.deps.addressing, address);
    if (!recipient) throw new UnknownRecipientError(address);
    const cached = this.recipients.get(recipient.projectKey);
    if (cached !== null) return cached;
    const projectId = await this.deps.store.run((repos) =>
      repos.projects.findServiceDeskProjectId(recipient.projectKey),
    );
    if (projectId === null) throw new UnknownRecipientError(address);
    this.recipients.set(recipient.projectKey, projectId);
    return projectId;
  }

  /** Commits the raw bytes, envelope and outbox rows; only then may the caller say 250. */
  async accept(message: IncomingMessage | ChunkedIncomingMessage): Promise<string[]> {
    if ('chunks' in message) return acceptChunked(this.deps, message);
    const rows = await this.batcher.submit(
      {
        ...storedEnvelope(message),
        raw: message.raw,
        sha256: createHash('sha256').update(message.raw).digest('hex'),
        messageId: extractMessageId(message.raw),
      },
      message.raw.length,
    );
    this.deps.publish(outboxRowsOf(rows));
    return rows.map((r) => r.inboundEmailId);
  }
}
