import { createHash } from 'node:crypto';
import type { ParsedEmail } from './parse-email.service';

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
