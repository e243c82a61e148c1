import { classifyEmail } from '../../src/domain/ingest/classify';
import { parseEmail } from '../../src/domain/ingest/parse';
import { reasonClassOf } from '../../src/metrics/reason-class';

const addressing = { localPart: 'support', domain: 'desk.localhost' };

/** The reason (or first flag) the ingest steps give a message with these headers. */
async function reasonFor(headers: string[], envelopeFrom: string | null = 'c@example.com') {
  const parsed = await parseEmail(Buffer.from([...headers, '', 'body'].join('\r\n')));
  if (parsed.kind !== 'parsed') throw new Error(parsed.reason);
  const result = classifyEmail(parsed.email, envelopeFrom, addressing);
  return result.kind === 'ignored' ? result.reason : (result.flags[0] ?? null);
}

describe('reason classes of inbound outcomes (a bounded metric label)', () => {
  it.each([
    [['From: c@example.com'], 'none'],
    [['From: c@example.com', 'Auto-Submitted: auto-replied'], 'auto_reply'],
    [['From: c@example.com', 'Subject: Out of Office: back Monday'], 'auto_reply'],
    [['From: c@example.com', 'Content-Type: multipart/report; boundary=x'], 'bounce'],
    [['From: c@example.com', 'X-Loop: support+k@desk.localhost'], 'loop'],
    [['From: support+abc@desk.localhost'], 'loop'],
    [['From: c@example.com', 'List-Id: <users.lists.example>'], 'mailing_list'],
  ])('classifies what classify says of %p as %s', async (headers, expected) => {
    expect(reasonClassOf(await reasonFor(headers))).toBe(expected);
  });

  it('classifies a null reverse path as a bounce', async () => {
    expect(reasonClassOf(await reasonFor(['From: c@example.com'], null))).toBe('bounce');
  });

  it('classifies a parse failure, the dedupe reasons and anything else', async () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Disposition: inline; filename="m.eml"\n',
    );
    const parsed = await parseEmail(raw, { timeoutMs: 100 });
    expect(reasonClassOf(parsed.kind === 'unparseable' ? parsed.reason : null)).toBe('unparseable');
    expect(reasonClassOf('same Message-ID as inbound email 7')).toBe('same_message_id');
    expect(reasonClassOf('same headers and body as inbound email 7')).toBe('same_content');
    expect(reasonClassOf('something new')).toBe('other');
  });
});
