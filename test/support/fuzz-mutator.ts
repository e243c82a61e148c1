/**
 * A seeded mutator that turns real messages into broken ones: the same seed gives the same
 * messages, so a failure seen once can be replayed with FUZZ_SEED.
 */

export const DEFAULT_FUZZ_SEED = 0x6465736b; // "desk"

export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUZZ_SEED;
  if (raw === undefined || raw === '') return DEFAULT_FUZZ_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${raw}`);
  return seed >>> 0;
}

/** mulberry32: a tiny 32-bit PRNG, good enough to pick mutations reproducibly. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

// Mutations work on latin1 strings: one char per byte, so no byte is lost or re-encoded.
type Mutation = (message: string, rng: Rng) => string;

const BOUNDARY = /boundary\s*=\s*"?([^";\r\n]+)"?/gi;
const boundariesOf = (m: string): string[] => [
  ...new Set([...m.matchAll(BOUNDARY)].map((x) => x[1]!.trim())),
];
const replaceAll = (m: string, from: string, to: string) => m.split(from).join(to);
const headerEnd = (m: string): number => {
  const end = m.search(/\r?\n\r?\n/);
  return end === -1 ? m.length : end;
};
const insertAt = (m: string, at: number, text: string) => m.slice(0, at) + text + m.slice(at);
const randomChars = (rng: Rng, n: number, alphabet: string) =>
  Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join('');

const BAD_CHARSETS = [
  'x-unknown-999',
  'utf-7',
  'utf-16',
  'utf-32le',
  '',
  'utf-8\u0000',
  '../../etc/passwd',
  'iso-8859-99',
  'gb18030',
  'x'.repeat(500),
  'ISO-2022-JP-3',
  'windows-1258',
  'unicode-1-1-utf-7',
];

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (m, rng) => m.slice(0, rng.int(Math.max(1, m.length))),

  swapBoundaries: (m, rng) => {
    const found = boundariesOf(m);
    if (found.length >= 2) {
      const [a, b] = [rng.pick(found), rng.pick(found)];
      return replaceAll(replaceAll(replaceAll(m, a, '\u0001'), b, a), '\u0001', b);
    }
    if (found.length === 1) return replaceAll(m, `--${found[0]}`, `--${found[0]}X`);
    return m;
  },

  removeBoundary: (m, rng) => {
    const found = boundariesOf(m);
    if (found.length === 0) return m;
    const b = rng.pick(found);
    switch (rng.int(3)) {
      case 0:
        return replaceAll(m, `--${b}--`, ''); // no closing delimiter
      case 1:
        return replaceAll(m, `--${b}`, ''); // no delimiters at all
      default:
        return m.replace(new RegExp(`boundary\\s*=\\s*"?${escapeRegExp(b)}"?`, 'i'), 'x=y');
    }
  },

  invalidBase64: (m, rng) => {
    const end = headerEnd(m);
    const garbage = randomChars(rng, rng.between(1, 200), '!@#$%^&*()=====-_\u00ff\u0080abc');
    const cte = /content-transfer-encoding:[^\r\n]*/i;
    const head = cte.test(m.slice(0, end))
      ? m.slice(0, end).replace(cte, 'Content-Transfer-Encoding: base64')
      : `${m.slice(0, end)}\r\nContent-Transfer-Encoding: base64`;
    const body = m.slice(end);
    const at = rng.int(body.length + 1);
    return head + insertAt(body, at, `\r\n${garbage}=\r\nQUJD=RE\r\n`);
  },

  invalidQuotedPrintable: (m, rng) => {
    const end = headerEnd(m);
    const cte = /content-transfer-encoding:[^\r\n]*/i;
    const head = cte.test(m.slice(0, end))
      ? m.slice(0, end).replace(cte, 'Content-Transfer-Encoding: quoted-printable')
      : `${m.slice(0, end)}\r\nContent-Transfer-Encoding: quoted-printable`;
    const body = m.slice(end);
    const junk = rng.pick(['=ZZ', '=', '=\r\n=\r\n', '=G', '==', '=0', `=${'F'.repeat(999)}`]);
    return head + insertAt(body, rng.int(body.length + 1), junk);
  },

  invalidCharset: (m, rng) => {
    const charset = rng.pick(BAD_CHARSETS);
    const withParam = /charset\s*=\s*"?[^";\s]*"?/gi.test(m)
      ? m.replace(/charset\s*=\s*"?[^";\s]*"?/gi, `charset="${charset}"`)
      : m;
    const word = rng.pick([
      `=?${charset}?Q?=FF=FE=00?=`,
      '=?utf-8?B?####?=',
      '=?utf-8?Q?=E2=82?=',
      '=?x?y?z?=',
      '=?=?=?',
    ]);
    return /^subject:/im.test(withParam)
      ? withParam.replace(/^subject:/im, `Subject: ${word}`)
      : `Subject: ${word}\r\n${withParam}`;
  },

  hugeHeader: (m, rng) => {
    const size = rng.pick([8_192, 65_536, 300_000, 1_100_000]);
    switch (rng.int(4)) {
      case 0:
        return `X-Huge: ${'h'.repeat(size)}\r\n${m}`;
      case 1:
        return `Subject: ${'s'.repeat(size)}\r\n${m}`;
      case 2: // one header folded into many continuation lines
        return `X-Folded: a\r\n${' f\r\n'.repeat(size / 4)}${m}`;
      default: // thousands of small headers
        return `${'X-Many: v\r\n'.repeat(size / 11)}${m}`;
    }
  },

  nestedMultipart: (m, rng) => {
    const depth = rng.pick([50, 50, 60, 120]);
    const end = headerEnd(m);
    const head = m
      .slice(0, end)
      .replace(/^content-(type|transfer-encoding):[^\r\n]*(\r?\n[ \t][^\r\n]*)*/gim, 'X-Old: 1');
    const inner = m.slice(end).slice(0, 2000);
    let body = `Content-Type: text/plain; charset=utf-8\r\n\r\n${inner}\r\n`;
    for (let level = depth; level > 0; level--) {
      const b = `nest${level}`;
      body =
        `Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n` +
        `--${b}\r\n${body}` +
        (rng.chance(0.9) ? `--${b}--\r\n` : ''); // some levels never close
    }
    return `${head}\r\n${body}`;
  },

  byteFlips: (m, rng) => {
    const chars = m.split('');
    const flips = rng.between(1, 50);
    for (let i = 0; i < flips && chars.length > 0; i++)
      chars[rng.int(chars.length)] = String.fromCharCode(rng.int(256));
    return chars.join('');
  },

  nuls: (m, rng) => {
    let out = m;
    const count = rng.between(1, 20);
    for (let i = 0; i < count; i++) {
      // half of them in the header block, where they end up in subjects and addresses
      const limit = rng.chance(0.5) ? headerEnd(out) : out.length;
      out = insertAt(out, rng.int(limit + 1), '\u0000');
    }
    return out;
  },

  addressChaos: (m, rng) => {
    const value = rng.pick([
      '<<<@@>>>',
      '"unterminated <a@b.example',
      `${Array.from({ length: 2000 }, (_, i) => `user${i}@flood.example`).join(', ')}`,
      '=?utf-8?B?w7w=?= <ü@exämple.com>',
      'a@b.example\u0000c@d.example',
      `${'x'.repeat(400)}@${'y'.repeat(400)}.example`,
      'group: a@b.example, c@d.example;, undisclosed-recipients:;',
      '',
    ]);
    const header = rng.pick(['From', 'Cc', 'Reply-To', 'Sender', 'To']);
    return `${header}: ${value}\r\n${m}`;
  },

  noHeaderBodySeparator: (m) => m.replace(/\r?\n\r?\n/, '\r\n'),

  bareLineEnds: (m, rng) =>
    rng.chance(0.5) ? m.replace(/\r\n/g, '\n') : m.replace(/\r?\n/g, () => rng.pick(['\n', '\r'])),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface FuzzedMessage {
  raw: Buffer;
  mutations: string[];
}

/**
 * One to three mutations of `base`, then (usually) a fresh Message-ID so most messages make new
 * tickets rather than duplicates of the first.
 */
export function mutateMessage(base: Buffer, rng: Rng, uniqueId: string): FuzzedMessage {
  let message = base.toString('latin1');
  const mutations: string[] = [];
  const count = rng.between(1, 3);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(MUTATION_NAMES);
    mutations.push(name);
    message = MUTATIONS[name]!(message, rng);
  }
  if (rng.chance(0.7)) {
    const id = `Message-ID: <${uniqueId}@fuzz.example>`;
    message = /^message-id:[^\r\n]*/im.test(message)
      ? message.replace(/^message-id:[^\r\n]*/im, id)
      : `${id}\r\n${message}`;
  }
  return { raw: Buffer.from(message, 'latin1'), mutations };
}
