const LF = 0x0a;
const CR = 0x0d;

/**
 * Measures a message's header block (everything before the first empty line, CRLF or bare LF)
 * as its chunks stream in, so an SMTP edge can refuse a huge header without buffering it.
 */
export class HeaderBlockMeter {
  /** The last bytes fed; starts as a line end so a message opening with a blank line has no header. */
  private tail: Buffer = Buffer.from([LF]);
  private fed = 0;
  private length: number | null = null;

  constructor(private readonly limit: number) {}

  feed(chunk: Buffer): void {
    if (this.length !== null || chunk.length === 0) return;
    const joined = Buffer.concat([this.tail, chunk]);
    const start = this.fed - this.tail.length;
    for (let i = joined.indexOf(LF); i !== -1; i = joined.indexOf(LF, i + 1)) {
      const next = joined[i + 1];
      if (next === LF || (next === CR && joined[i + 2] === LF)) {
        this.length = Math.max(0, start + i + 1);
        return;
      }
      if (next === undefined || (next === CR && i + 2 >= joined.length)) break;
    }
    this.fed += chunk.length;
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 2)));
  }

  /** Bytes of header seen so far (the whole header once its end was found). */
  get bytes(): number {
    return this.length ?? this.fed;
  }

  get exceeded(): boolean {
    return this.bytes > this.limit;
  }
}

/** Counts the lines of a message's header block (continuations too) as its chunks stream in. */
export class HeaderLineCounter {
  private tail: Buffer = Buffer.from([LF]);
  lines = 0;
  ended = false;

  feed(chunk: Buffer): void {
    if (this.ended || chunk.length === 0) return;
    const joined = Buffer.concat([this.tail, chunk]);
    for (let i = joined.indexOf(LF, this.tail.length); i !== -1; i = joined.indexOf(LF, i + 1)) {
      if (joined[i - 1] === LF || (joined[i - 1] === CR && joined[i - 2] === LF)) {
        this.ended = true;
        return;
      }
      this.lines++;
    }
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - 2)));
  }
}
