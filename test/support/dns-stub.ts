import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import type { DnsRecords } from './dns-records';

export interface DnsStub {
  /** `127.0.0.1:<port>`, as DNS_SERVERS takes it. */
  server: string;
  /** Every question asked, as `TYPE name`. */
  queries: string[];
  /** Names (and their subdomains) the stub leaves unanswered until `answer` is called. */
  silence(...names: string[]): void;
  answer(): void;
  close(): Promise<void>;
}

const NXDOMAIN = 3;
const TXT_CHUNK = 255;

/**
 * A DNS server on loopback that answers from a map, for desk's real DNS client in tests: unknown
 * names NXDOMAIN, known names without the type an empty NOERROR, and silenced names nothing at
 * all (the client's timeout).
 */
export async function startDnsStub(records: DnsRecords): Promise<DnsStub> {
  const socket: Socket = createSocket('udp4');
  const queries: string[] = [];
  let silenced: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, '');
    queries.push(`${question.type} ${name}`);
    if (silenced.some((s) => name === s || name.endsWith(`.${s}`))) return;
    const entry = records[name];
    const values = entry?.[question.type as keyof typeof entry] ?? [];
    const answers = values.map((value) => answerOf(question.name, question.type, value));
    const flags =
      dnsPacket.AUTHORITATIVE_ANSWER |
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE |
      (entry ? 0 : NXDOMAIN);
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags,
      questions: query.questions,
      answers,
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    silence: (...names) => (silenced = [...silenced, ...names.map((n) => n.toLowerCase())]),
    answer: () => (silenced = []),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function answerOf(name: string, type: string, value: string): dnsPacket.Answer {
  const base = { name, ttl: 300, class: 'IN' as const };
  if (type === 'TXT') {
    // one TXT record is strings of at most 255 bytes (a 2048-bit DKIM key takes two)
    const chunks: string[] = [];
    for (let i = 0; i < value.length; i += TXT_CHUNK) chunks.push(value.slice(i, i + TXT_CHUNK));
    return { ...base, type: 'TXT', data: chunks };
  }
  if (type === 'MX') {
    const [preference, exchange] = value.split(' ');
    return { ...base, type: 'MX', data: { preference: Number(preference), exchange: exchange! } };
  }
  return { ...base, type: type as 'A' | 'AAAA', data: value };
}
