import type { Readable } from 'node:stream';
import { MailParser, type AttachmentStream, type Headers, type MessageText } from 'mailparser';

/** What desk uses of a message, as mailparser reads it. */
export interface ReadMail {
  headers: Headers;
  text?: string;
  html?: string;
  attachments: ReadAttachment[];
}

export interface ReadAttachment {
  filename?: string;
  contentType: string;
  contentId?: string;
  size: number;
  /** The decoded content as it came out of the decoder: joining it would copy it once more. */
  chunks: Buffer[];
}

/** The input failed (a database read), not the message: the caller must not blame the mail. */
export class SourceError extends Error {
  constructor(override readonly cause: unknown) {
    super(`cannot read the message: ${String(cause)}`);
  }
}

/**
 * mailparser's simpleParser without its Buffer.concat of every attachment, fed from a buffer or
 * a stream (a large message is never whole in memory).
 */
export function readMail(input: Buffer | Readable): Promise<ReadMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
    const mail: ReadMail = { headers: new Map(), attachments: [] };
    let settled = false;
    const settle = (err: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(mail);
    };
    parser.on('error', settle);
    parser.on('headers', (headers: Headers) => (mail.headers = headers));
    let reading = false;
    const read = (): void => {
      reading = true;
      const data = parser.read() as MessageText | AttachmentStream | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        if (data.text !== undefined) mail.text = data.text;
        if (data.html !== undefined) mail.html = data.html;
        return read();
      }
      const attachment: ReadAttachment = {
        filename: data.filename,
        contentType: data.contentType,
        contentId: data.contentId,
        size: 0,
        chunks: [],
      };
      mail.attachments.push(attachment);
      data.content.on('data', (chunk: Buffer) => {
        attachment.chunks.push(chunk);
        attachment.size += chunk.length;
      });
      data.content.on('end', () => {
        data.release?.();
        read();
      });
    };
    parser.on('readable', () => {
      if (!reading) read();
    });
    parser.on('end', () => settle(null));
    if (Buffer.isBuffer(input)) parser.end(input);
    else {
      input.once('error', (err) => {
        parser.destroy();
        settle(new SourceError(err));
      });
      input.pipe(parser);
    }
  });
}
