import { Resolver } from 'node:dns/promises';

/** A lookup as node:dns's `resolve` answers it (what mailauth reads); errors carry its codes. */
export type ResolveDns = (name: string, rrtype: string) => Promise<unknown>;

/**
 * Operators set only the servers (DNS_SERVERS); these are constants beside the code. c-ares
 * doubles the timeout on each try, so a server that never answers costs about 1.5 + 3 s.
 */
export const DNS_CLIENT = {
  timeoutMs: 1500,
  tries: 2,
  /** c-ares does not tell a TXT record's own TTL: answers are kept this long … */
  answerTtlMs: 5 * 60_000,
  /** … and "no such name / no such record" this long. Failures are never kept. */
  negativeTtlMs: 60_000,
  maxEntries: 10_000,
};

/** Answers that say "there is nothing": a result, not a failure. */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

interface Entry {
  expiresAt: number;
  answer: Promise<unknown>;
}

/**
 * desk's resolver: the configured servers (the system's when none are), a deadline per lookup,
 * and a cache of answers and absences that also joins concurrent lookups of one name.
 */
export function createDnsClient(
  servers: readonly string[],
  settings: Partial<typeof DNS_CLIENT> = {},
): ResolveDns {
  const s = { ...DNS_CLIENT, ...settings };
  const resolver = new Resolver({ timeout: s.timeoutMs, tries: s.tries });
  if (servers.length > 0) resolver.setServers([...servers]);
  const cache = new Map<string, Entry>();

  const remember = (key: string, answer: Promise<unknown>, ttlMs: number) => {
    cache.delete(key);
    cache.set(key, { expiresAt: Date.now() + ttlMs, answer });
    // a Map iterates in insertion order: the first key is the least recently stored
    if (cache.size > s.maxEntries) cache.delete(cache.keys().next().value as string);
  };

  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.answer;
    const answer = resolver.resolve(name, rrtype);
    // in flight: later callers share it until it settles
    remember(key, answer, s.timeoutMs * 4);
    answer.then(
      () => remember(key, answer, s.answerTtlMs),
      (err: NodeJS.ErrnoException) => {
        if (ABSENT.has(err.code ?? '')) remember(key, answer, s.negativeTtlMs);
        else if (cache.get(key)?.answer === answer) cache.delete(key);
      },
    );
    return answer;
  };
}
