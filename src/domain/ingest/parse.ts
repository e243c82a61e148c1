import { convert as htmlToText } from 'html-to-text';
import type { Readable } from 'node:stream';
import type { AddressObject, Headers } from 'mailparser';
import { addressesOf } from '../mail/address';
import { MESSAGE_ID_PATTERN } from '../mail/message-id';
import { readMail, SourceError } from '../mail/read-mail';

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  size: number;
  /** The content in the decoder's pieces, stored without joining them (see read-mail.ts). */
  chunks: Buffer[];
}

export interface ParsedEmail {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  /** Reply-To, else From, else Sender: the customer a ticket answers to. */
  sender: string | null;
  from: string[];
  cc: string[];
  to: string[];
  text: string;
  headers: Headers;
  contentType: string;
  attachments: ParsedAttachment[];
}

export type ParseOutcome =
  { kind: 'parsed'; email: ParsedEmail } | { kind: 'unparseable'; reason: string };

const MESSAGE_ID = new RegExp(MESSAGE_ID_PATTERN.source, 'g');

/** PostgreSQL text cannot hold NUL; broken mail sometimes carries it. */
const clean = (value: string): string => value.split('\u0000').join('');

function idsOf(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...new Set(joined.match(MESSAGE_ID) ?? [])];
}

function senderOf(headers: Headers, replyTo: string[], from: string[]): string | null {
  if (replyTo[0]) return replyTo[0];
  if (from[0]) return from[0];
  const sender = headers.get('sender');
  const isAddress =
    sender && typeof sender === 'object' && 'value' in sender && Array.isArray(sender.value);
  return isAddress ? (addressesOf(sender as AddressObject)[0] ?? null) : null;
}

/** How long a parse may take; the largest accepted message parses in a few seconds. */
export const PARSE_TIMEOUT_MS = 30_000;

/**
 * mailparser never settles on some broken MIME (a multipart that ends inside the header of an
 * inline part with a filename): without a deadline the job would hold a worker slot forever.
 */
function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`parser did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const header = <T>(headers: Headers, name: string): T | undefined =>
  headers.get(name) as T | undefined;

/**
 * Never throws for bad mail: what mailparser cannot read becomes an `unparseable` outcome. Throws
 * only when a streamed `raw` fails to arrive (the store's fault, worth a retry).
 */
export async function parseEmail(
  raw: Buffer | Readable,
  options: { timeoutMs?: number } = {},
): Promise<ParseOutcome> {
  try {
    const mail = await withDeadline(readMail(raw), options.timeoutMs ?? PARSE_TIMEOUT_MS);
    const h = mail.headers;
    const from = addressesOf(header<AddressObject>(h, 'from'));
    const replyTo = addressesOf(header<AddressObject>(h, 'reply-to'));
    const messageId = idsOf(header<string>(h, 'message-id'))[0] ?? null;
    const contentType = mail.headers.get('content-type');
    return {
      kind: 'parsed',
      email: {
        messageId,
        inReplyTo: idsOf(header<string>(h, 'in-reply-to')),
        references: idsOf(header<string | string[]>(h, 'references')),
        subject: clean(header<string>(h, 'subject') ?? '').trim(),
        sender: senderOf(mail.headers, replyTo, from),
        from,
        cc: addressesOf(header<AddressObject | AddressObject[]>(h, 'cc')),
        to: addressesOf(header<AddressObject | AddressObject[]>(h, 'to')),
        text: clean(mail.text || (mail.html ? htmlToText(mail.html, { wordwrap: false }) : '')),
        headers: mail.headers,
        contentType:
          contentType && typeof contentType === 'object' && 'value' in contentType
            ? String(contentType.value).toLowerCase()
            : 'text/plain',
        attachments: mail.attachments.map((a) => ({
          filename: clean(a.filename ?? `unnamed.${(a.contentType || 'bin').split('/').pop()}`),
          contentType: clean(a.contentType || 'application/octet-stream'),
          contentId: a.contentId ? clean(a.contentId) : null,
          size: a.size,
          chunks: a.chunks,
        })),
      },
    };
  } catch (err) {
    if (err instanceof SourceError) throw err.cause;
    return { kind: 'unparseable', reason: `cannot parse message: ${(err as Error).message}` };
  }
}
