import { HeaderBlockMeter } from '../../src/domain/mail/header-block';

/** Feeds `message` split at every given offset. */
function measure(message: string, limit: number, cuts: number[] = []): HeaderBlockMeter {
  const meter = new HeaderBlockMeter(limit);
  const bytes = Buffer.from(message, 'latin1');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    meter.feed(bytes.subarray(from, cut));
    from = cut;
  }
  return meter;
}

describe('HeaderBlockMeter', () => {
  it('measures the header block up to the first empty line, CRLF or bare LF', () => {
    expect(measure('Subject: a\r\n\r\nbody', 100).bytes).toBe(12);
    expect(measure('Subject: a\n\nbody', 100).bytes).toBe(11);
    expect(measure('Subject: a\nX: b\r\n\r\n', 100).bytes).toBe(17);
  });

  it('finds the empty line wherever the chunks split it', () => {
    const message = 'Subject: a\r\nX: y\r\n\r\nbody\r\n\r\nmore';
    for (let cut = 0; cut <= message.length; cut++)
      expect(measure(message, 100, [cut]).bytes).toBe(18);
    expect(measure(message, 100, [16, 17, 18, 19]).bytes).toBe(18);
  });

  it('counts a message that opens with an empty line as having no header', () => {
    expect(measure('\r\nbody', 10).bytes).toBe(0);
    expect(measure('\nbody', 10).bytes).toBe(0);
  });

  it('is exceeded by a header over the limit even before its end arrives', () => {
    const meter = new HeaderBlockMeter(10);
    meter.feed(Buffer.from('X-Long: aaaa'));
    expect(meter.exceeded).toBe(true);
    expect(measure('X: 123456\r\n\r\n', 11).exceeded).toBe(false);
    expect(measure('X: 1234567\r\n\r\n', 11).exceeded).toBe(true);
  });

  it('does not count a long body against the header limit', () => {
    expect(measure(`S: a\r\n\r\n${'b'.repeat(1000)}`, 10, [3, 7, 500]).exceeded).toBe(false);
  });
});
