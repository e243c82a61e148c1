import { createHash } from 'node:crypto';
import { AcceptWriter, type BatchLimits } from '../../repositories/accept-batcher';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Store } from '../../repositories/store';
import { extractMessageId } from '../mail/message-id';
import { acceptChunked, type ChunkedIncomingMessage } from './accept-chunked';
import { outboxRowsOf, storedEnvelope } from './stored-envelope';

export interface AcceptEmailDeps {
  store: Store;
  /** Hands the committed ingest jobs to the relay. */
  publish: (rows: OutboxRow[]) => void;
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
 * What the SMTP edge needs from storage: which project a Service Desk key delivers to, and a
 * message stored durably (with its ingest outbox rows) before the edge acknowledges it.
 */
export class AcceptEmailService {
  private readonly writer: AcceptWriter;

  constructor(private readonly deps: AcceptEmailDeps) {
    this.writer = new AcceptWriter(deps.store, deps.batch);
  }

  /** The project whose Service Desk has this key; null when none (or it is switched off). */
  serviceDeskProjectId(projectKey: string): Promise<number | null> {
    return this.deps.store.run((repos) => repos.projects.findServiceDeskProjectId(projectKey));
  }

  /**
   * Commits the raw bytes, envelope and outbox rows (batched with other messages arriving
   * meanwhile), then publishes the rows; only then may the edge say 250.
   */
  async accept(message: IncomingMessage | ChunkedIncomingMessage): Promise<string[]> {
    if ('chunks' in message) return acceptChunked(this.deps, message);
    const rows = await this.writer.accept(
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
