import { Readable } from 'node:stream';
import {
  authenticateSender,
  DNS_ATTEMPTS,
  goesOnWithoutDns,
  MAX_HEADER_LINES,
} from '../../src/domain/ingest/authenticate';
import { HeaderLineCounter } from '../../src/domain/mail/header-block';
import { NO_RECORDS } from '../support/dns-records';

const deps = { resolveDns: NO_RECORDS, authservId: 'desk.localhost' };
const envelope = { remoteAddress: '::ffff:127.0.0.1', helo: 'mx.example', mailFrom: 'a@b.example' };
/** 1 MiB of one folded header: mailauth would join its lines for minutes. */
const folded = Buffer.from(
  `X-Folded: a\r\n${' f\r\n'.repeat(262_144)}From: a@b.example\r\n\r\nhello\r\n`,
);

describe('authenticateSender', () => {
  it('checks SPF for the IPv4 client smtp-server reports as IPv6-mapped', async () => {
    const raw = Buffer.from('From: a@b.example\r\nSubject: x\r\n\r\nhello\r\n');
    const { results } = await authenticateSender(raw, envelope, deps);
    expect(results.header).toMatch(/^Authentication-Results: desk\.localhost;\r\n/);
    expect(results.spf).toMatchObject({ result: 'none', domain: 'b.example' });
    expect(results.header).toContain('smtp.mailfrom=a@b.example');
    expect(results.fromDomain).toBe('b.example');
  });

  it('does not stall on a header block of a million folded bytes, in a buffer or a stream', async () => {
    const started = Date.now();
    const whole = await authenticateSender(folded, envelope, deps);
    const chunks = Array.from({ length: Math.ceil(folded.length / 65536) }, (_, i) =>
      folded.subarray(i * 65536, (i + 1) * 65536),
    );
    const streamed = await authenticateSender(Readable.from(chunks), envelope, deps);
    expect(Date.now() - started).toBeLessThan(2000);
    for (const { kind, results } of [whole, streamed]) {
      expect(kind).toBe('authenticated');
      expect(results).toMatchObject({
        notChecked: `the header block has more than ${MAX_HEADER_LINES} lines`,
        dmarcPass: false,
        alignedPass: false,
      });
      expect(results.header).toBe(
        `Authentication-Results: desk.localhost (not authenticated: the header block has more than ${MAX_HEADER_LINES} lines); none`,
      );
    }
  });

  it("rethrows the failure of a stream it reads (the store's), so the job retries", async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('connection to PostgreSQL lost'));
      },
    });
    await expect(authenticateSender(broken, envelope, deps)).rejects.toThrow(
      'connection to PostgreSQL lost',
    );
  });
});

describe('an email whose DNS failed', () => {
  it('waits for DNS_ATTEMPTS attempts, or its job’s last when JOB_ATTEMPTS is lower', () => {
    expect(DNS_ATTEMPTS).toBe(6);
    expect([0, 4, 5].map((made) => goesOnWithoutDns(made, 10))).toEqual([false, false, true]);
    expect([0, 1, 2].map((made) => goesOnWithoutDns(made, 3))).toEqual([false, false, true]);
  });
});

describe('HeaderLineCounter', () => {
  it('counts header lines across chunks and stops at the blank line', () => {
    const counter = new HeaderLineCounter();
    for (const part of ['A: 1\r', '\n B\r\n', 'C: 3\r\n\r', '\nbody\r\nmore\r\n'])
      counter.feed(Buffer.from(part));
    expect(counter).toMatchObject({ lines: 3, ended: true });
    const bare = new HeaderLineCounter();
    bare.feed(Buffer.from('A: 1\n\nbody\n'));
    expect(bare).toMatchObject({ lines: 1, ended: true });
  });
});
