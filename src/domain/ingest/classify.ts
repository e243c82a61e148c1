import type { ParsedEmail } from './parse';
import { isOwnAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';

/** A customer's mail may carry notes an operator should see, such as "came through a list". */
export type Classification =
  { kind: 'customer'; flags: string[] } | { kind: 'ignored'; reason: string };

export const X_LOOP_HEADER = 'x-loop';
const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'auto_reply']);
const LIST_HEADERS = ['mailing-list', 'x-mailing-list'];
const REPORT_TYPES =
  /^(multipart\/report|message\/(global-)?delivery-status|message\/disposition-notification|message\/feedback-report)/;
const DAEMON_SENDER =
  /\b(mailer-daemon|mail-daemon|mailerdaemon|postmaster)\b|mail deliver(y)? (system|subsystem)/i;
const FAILURE_SUBJECT =
  /(undeliver|undelivered|delivery (status|failure|has failed|notification)|returned mail|failure notice|mail delivery failed|could not be delivered|non[- ]?delivery|nondeliverable|delivery problem)/i;
/** Subjects of out-of-office mail from servers that set none of the standard headers. */
const AUTO_REPLY_SUBJECT =
  /^\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|autoreply|out of (the )?office|abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[áa]tica)\b/i;

function header(email: ParsedEmail, name: string): string | null {
  const value = email.headers.get(name);
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'object' && 'value' in value)
    return String(value.value).trim().toLowerCase();
  return String(value).trim().toLowerCase();
}

/** mailparser folds List-Id, List-Post … into one `list` header object. */
function listOf(email: ParsedEmail): string | null {
  const list = email.headers.get('list') as
    { id?: { id?: string; name?: string }; post?: unknown } | undefined;
  // a bare `List-Id: <x>` comes back as {name: 'x'}
  const id = list?.id?.id ?? list?.id?.name;
  if (id) return `<${id}>`;
  if (list?.post) return 'with List-Post';
  return LIST_HEADERS.map((h) => header(email, h)).find((v) => v !== null) ?? null;
}

function autoReplyReason(email: ParsedEmail, isList: boolean): string | null {
  const autoSubmitted = header(email, 'auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (header(email, name) !== null) return name.replace(/^x-a/, 'X-A');
  }
  const precedence = header(email, 'precedence');
  // lists send Precedence: bulk for every post; for them only the explicit headers count
  if (precedence && AUTO_PRECEDENCE.has(precedence) && !isList) return `Precedence: ${precedence}`;
  const suppress = header(email, 'x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/.test(suppress))
    return `X-Auto-Response-Suppress: ${suppress}`;
  if (header(email, 'x-ms-exchange-inbox-rules-loop') !== null)
    return 'Microsoft inbox rule (OOF) loop header';
  if (AUTO_REPLY_SUBJECT.test(email.subject)) return `subject "${email.subject.slice(0, 60)}"`;
  return null;
}

/** A delivered bounce keeps its envelope's `<>` in Return-Path, parsed as an empty address. */
function hasNullReturnPath(email: ParsedEmail): boolean {
  const value = email.headers.get('return-path');
  if (typeof value === 'string') return value.trim() === '<>';
  if (!value || typeof value !== 'object' || !('value' in value) || !Array.isArray(value.value))
    return false;
  return value.value.length > 0 && value.value.every((a: { address?: string }) => !a.address);
}

function fromText(email: ParsedEmail): string {
  const from = email.headers.get('from');
  if (from && typeof from === 'object' && 'text' in from) return String(from.text);
  return email.from[0] ?? '';
}

function bounceReason(email: ParsedEmail, envelopeFrom: string | null): string | null {
  if (REPORT_TYPES.test(email.contentType)) return email.contentType;
  const report = email.attachments.find((a) => REPORT_TYPES.test(a.contentType.toLowerCase()));
  if (report) return `${report.contentType} part`;
  if (envelopeFrom === null) return 'null reverse path <>';
  if (hasNullReturnPath(email)) return 'null reverse path (Return-Path: <>)';
  // daemons often send "MAILER-DAEMON <>" or a bare name, which leaves no parsed address
  const from = fromText(email);
  if (DAEMON_SENDER.test(from) && FAILURE_SUBJECT.test(email.subject)) {
    return `delivery failure from ${from.slice(0, 80)}`;
  }
  return null;
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
  const bounce = bounceReason(email, envelopeFrom);
  if (bounce) return { kind: 'ignored', reason: `bounce: ${bounce}` };
  const loop = header(email, X_LOOP_HEADER);
  if (loop && isOwnAddress(addressing, loop))
    return { kind: 'ignored', reason: 'loop: carries our X-Loop header' };
  if ([email.sender, ...email.from].some((a) => a && isOwnAddress(addressing, a))) {
    return { kind: 'ignored', reason: 'loop: sent from a desk address' };
  }
  const listName = listOf(email);
  const auto = autoReplyReason(email, listName !== null);
  if (auto) return { kind: 'ignored', reason: `auto-reply: ${auto}` };
  if (listName !== null) {
    const direct = [...email.to, ...email.cc].some((a) => isOwnAddress(addressing, a));
    const flag = `mailing list ${listName.slice(0, 200)}, not addressed to us directly`;
    return { kind: 'customer', flags: direct ? [] : [flag] };
  }
  return { kind: 'customer', flags: [] };
}
