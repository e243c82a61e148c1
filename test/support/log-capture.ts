import { Writable } from 'node:stream';

export interface LogLine {
  level: number;
  time: string;
  msg: string;
  [field: string]: unknown;
}

/** A destination for createRootLogger that keeps every line a test wants to look at. */
export function captureLogs() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    /** Everything written, as text. */
    chunks,
    /** Each JSON line written so far, parsed. */
    lines(): LogLine[] {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as LogLine);
    },
  };
}
