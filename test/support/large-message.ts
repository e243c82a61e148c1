import { createHash, randomBytes } from 'node:crypto';

export interface LargeMessage {
  raw: Buffer;
  attachment: Buffer;
  attachmentSha256: string;
}

/** A message of a text part and one binary attachment of `attachmentBytes`, base64 in 76-column lines. */
export function largeMessage(attachmentBytes: number, messageId: string): LargeMessage {
  const attachment = randomBytes(attachmentBytes);
  const base64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    [
      'From: Big Sender <big@customer.example>',
      'To: support@desk.localhost',
      'Subject: A large scan',
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Here is the scan.',
      '.a line that starts with a dot',
      '--b1',
      'Content-Type: application/octet-stream; name="scan.bin"',
      'Content-Disposition: attachment; filename="scan.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '--b1--',
      '',
    ].join('\r\n'),
    'latin1',
  );
  return {
    raw,
    attachment,
    attachmentSha256: createHash('sha256').update(attachment).digest('hex'),
  };
}

/** `bytes` in pieces of about `size`, as a socket would deliver them. */
export function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}
