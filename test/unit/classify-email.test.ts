import { classifyEmail } from '../../src/domain/ingest/classify';
import { extractMessageId } from '../../src/domain/mail/message-id';
import { parseEmail } from '../../src/domain/ingest/parse';

const addressing = { localPart: 'support', domain: 'desk.localhost' };

async function classify(headers: string[], envelopeFrom: string | null = 'c@example.com') {
  const parsed = await parseEmail(Buffer.from([...headers, '', 'body'].join('\r\n')));
  if (parsed.kind !== 'parsed') throw new Error(parsed.reason);
  return classifyEmail(parsed.email, envelopeFrom, addressing);
}

describe('classifyEmail', () => {
  it('accepts an ordinary customer message', async () => {
    expect(await classify(['From: c@example.com', 'Auto-Submitted: no'])).toEqual({
      kind: 'customer',
      flags: [],
    });
  });

  it.each([
    [['Auto-Submitted: auto-replied'], /Auto-Submitted/],
    [['X-Autoreply: yes'], /X-Autoreply/],
    [['X-Autorespond: yes'], /X-Autorespond/],
    [['Precedence: junk'], /Precedence: junk/],
    [['X-Auto-Response-Suppress: All'], /X-Auto-Response-Suppress/],
    [['Content-Type: multipart/report; report-type=delivery-status; boundary=x'], /bounce/],
    [['X-Loop: support+k@desk.localhost'], /X-Loop/],
    [['Reply-To: support+abc@desk.localhost'], /desk address/],
  ])('ignores %p with its reason', async (extra, reason) => {
    const result = await classify(['From: c@example.com', ...extra]);
    expect(result.kind).toBe('ignored');
    expect(result.kind === 'ignored' && result.reason).toMatch(reason);
  });

  it.each([
    [['Subject: Automatic reply: your question'], /subject/],
    [['Subject: Out of Office: back Monday'], /subject/],
    [['X-MS-Exchange-Inbox-Rules-Loop: a@example.com'], /Microsoft/],
    [
      ['From: MAILER-DAEMON@mx.example.com', 'Subject: Undelivered Mail Returned to Sender'],
      /bounce/,
    ],
    [['From: MAILER-DAEMON <>', 'Subject: Mail delivery failed'], /bounce: delivery failure/],
    [['From: c@example.com', 'Return-Path: <>'], /Return-Path/],
  ])('ignores %p', async (extra, reason) => {
    const result = await classify(
      extra[0]?.startsWith('From') ? extra : ['From: c@example.com', ...extra],
    );
    expect(result.kind === 'ignored' && result.reason).toMatch(reason);
  });

  it('keeps list mail as a customer ticket, flagged when it did not name us', async () => {
    const viaList = await classify([
      'From: c@example.com',
      'To: list@lists.example',
      'List-Id: <dev.lists.example>',
      'Precedence: bulk',
    ]);
    expect(viaList).toEqual({
      kind: 'customer',
      flags: ['mailing list <dev.lists.example>, not addressed to us directly'],
    });
    const direct = await classify([
      'From: c@example.com',
      'To: support+k@desk.localhost',
      'List-Id: <dev.lists.example>',
    ]);
    expect(direct).toEqual({ kind: 'customer', flags: [] });
  });

  it('does not mistake a customer whose subject merely mentions a vacation for an auto-reply', async () => {
    expect((await classify(['From: c@example.com', 'Subject: Vacation booking failed'])).kind).toBe(
      'customer',
    );
  });

  it('ignores mail with a null reverse path', async () => {
    expect(await classify(['From: c@example.com'], null)).toEqual({
      kind: 'ignored',
      reason: 'bounce: null reverse path <>',
    });
  });
});

describe('extractMessageId', () => {
  it('finds a folded, lower-case Message-ID header', () => {
    expect(
      extractMessageId(
        Buffer.from('Subject: x\r\nmessage-id:\r\n <a.b@c>\r\n\r\nMessage-ID: <body@x>'),
      ),
    ).toBe('<a.b@c>');
  });

  it('does not read the body', () => {
    expect(extractMessageId(Buffer.from('Subject: x\n\nMessage-ID: <body@x>\n'))).toBeNull();
  });
});
