import type { EntityManager } from 'typeorm';
import type { Readable } from 'node:stream';
import { InboundEmail, type InboundStatus } from '../../entities/inbound-email.entity';
import { acceptStatement } from './sql/accept-group-commit.sql';
import { INGEST_EMAIL_JOB } from './outbox.repository';
import { copyRowsIn, openByteaStream } from './sql/pg-copy';
import { runPrepared } from './sql/pg-client';

export interface AcceptedMessage {
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string | null;
  rcptTo: string[];
  raw: Buffer;
  sha256: string;
  messageId: string | null;
  projectIds: number[];
}

/** A message too large to copy into one buffer: its bytes as the listener received them. */
export interface AcceptedChunkedMessage extends Omit<AcceptedMessage, 'raw'> {
  chunks: readonly Buffer[];
  size: number;
}

export interface AcceptedRow {
  inboundEmailId: string;
  outboxId: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
}

export type InboundEnvelope = Omit<InboundEmail, 'raw'>;

export type InboundSummary = Omit<
  InboundEmail,
  'raw' | 'remoteAddress' | 'helo' | 'dedupeKey' | 'threadRoot'
>;

export interface OutcomeUpdate {
  status: InboundStatus;
  reason?: string | null;
  workItemId?: number | null;
  noteId?: number | null;
  attempts?: number;
}

/**
 * Reasons quote the sender's headers and parser errors: PostgreSQL text cannot hold NUL, and an
 * operator needs the start of a 1 MB header, not all of it.
 */
const MAX_REASON = 2000;
export const reasonText = (reason: string | null | undefined): string | null =>
  reason ? reason.split('\u0000').join('').slice(0, MAX_REASON) : null;

/** Raw bytes as `openRaw` hands them out; `close` once read. */
export interface RawMessage {
  bytes: Buffer | Readable;
  close(): Promise<void>;
}

const noop = async () => undefined;

const RAW_SLICE_BYTES = 4 * 1024 * 1024;
/** Above this a message is streamed to its reader: as hex text it would cost 2× its size in strings. */
export const STREAMED_RAW_BYTES = 1024 * 1024;

export class InboundEmailRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Stores each message once per target project together with its ingest outbox row, all in one
   * statement (so one implicit transaction and one WAL flush): either everything is there, or
   * nothing is. Result i holds message i's rows.
   */
  async acceptMany(messages: AcceptedMessage[]): Promise<AcceptedRow[][]> {
    const params: unknown[] = [INGEST_EMAIL_JOB, INGEST_EMAIL_JOB];
    for (const msg of messages) {
      params.push(
        msg.remoteAddress,
        msg.helo,
        msg.mailFrom,
        msg.rcptTo,
        msg.raw.length,
        msg.sha256,
        msg.raw,
        msg.messageId,
        msg.projectIds,
      );
    }
    const rows = await runPrepared<{
      n: number;
      inbound_id: string;
      outbox_id: string;
      payload: Record<string, unknown>;
    }>(this.em, acceptStatement(messages.length), params);
    const result: AcceptedRow[][] = messages.map(() => []);
    for (const r of rows) {
      result[r.n]!.push({
        inboundEmailId: r.inbound_id,
        outboxId: String(r.outbox_id),
        queue: INGEST_EMAIL_JOB,
        jobName: INGEST_EMAIL_JOB,
        payload: r.payload,
      });
    }
    return result;
  }

  /**
   * `accept` for a large message: the raw bytes go to PostgreSQL chunk by chunk through COPY, never
   * concatenated nor bound as one parameter. Needs a transaction: the rows of the other projects
   * are copied server-side from the first and the outbox rows join them before the commit.
   */
  async acceptChunked(msg: AcceptedChunkedMessage): Promise<AcceptedRow[]> {
    if (!this.em.queryRunner?.isTransactionActive)
      throw new Error('acceptChunked needs a transaction');
    const [first, ...others] = msg.projectIds;
    if (first === undefined) return [];
    const [{ id }]: [{ id: string }] = await this.em.query(
      "SELECT nextval(pg_get_serial_sequence('inbound_emails', 'id'))::text AS id",
    );
    await copyRowsIn(
      this.em,
      `COPY inbound_emails
         (id, remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id)`,
      [
        [
          { int8: id },
          { text: msg.remoteAddress },
          { text: msg.helo },
          { text: msg.mailFrom },
          { varcharArray: msg.rcptTo },
          { int4: msg.size },
          { text: msg.sha256 },
          { bytea: msg.chunks, size: msg.size },
          { text: msg.messageId },
          { int4: first },
        ],
      ],
    );
    const rows: { inbound_id: string; outbox_id: string; payload: Record<string, unknown> }[] =
      await this.em.query(
        `WITH copies AS (
           INSERT INTO inbound_emails
             (remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id)
           SELECT remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, p
             FROM inbound_emails, unnest($2::int[]) WITH ORDINALITY AS t(p, n)
            WHERE id = $1
            ORDER BY n
           RETURNING id
         ), e AS (
           SELECT $1::bigint AS id UNION ALL SELECT id FROM copies
         ), o AS (
           INSERT INTO outbox (queue, job_name, payload)
           SELECT $3, $4, jsonb_build_object('inboundEmailId', e.id::text) FROM e ORDER BY e.id
           RETURNING id, payload
         )
         SELECT o.payload->>'inboundEmailId' AS inbound_id, o.id AS outbox_id, o.payload FROM o`,
        [id, others, INGEST_EMAIL_JOB, INGEST_EMAIL_JOB],
      );
    return rows.map((r) => ({
      inboundEmailId: r.inbound_id,
      outboxId: String(r.outbox_id),
      queue: INGEST_EMAIL_JOB,
      jobName: INGEST_EMAIL_JOB,
      payload: r.payload,
    }));
  }

  /** A page of emails, newest first, without their raw bytes. */
  async list(
    status: InboundStatus | null,
    before: string | null,
    limit: number,
  ): Promise<InboundSummary[]> {
    return this.em.query(
      `SELECT id::text, received_at AS "receivedAt", mail_from AS "mailFrom", rcpt_to AS "rcptTo", size,
              sha256, message_id AS "messageId", project_id AS "projectId", status, reason, attempts,
              work_item_id AS "workItemId", note_id AS "noteId", processed_at AS "processedAt"
         FROM inbound_emails
        WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [status, before, limit],
    );
  }

  /**
   * Puts a failed or ignored email back to `received` for another run of the pipeline, clearing
   * what the last run decided. False when it is in any other state.
   */
  async resetForReprocess(id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.em.query(
      `UPDATE inbound_emails
          SET status = 'received', reason = NULL, processed_at = NULL, work_item_id = NULL,
              note_id = NULL, dedupe_key = NULL, thread_root = NULL, attempts = 0
        WHERE id = $1 AND status IN ('failed', 'ignored') RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async idsWithStatus(status: InboundStatus, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      'SELECT id::text FROM inbound_emails WHERE status = $1 ORDER BY id LIMIT $2',
      [status, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The email with its raw bytes. A bytea column travels as a hex string twice its size; read
   * whole, a 25 MB message would cost 50 MB of string at once, so the bytes come in 4 MB slices
   * copied into one buffer of the stored size.
   */
  async findById(id: string): Promise<InboundEmail | null> {
    const email = await this.findEnvelope(id);
    return email ? Object.assign(email, { raw: await this.readRaw(id, email.size) }) : null;
  }

  /** The email without its raw bytes (see `openRaw`). */
  findEnvelope(id: string): Promise<InboundEnvelope | null> {
    return this.em.findOne(InboundEmail, {
      where: { id },
      select: this.columnsButRaw(),
    });
  }

  /**
   * The raw bytes: a small message as one buffer, a large one as a stream through COPY, so it is
   * never whole in memory. The caller closes it once read.
   */
  async openRaw(email: { id: string; size: number }): Promise<RawMessage> {
    const { id, size } = email;
    if (size <= STREAMED_RAW_BYTES) return { bytes: await this.readRaw(id, size), close: noop };
    if (!/^\d+$/.test(id)) throw new Error(`not an inbound email id: ${id}`);
    return openByteaStream(this.em, `SELECT raw FROM inbound_emails WHERE id = ${id}`);
  }

  private columnsButRaw() {
    return Object.fromEntries(
      this.em.connection
        .getMetadata(InboundEmail)
        .columns.filter((c) => c.propertyName !== 'raw')
        .map((c) => [c.propertyName, true]),
    );
  }

  private async readRaw(id: string, size: number): Promise<Buffer> {
    const raw = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const rows: { part: Buffer }[] = await this.em.query(
        'SELECT substring(raw from $2 for $3) AS part FROM inbound_emails WHERE id = $1',
        [id, filled + 1, RAW_SLICE_BYTES],
      );
      const part = rows[0]?.part;
      if (!part || part.length === 0) break;
      filled += part.copy(raw, filled);
    }
    return filled === size ? raw : raw.subarray(0, filled);
  }

  /** Locks the row for the rest of the transaction and returns its status (null when gone). */
  async lockStatus(id: string): Promise<InboundStatus | null> {
    const rows: { status: InboundStatus }[] = await this.em.query(
      'SELECT status FROM inbound_emails WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0]?.status ?? null;
  }

  /** Only a `received` email changes state, so a replayed job never rewrites an outcome. */
  async setOutcome(id: string, update: OutcomeUpdate): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(InboundEmail)
      .set({
        status: update.status,
        reason: reasonText(update.reason),
        workItemId: update.workItemId ?? null,
        noteId: update.noteId ?? null,
        processedAt: () => 'now()',
        ...(update.attempts === undefined ? {} : { attempts: update.attempts }),
      })
      .where('id = :id AND status = :received', { id, received: 'received' })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
