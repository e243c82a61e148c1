import { createHash } from 'node:crypto';
import type { EarlierEmail } from '../../repositories/inbound-ingest.repository';
import type { Repositories } from '../../repositories/store';
import type { ParsedEmail } from './parse';

/**
 * What makes two deliveries the same message: its Message-ID, or for mail without one a hash of
 * the headers a sender writes and the body (trace headers such as Received differ per relay).
 */
export function dedupeKeyOf(email: ParsedEmail, storedMessageId: string | null): string {
  const messageId = storedMessageId ?? email.messageId;
  if (messageId) return `mid:${messageId}`;
  const date = email.headers.get('date');
  const parts = [
    email.from.join(','),
    email.to.join(','),
    email.cc.join(','),
    email.subject,
    date instanceof Date ? date.toISOString() : String(date ?? ''),
    email.text,
    ...email.attachments.map((a) => `${a.filename}:${a.size}`),
  ];
  return `sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

export type DedupeResult =
  { kind: 'unique' } | { kind: 'duplicate'; of: EarlierEmail; reason: string };

/** The same message delivered again to the same project (an MTA's retry, a second copy). */
export async function dedupe(
  repos: Repositories,
  envelope: { id: string; projectId: number },
  dedupeKey: string,
): Promise<DedupeResult> {
  const earlier = await repos.ingest.findEarlier(envelope.projectId, dedupeKey, envelope.id);
  if (!earlier) return { kind: 'unique' };
  const same = dedupeKey.startsWith('mid:') ? 'same Message-ID' : 'same headers and body';
  return { kind: 'duplicate', of: earlier, reason: `${same} as inbound email ${earlier.id}` };
}
