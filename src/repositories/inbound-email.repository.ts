import { In, type EntityManager } from 'typeorm';
import type { Readable } from 'node:stream';
import {
  InboundEmail,
  type InboundStatus,
  type SenderAuthResults,
} from '../../entities/inbound-email.entity';
import { Outbox } from '../../entities/outbox.entity';
import { INGEST_EMAIL_JOB } from './outbox.repository';
import { acceptStatement } from './sql/accept-group-commit.sql';
import {
  COPY_EMAIL_TO_PROJECTS,
  COPY_INBOUND_EMAIL_IN,
  rawBytesOf,
} from './sql/copy-raw-bytes.sql';
import { runPrepared } from './sql/pg-client';
import { copyRowsIn, openByteaStream } from './sql/pg-copy';

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

/** What an operator narrows the list of received mail by; every part optional. */
export interface InboundFilter {
  status?: InboundStatus;
  projectId?: number;
  /** The envelope sender (MAIL FROM), case-insensitively. */
  sender?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
}

export type InboundSummary = Omit<
  InboundEmail,
  'raw' | 'remoteAddress' | 'helo' | 'dedupeKey' | 'threadRoot' | 'authResults'
>;

const LISTED_COLUMNS = [
  'id',
  'receivedAt',
  'mailFrom',
  'rcptTo',
  'size',
  'sha256',
  'messageId',
  'projectId',
  'status',
  'reason',
  'attempts',
  'workItemId',
  'noteId',
  'processedAt',
] satisfies (keyof InboundSummary)[];

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
    const { id } = (await this.em
      .createQueryBuilder()
      .select("nextval(pg_get_serial_sequence('inbound_emails', 'id'))::text", 'id')
      .fromDummy()
      .getRawOne()) as { id: string };
    await copyRowsIn(this.em, COPY_INBOUND_EMAIL_IN, [
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
    ]);
    const copies: { id: string }[] =
      others.length === 0 ? [] : await this.em.query(COPY_EMAIL_TO_PROJECTS, [id, others]);
    const ids = [id, ...copies.map((c) => String(c.id))];
    const outbox = ids.map((inboundEmailId) => ({
      queue: INGEST_EMAIL_JOB,
      jobName: INGEST_EMAIL_JOB,
      payload: { inboundEmailId },
    }));
    const { identifiers } = await this.em.insert(Outbox, outbox);
    return outbox.map((row, i) => ({
      inboundEmailId: row.payload.inboundEmailId,
      outboxId: String(identifiers[i]!.id),
      ...row,
    }));
  }

  /** A page of emails, newest first, without their raw bytes. */
  async list(
    filter: InboundFilter,
    before: string | null,
    limit: number,
  ): Promise<InboundSummary[]> {
    const q = this.em
      .createQueryBuilder(InboundEmail, 'e')
      .select(LISTED_COLUMNS.map((c) => `e.${c}`))
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (filter.status) q.andWhere('e.status = :status', { status: filter.status });
    if (filter.projectId) q.andWhere('e.project_id = :projectId', { projectId: filter.projectId });
    if (filter.sender) q.andWhere('lower(e.mail_from) = lower(:sender)', { sender: filter.sender });
    if (filter.receivedFrom) q.andWhere('e.received_at >= :from', { from: filter.receivedFrom });
    if (filter.receivedTo) q.andWhere('e.received_at < :to', { to: filter.receivedTo });
    if (before !== null) q.andWhere('e.id < :before', { before });
    return q.getMany();
  }

  /**
   * Puts a failed or ignored email back to `received` for another run of the pipeline, clearing
   * what the last run decided. False when it is in any other state.
   */
  async resetForReprocess(id: string): Promise<boolean> {
    const result = await this.em.update(
      InboundEmail,
      { id, status: In(['failed', 'ignored']) },
      {
        status: 'received',
        reason: null,
        processedAt: null,
        workItemId: null,
        noteId: null,
        dedupeKey: null,
        threadRoot: null,
        attempts: 0,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Emails still `received` that arrived more than `ageMs` ago: ingest is not keeping up. */
  countReceivedBefore(ageMs: number): Promise<number> {
    return this.em
      .createQueryBuilder(InboundEmail, 'e')
      .where("e.status = 'received'")
      .andWhere('e.received_at < now() - make_interval(secs => :ageMs / 1000.0)', { ageMs })
      .getCount();
  }

  /** Oldest first, so a bulk run of a long backlog starts where the trouble started. */
  async idsWithStatus(status: InboundStatus, limit: number): Promise<string[]> {
    const rows = await this.em.find(InboundEmail, {
      where: { status },
      select: { id: true },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map((r) => String(r.id));
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

  /** The sender-authentication results of these emails (null: none recorded), by id. */
  async authResultsOf(ids: string[]): Promise<Map<string, SenderAuthResults | null>> {
    if (ids.length === 0) return new Map();
    const rows = await this.em.find(InboundEmail, {
      where: { id: In(ids) },
      select: { id: true, authResults: true },
    });
    return new Map(rows.map((r) => [String(r.id), r.authResults]));
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
    return openByteaStream(this.em, rawBytesOf(id));
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
      const row: { part: Buffer } | undefined = await this.em
        .createQueryBuilder(InboundEmail, 'e')
        .select('substring(e.raw from :from for :length)', 'part')
        .where('e.id = :id', { id, from: filled + 1, length: RAW_SLICE_BYTES })
        .getRawOne();
      const part = row?.part;
      if (!part || part.length === 0) break;
      filled += part.copy(raw, filled);
    }
    return filled === size ? raw : raw.subarray(0, filled);
  }

  /** Locks the row for the rest of the transaction and returns its status (null when gone). */
  async lockStatus(id: string): Promise<InboundStatus | null> {
    const row = await this.em
      .createQueryBuilder(InboundEmail, 'e')
      .select(['e.id', 'e.status'])
      .where('e.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    return row?.status ?? null;
  }
}
