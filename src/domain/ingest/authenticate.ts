import { authenticate, type AuthenticateResult } from 'mailauth';
import { Transform, type Readable } from 'node:stream';
import { getDomain } from 'tldts';
import type { SenderAuthResults } from '../../../entities/inbound-email.entity';
import { HeaderLineCounter } from '../mail/header-block';

/** A DNS lookup as node:dns's `resolve` answers it; desk's client is injected (src/dns). */
export type ResolveDns = (name: string, rrtype: string) => Promise<unknown>;

export interface AuthenticateDeps {
  resolveDns: ResolveDns;
  /** desk's name in its own Authentication-Results (the Service Desk domain). */
  authservId: string;
}

export interface SmtpEnvelope {
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string | null;
}

/**
 * `authenticated`: every lookup was answered (an answer may be "no such record"). `dns_failed`:
 * some lookup timed out or its server failed; the results say what could be checked without it.
 */
export type AuthOutcome =
  | { kind: 'authenticated'; results: SenderAuthResults }
  | { kind: 'dns_failed'; failure: string; results: SenderAuthResults };

/** Answers that say "there is nothing": results, not failures. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * mailauth joins folded header lines in quadratic time: 30,000 continuation lines take seconds of
 * blocked event loop, a 1 MiB header block minutes. Real mail has a few hundred lines at most.
 */
export const MAX_HEADER_LINES = 5000;

class TooManyHeaderLines extends Error {}

/** Jobs of an email whose DNS fails before it goes on without the answers (~30 s of backoff). */
export const DNS_ATTEMPTS = 6;

/**
 * Whether an email whose DNS failed goes on with what could be checked, or waits for a retry: it
 * goes on at its DNS_ATTEMPTS-th attempt, or its job's last if the job has fewer (JOB_ATTEMPTS).
 */
export const goesOnWithoutDns = (attemptsMade: number, jobAttempts: number): boolean =>
  attemptsMade + 1 >= Math.min(DNS_ATTEMPTS, jobAttempts);

/**
 * SPF (envelope sender and connecting IP recorded at accept), DKIM, DMARC for the From domain and
 * ARC, by mailauth through desk's resolver. The message's own Authentication-Results headers are
 * never read: the results come from the signatures and DNS alone.
 */
export async function authenticateSender(
  raw: Buffer | Readable,
  envelope: SmtpEnvelope,
  deps: AuthenticateDeps,
): Promise<AuthOutcome> {
  let failure: string | null = null;
  const resolver = async (name: string, rrtype: string) => {
    try {
      return await deps.resolveDns(name, rrtype);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (!ABSENT.has(code)) failure ??= `${rrtype} ${name}: ${code}`;
      throw err;
    }
  };
  let found: AuthenticateResult;
  try {
    found = await authenticate(guarded(raw), {
      ip: clientIp(envelope.remoteAddress),
      helo: envelope.helo ?? undefined,
      sender: envelope.mailFrom ?? undefined,
      mta: deps.authservId,
      resolver: resolver as never, // typed as TXT answers only; it asks for A, MX … too
      disableBimi: true,
    });
  } catch (err) {
    if (err instanceof SourceFailed) throw err.cause;
    const why =
      err instanceof TooManyHeaderLines
        ? `the header block has more than ${MAX_HEADER_LINES} lines`
        : `mailauth could not read the message: ${(err as Error).message}`;
    return { kind: 'authenticated', results: notChecked(deps.authservId, why) };
  }
  const results = { ...resultsOf(found), dnsFailure: failure };
  return failure === null
    ? { kind: 'authenticated', results }
    : { kind: 'dns_failed', failure, results };
}

class SourceFailed extends Error {}

/**
 * The message as mailauth reads it, refused once its header block passes MAX_HEADER_LINES; a
 * stream that fails (the store's fault) is told apart from what mailauth makes of the bytes.
 */
function guarded(raw: Buffer | Readable): Buffer | Readable {
  const counter = new HeaderLineCounter();
  const tooMany = (chunk: Buffer) => {
    counter.feed(chunk);
    return counter.lines > MAX_HEADER_LINES;
  };
  if (Buffer.isBuffer(raw)) {
    // SMTP refuses a header block past 1 MiB: its end is in the first 2
    if (tooMany(raw.subarray(0, 2 * 1024 * 1024))) throw new TooManyHeaderLines();
    return raw;
  }
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (tooMany(chunk)) done(new TooManyHeaderLines());
      else done(null, chunk);
    },
  });
  raw.on('error', (err) => guard.destroy(new SourceFailed('raw bytes unreadable', { cause: err })));
  return raw.pipe(guard);
}

function notChecked(authservId: string, why: string): SenderAuthResults {
  return {
    fromDomain: null,
    spf: { result: 'none', domain: null },
    dkim: [],
    dmarc: null,
    arc: null,
    dmarcPass: false,
    alignedPass: false,
    dnsFailure: null,
    notChecked: why,
    header: `Authentication-Results: ${authservId} (not authenticated: ${why}); none`,
  };
}

/** smtp-server reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`. */
function clientIp(remoteAddress: string | null): string | undefined {
  if (!remoteAddress) return undefined;
  return remoteAddress.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

const orgDomain = (domain: string): string =>
  (getDomain(domain, { allowPrivateDomains: true }) ?? domain).toLowerCase();

function resultsOf(found: AuthenticateResult): Omit<SenderAuthResults, 'dnsFailure'> {
  const froms = found.dkim.headerFrom ?? [];
  const fromDomain =
    froms.length === 1 ? (froms[0]!.split('@').pop()?.toLowerCase() ?? null) || null : null;
  const spf = found.spf
    ? {
        result: found.spf.status.result,
        domain: found.spf.domain ?? null,
        ...comment(found.spf.status.comment),
      }
    : { result: 'none', domain: null };
  const dkim = found.dkim.results.map((r) => ({
    result: r.status.result,
    domain: r.signingDomain ?? null,
    selector: r.selector ?? null,
    aligned: Boolean((r.status as { aligned?: string | false }).aligned),
    ...comment(r.status.comment),
  }));
  const dmarc = found.dmarc
    ? {
        result: found.dmarc.status.result,
        policy: found.dmarc.policy ?? null,
        ...comment(found.dmarc.status.comment),
      }
    : null;
  const arc =
    found.arc && found.arc.status.result !== 'none'
      ? {
          result: found.arc.status.result,
          instance: found.arc.i || 0,
          sealedBy: (found.arc.signature && found.arc.signature.signingDomain) || null,
          ...comment(found.arc.status.comment),
        }
      : null;
  const spfAligned =
    spf.result === 'pass' &&
    fromDomain !== null &&
    spf.domain !== null &&
    orgDomain(spf.domain) === orgDomain(fromDomain);
  return {
    fromDomain,
    spf,
    dkim,
    dmarc,
    arc,
    dmarcPass: dmarc?.result === 'pass',
    alignedPass:
      fromDomain !== null && (spfAligned || dkim.some((d) => d.result === 'pass' && d.aligned)),
    header: ownHeader(found.headers),
  };
}

const comment = (text: string | undefined) => (text ? { comment: text } : {});

/** mailauth's header block is Received-SPF then Authentication-Results: desk keeps the latter. */
function ownHeader(headers: string): string {
  const at = headers.indexOf('Authentication-Results:');
  return (at < 0 ? headers : headers.slice(at)).trimEnd();
}
