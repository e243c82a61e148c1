import type { ResolveDns } from '../../src/dns/dns-client';

/** Records by name and type: TXT as strings, A/AAAA as addresses, MX as `priority exchange`. */
export type DnsRecords = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX', string[]>>>;

const failure = (code: string, name: string) =>
  Object.assign(new Error(`${code} ${name}`), { code, hostname: name });

/**
 * Answers from a map in node:dns's shapes, offline: an unknown name is ENOTFOUND, a known one
 * without the type ENODATA, and a name in `timeouts` is ETIMEOUT (a server that never answered).
 */
export function mapResolver(records: DnsRecords = {}, timeouts: string[] = []): ResolveDns {
  return async (name, rrtype) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (timeouts.includes(key)) throw failure('ETIMEOUT', name);
    const entry = records[key];
    if (!entry) throw failure('ENOTFOUND', name);
    const values = entry[rrtype as keyof typeof entry];
    if (!values?.length) throw failure('ENODATA', name);
    if (rrtype === 'TXT') return values.map((v) => [v]);
    if (rrtype === 'MX')
      return values.map((v) => {
        const [priority, exchange] = v.split(' ');
        return { priority: Number(priority), exchange };
      });
    return values;
  };
}

/** What test desks and ingest tests resolve with unless a test says otherwise: nothing exists. */
export const NO_RECORDS = mapResolver();
