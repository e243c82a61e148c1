/**
 * COPY of raw bytes. A message or an attachment goes to PostgreSQL chunk by chunk in a binary
 * COPY (pg-copy.ts), and a large message comes back the same way: bound as one parameter or read
 * as one hex string, 25 MB would be copied whole into memory, twice. TypeORM has no COPY. COPY
 * takes no parameters: the rows travel in the stream, and the one id put in a statement is
 * checked to be digits.
 */
export const COPY_INBOUND_EMAIL_IN = `COPY inbound_emails
  (id, remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id)`;

export const COPY_ATTACHMENTS_IN = `COPY attachments
  (work_item_id, note_id, inbound_email_id, filename, content_type, content_id, size, sha256, content)`;

/** The query whose one value `COPY (…) TO STDOUT` streams: the email's raw bytes. */
export function rawBytesOf(inboundEmailId: string): string {
  if (!/^\d+$/.test(inboundEmailId)) throw new Error(`not an inbound email id: ${inboundEmailId}`);
  return `SELECT raw FROM inbound_emails WHERE id = ${inboundEmailId}`;
}

/**
 * A large message addressed to several projects: the first project's row came in by COPY, the
 * others are copied from it server-side, so its bytes cross the wire once. TypeORM's INSERT takes
 * values only, no SELECT. $1 the stored email's id, $2 the other projects; their new ids in order.
 */
export const COPY_EMAIL_TO_PROJECTS = `INSERT INTO inbound_emails
    (remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id)
  SELECT remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, p
    FROM inbound_emails, unnest($2::int[]) WITH ORDINALITY AS t(p, n)
   WHERE id = $1
   ORDER BY n
  RETURNING id`;
