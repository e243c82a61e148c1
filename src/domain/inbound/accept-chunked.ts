import { createHash } from 'node:crypto';
import { extractMessageId, HEADER_SCAN_LIMIT } from '../mail/message-id';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Store } from '../../repositories/store';
import { outboxRowsOf, storedEnvelope } from './stored-envelope';

/** From this size on the listener hands over its chunks and they are streamed into PostgreSQL. */
export const CHUNKED_MESSAGE_BYTES = 1024 * 1024;

/** IncomingMessage (accept-email.service.ts) with the bytes as the listener received them. */
export interface ChunkedIncomingMessage {
  chunks: Buffer[];
  size: number;
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string | null;
  rcptTo: string[];
  projectIds: number[];
}

/**
 * AcceptEmailService.accept for a large message: the same rows and the same guarantee (nothing is
 * acknowledged before the bytes and the outbox rows are committed together), but the chunks
 * are never joined into one buffer nor bound as one query parameter.
 */
export async function acceptChunked(
  deps: { store: Store; publish: (rows: OutboxRow[]) => void },
  message: ChunkedIncomingMessage,
): Promise<string[]> {
  const hash = createHash('sha256');
  for (const chunk of message.chunks) hash.update(chunk);
  const rows = await deps.store.transaction((repos) =>
    repos.inboundEmails.acceptChunked({
      ...storedEnvelope(message),
      chunks: message.chunks,
      size: message.size,
      sha256: hash.digest('hex'),
      messageId: extractMessageId(headOf(message.chunks, HEADER_SCAN_LIMIT)),
    }),
  );
  deps.publish(outboxRowsOf(rows));
  return rows.map((r) => r.inboundEmailId);
}

/** The first `limit` bytes (or fewer) of a chunked message. */
function headOf(chunks: Buffer[], limit: number): Buffer {
  const head: Buffer[] = [];
  let length = 0;
  for (const chunk of chunks) {
    if (length >= limit) break;
    head.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(head, Math.min(length, limit));
}
