import type { ParsedEmail } from './parse-email.service';
import { isOwnAddress, type ServiceDeskAddressing } from './service-desk-address';

export type Classification = { kind: 'customer' } | { kind: 'ignored'; reason: string };

export const X_LOOP_HEADER = 'x-loop';
const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'auto_reply', 'list']);

function header(email: ParsedEmail, name: string): string | null {
  const value = email.headers.get(name);
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'object' && 'value' in value)
    return String(value.value).trim().toLowerCase();
  return String(value).trim().toLowerCase();
}

/**
 * Decides whether a message is a customer's mail or machine mail that must not open a ticket
 * (answering it could start a mail loop). The reason is stored on the inbound email.
 */
export function classifyEmail(
  email: ParsedEmail,
  envelopeFrom: string | null,
  addressing: ServiceDeskAddressing,
): Classification {
  const autoSubmitted = header(email, 'auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') {
    return { kind: 'ignored', reason: `auto-reply: Auto-Submitted: ${autoSubmitted}` };
  }
  if (header(email, 'x-autoreply') !== null)
    return { kind: 'ignored', reason: 'auto-reply: X-Autoreply' };
  if (header(email, 'x-autorespond') !== null) {
    return { kind: 'ignored', reason: 'auto-reply: X-Autorespond' };
  }
  const precedence = header(email, 'precedence');
  if (precedence && AUTO_PRECEDENCE.has(precedence)) {
    return { kind: 'ignored', reason: `auto-reply: Precedence: ${precedence}` };
  }
  const suppress = header(email, 'x-auto-response-suppress');
  if (suppress && /\b(all|oof)\b/.test(suppress)) {
    return { kind: 'ignored', reason: `auto-reply: X-Auto-Response-Suppress: ${suppress}` };
  }
  if (email.contentType === 'multipart/report' || /delivery-status/.test(email.contentType)) {
    return { kind: 'ignored', reason: `bounce: ${email.contentType}` };
  }
  if (envelopeFrom === null) return { kind: 'ignored', reason: 'bounce: null reverse path <>' };
  const loop = header(email, X_LOOP_HEADER);
  if (loop && isOwnAddress(addressing, loop))
    return { kind: 'ignored', reason: 'loop: carries our X-Loop header' };
  if (email.sender && isOwnAddress(addressing, email.sender)) {
    return { kind: 'ignored', reason: 'loop: sent from a desk address' };
  }
  return { kind: 'customer' };
}
