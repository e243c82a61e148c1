export const HEADER_SCAN_LIMIT = 256 * 1024;

/**
 * One <id>; control characters are not part of an id (and PostgreSQL text cannot hold NUL), so an
 * id containing one is no id at all.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const MESSAGE_ID_PATTERN = /<[^<>\s\u0000-\u001f\u007f]+>/;

/**
 * The Message-ID of a raw message, read from its header block without a full parse (this runs
 * before the SMTP reply). Same result as mailparser for any well-formed header: the first <id>.
 */
export function extractMessageId(raw: Buffer): string | null {
  const head = raw.subarray(0, HEADER_SCAN_LIMIT).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id:[ \t]*(.*)$/im.exec(headers);
  const id = line?.[1] ? MESSAGE_ID_PATTERN.exec(line[1]) : null;
  return id ? id[0].slice(0, 998) : null;
}
