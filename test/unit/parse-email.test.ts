import iconv from 'iconv-lite';
import { parseEmail } from '../../src/domain/ingest/parse';

async function parsed(raw: string) {
  const result = await parseEmail(Buffer.from(raw.replace(/\n/g, '\r\n'), 'latin1'));
  if (result.kind !== 'parsed') throw new Error(result.reason);
  return result.email;
}

describe('parseEmail', () => {
  it('gives HTML-only mail a readable text description', async () => {
    const email = await parsed(
      'From: a@example.com\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n<p>Hello <b>there</b></p><p>Line&nbsp;two</p>',
    );
    expect(email.text).toContain('Hello there');
    expect(email.text).toMatch(/Line\stwo/);
    expect(email.text).not.toContain('<p>');
  });

  it('prefers the text part of multipart/alternative', async () => {
    const email = await parsed(
      [
        'From: a@example.com',
        'Content-Type: multipart/alternative; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'plain words',
        '--b',
        'Content-Type: text/html',
        '',
        '<p>html words</p>',
        '--b--',
      ].join('\n'),
    );
    expect(email.text.trim()).toBe('plain words');
  });

  it('decodes a latin-1 subject and keeps Message-ID, In-Reply-To and References', async () => {
    const email = await parsed(
      'From: a@example.com\nSubject: =?iso-8859-1?Q?Caf=E9_cr=E8me?=\nMessage-ID: <m1@x>\nIn-Reply-To: <p@x>\nReferences: <r1@x> <p@x>\n\nbody',
    );
    expect(email.subject).toBe('Café crème');
    expect(email.messageId).toBe('<m1@x>');
    expect(email.inReplyTo).toEqual(['<p@x>']);
    expect(email.references).toEqual(['<r1@x>', '<p@x>']);
  });

  it('does not throw on a message with no headers at all', async () => {
    const result = await parseEmail(Buffer.from('just some bytes\x00\xff'));
    expect(['parsed', 'unparseable']).toContain(result.kind);
  });

  it.each([
    ['iso-2022-jp', 'お問い合わせ'],
    ['shift_jis', '請求書について'],
    ['gb2312', '发票问题'],
    ['koi8-r', 'Счёт не пришёл'.replace('ё', 'е')],
    ['windows-1252', 'Café “quoted” €5'],
    ['iso-8859-2', 'Zażółć gęślą'],
  ])('decodes an RFC 2047 subject and name in %s', async (charset, text) => {
    // iconv-lite cannot encode ISO-2022-JP; these are the bytes Python's codec writes
    const bytes =
      charset === 'iso-2022-jp'
        ? Buffer.from('GyRCJCpMZCQkOWckbyQ7GyhC', 'base64')
        : iconv.encode(text, charset);
    const word = `=?${charset}?B?${bytes.toString('base64')}?=`;
    const email = await parsed(`From: ${word} <c@example.com>\nSubject: ${word}\n\nbody`);
    expect(email.subject).toBe(text);
  });

  it('falls back without crashing on an unknown or lying charset', async () => {
    const email = await parsed(
      'From: c@example.com\nSubject: =?x-unknown?Q?caf=E9?=\nContent-Type: text/plain; charset=x-bogus\n\ncaf\xe9 body',
    );
    expect(email.subject).toMatch(/^caf/);
    expect(email.text).toMatch(/^caf/);
  });

  it('settles a multipart that ends inside the header of an inline part (mailparser never did: the worker hung)', async () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Disposition: inline; filename="m.eml"\n',
    );
    const started = Date.now();
    expect(await parseEmail(raw, { timeoutMs: 300 })).toEqual({
      kind: 'unparseable',
      reason: 'cannot parse message: parser did not finish within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
