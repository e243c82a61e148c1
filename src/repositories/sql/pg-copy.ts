import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import type { PoolClient } from 'pg';
import { withClient } from './pg-client';

/**
 * PostgreSQL's binary COPY format. A bytea field goes as its own chunks, one after another, so a
 * large value reaches the server without ever being one buffer here (a bound parameter would
 * be copied whole into pg's message writer).
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]); // flags 0, no header extension
const TRAILER = Buffer.from([0xff, 0xff]);
const VARCHAR_OID = 1043;

export type CopyField =
  | { int4: number }
  | { int8: string }
  | { text: string | null }
  | { varcharArray: string[] }
  | { bytea: readonly Buffer[]; size: number };

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const withLength = (value: Buffer) => [int32(value.length), value];

function* fieldParts(field: CopyField): Generator<Buffer> {
  if ('int4' in field) yield* withLength(int32(field.int4));
  else if ('int8' in field) {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(field.int8));
    yield* withLength(b);
  } else if ('text' in field) {
    if (field.text === null) yield int32(-1);
    else yield* withLength(Buffer.from(field.text, 'utf8'));
  } else if ('varcharArray' in field) {
    // ndim, has-nulls flag, element type, then per dimension its length and lower bound
    const items = field.varcharArray.map((s) => Buffer.from(s, 'utf8'));
    const head = items.length === 0 ? [0, 0, VARCHAR_OID] : [1, 0, VARCHAR_OID, items.length, 1];
    yield* withLength(Buffer.concat([...head.map(int32), ...items.flatMap(withLength)]));
  } else {
    yield int32(field.size);
    yield* field.bytea;
  }
}

/** The byte stream of a binary COPY of these rows, each row's fields in the COPY column order. */
export function* binaryCopyOf(rows: CopyField[][]): Generator<Buffer> {
  yield HEADER;
  for (const row of rows) {
    yield int16(row.length);
    for (const field of row) yield* fieldParts(field);
  }
  yield TRAILER;
}

/** `COPY … FROM STDIN (FORMAT binary)` of these rows; resolves once the server has them all. */
export function copyRowsIn(em: EntityManager, sql: string, rows: CopyField[][]): Promise<void> {
  return withClient(em, (client) =>
    pipeline(binaryCopyOf(rows), client.query(copyFrom(`${sql} FROM STDIN (FORMAT binary)`))),
  );
}

/**
 * Strips the binary COPY framing from a COPY of one row of one bytea column: what comes out is
 * the value's bytes, as the server sends them.
 */
class SingleByteaField extends Transform {
  private head = Buffer.alloc(0);
  private remaining = -1;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.remaining < 0) {
      // header (19 bytes), field count (2) and field length (4), then the value
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < HEADER.length + 6) return callback();
      if (!this.head.subarray(0, SIGNATURE.length).equals(SIGNATURE))
        return callback(new Error('not a binary COPY stream'));
      this.remaining = Math.max(0, this.head.readInt32BE(HEADER.length + 2));
      chunk = this.head.subarray(HEADER.length + 6);
      this.head = Buffer.alloc(0);
    }
    const take = Math.min(this.remaining, chunk.length);
    this.remaining -= take;
    callback(null, take > 0 ? chunk.subarray(0, take) : undefined);
  }
}

/** A bytea value being streamed, and the connection it holds until `close`. */
export interface ByteaStream {
  bytes: Readable;
  /** Drains what was left unread (a consumer may give up early) and hands the connection back. */
  close(): Promise<void>;
}

/** Opens a stream of one bytea value, selected by `sql` (one row, one column). */
export async function openByteaStream(em: EntityManager, sql: string): Promise<ByteaStream> {
  const runner = em.queryRunner ? null : em.connection.createQueryRunner();
  const client = (await (em.queryRunner ?? runner!).connect()) as PoolClient;
  const source = client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`));
  const bytes = source.pipe(new SingleByteaField());
  source.on('error', (err) => bytes.destroy(err));
  let closed: Promise<void> | null = null;
  const close = async () => {
    bytes.on('error', () => undefined); // nobody reads it any more
    if (!source.readableEnded && !source.destroyed) {
      source.unpipe();
      source.resume();
    }
    await finished(source).catch(() => undefined);
    // pg arms its query_timeout timer on every query; COPY TO, unlike COPY FROM, never clears it
    (source as unknown as { callback?: () => void }).callback?.();
    await runner?.release();
  };
  return { bytes, close: () => (closed ??= close()) };
}
