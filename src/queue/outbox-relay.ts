import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';
import type { QueueSet } from './connection';
import { jobIdOf, JOBS, planJobs, type JobName } from './jobs';

export interface RelaySettings {
  prefix: string;
  sweepIntervalMs: number;
  /** A published job still unprocessed after this long is offered to BullMQ again. */
  republishAfterMs: number;
  /** Most emails in one ingest job (INGEST_JOB_BATCH_MAX). */
  ingestBatch: number;
  /** Rows wait this long for more to join them, so that jobs carry several emails at any rate. */
  publishLingerMs: number;
  /** Published rows are marked so together, at most this much later (default 200 ms). */
  markDelayMs?: number;
}

const BATCH = 500;
/** A row the relay has not published a second after commit was missed (crash, Redis away). */
const UNPUBLISHED_GRACE_MS = 1000;
/**
 * Published rows are marked so together, well within the grace above: one UPDATE for many
 * publishes instead of one each (~40 µs of PostgreSQL's CPU per accepted message at 2,700 msg/s).
 */
const MARK_DELAY_MS = 200;
/** Room for the clocks of desk and PostgreSQL, which writes `published_at`, to differ. */
const CLOCK_SKEW_MS = 1000;

/**
 * Moves committed outbox rows into BullMQ. `publish` runs right after a commit; the sweeper
 * republishes what was missed, and everything unfinished when Redis lost its data (detected by a
 * marker key that only a data loss removes). Job ids are made of outbox ids, so a repeat add is a
 * no-op, and each row records its job's id for the sweeper.
 */
export class OutboxRelay {
  private pending: OutboxRow[] = [];
  private flushing: Promise<void> | null = null;
  private endLinger: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private unmarked: { id: string; jobId: string }[] = [];
  private markTimer: NodeJS.Timeout | null = null;
  private marking: Promise<void> = Promise.resolve();
  private staleCheckedAt = 0;
  private readonly markerKey: string;

  constructor(
    private readonly store: Store,
    private readonly queues: QueueSet,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly settings: RelaySettings,
  ) {
    this.markerKey = `${settings.prefix}:desk:redis-epoch`;
  }

  /** Hands committed rows to BullMQ soon, batched; failures are left to the sweeper. */
  publish(rows: OutboxRow[]): void {
    this.pending.push(...rows);
    if (this.wholeJobPending()) this.endLinger?.();
    if (!this.flushing) this.flushing = this.flushSoon();
  }

  /** Only ingest rows share jobs; other rows are one job each and end no linger. */
  private wholeJobPending(): boolean {
    return (
      this.pending.filter((r) => r.queue === JOBS.ingestEmail).length >= this.settings.ingestBatch
    );
  }

  /**
   * Up to `publishLingerMs` for more rows to join, so that jobs carry several emails at a steady
   * rate too, not only in a burst; no longer once a whole job is pending.
   */
  private linger(): Promise<void> {
    const ms = this.settings.publishLingerMs;
    if (ms === 0 || this.wholeJobPending()) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.endLinger?.(), ms);
      this.endLinger = () => {
        this.endLinger = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async flushSoon(): Promise<void> {
    await this.linger();
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      // marked published with others, up to markDelayMs later
      await this.send(batch).then(
        (sent) => this.markSoon(sent),
        (err: Error) => {
          this.logger.warn(
            { err: err.message, jobs: batch.length },
            'publish failed; the sweeper will retry',
          );
        },
      );
    }
    this.flushing = null;
  }

  /** Publishes the rows in jobs; which job each row went in, for the caller to mark. */
  private async send(rows: OutboxRow[]): Promise<{ id: string; jobId: string }[]> {
    const sent: { id: string; jobId: string }[] = [];
    for (const [queue, group] of this.byQueue(rows)) {
      const jobs = planJobs(queue.name as JobName, group, this.settings.ingestBatch);
      await queue.addBulk(
        jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } })),
      );
      for (const j of jobs) sent.push(...j.outboxIds.map((id) => ({ id, jobId: j.jobId })));
    }
    return sent;
  }

  private markSoon(sent: { id: string; jobId: string }[]): void {
    this.unmarked.push(...sent);
    if (this.unmarked.length >= BATCH) void this.markUnmarked();
    else if (!this.markTimer) {
      this.markTimer = setTimeout(() => void this.markUnmarked(), this.markDelayMs);
      this.markTimer.unref();
    }
  }

  /** A failed mark only makes the sweeper offer those rows again; their ingest finds them done. */
  private markUnmarked(): Promise<void> {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = null;
    const rows = this.unmarked.splice(0);
    if (rows.length === 0) return this.marking;
    this.marking = this.marking.then(() =>
      this.store
        .run((repos) => repos.outbox.markPublished(rows, { late: true }))
        .catch((err: Error) =>
          this.logger.warn({ err: err.message, jobs: rows.length }, 'marking published failed'),
        ),
    );
    return this.marking;
  }

  /**
   * For rows published long ago and still unfinished: a job that used up its retries (a long
   * database outage) is retried; rows whose job is gone, or finished without them, are published
   * again; a job still queued or running is left alone.
   */
  private async resend(rows: OutboxRow[]): Promise<number> {
    const missing: OutboxRow[] = [];
    const waiting: { id: string; jobId: string }[] = [];
    for (const [queue, group] of this.byQueue(rows)) {
      for (const [jobId, members] of groupBy(group, (r) => r.jobId ?? jobIdOf([r.id]))) {
        const state = await queue.getJobState(jobId);
        if (state === 'unknown' || state === 'completed') {
          missing.push(...members);
          continue;
        }
        if (state === 'failed') await (await queue.getJob(jobId))?.retry('failed');
        waiting.push(...members.map((r) => ({ id: r.id, jobId })));
      }
    }
    const sent = await this.send(missing);
    await this.store.run((repos) => repos.outbox.markPublished([...sent, ...waiting]));
    return missing.length;
  }

  private byQueue(rows: OutboxRow[]): Map<Queue, OutboxRow[]> {
    const known = rows.filter((row) => {
      if (this.queues.has(row.queue as JobName)) return true;
      this.logger.error(
        { queue: row.queue, outboxId: row.id },
        'outbox row names an unknown queue',
      );
      return false;
    });
    return groupBy(known, (row) => this.queues.get(row.queue as JobName)!);
  }

  start(): void {
    const tick = async () => {
      await this.sweep().catch((err: Error) =>
        this.logger.warn({ err: err.message }, 'outbox sweep failed'),
      );
      if (this.timer) this.timer = setTimeout(tick, this.settings.sweepIntervalMs);
    };
    this.timer = setTimeout(tick, this.settings.sweepIntervalMs);
  }

  /** One pass: returns how many rows it offered to BullMQ again. */
  sweep(): Promise<number> {
    if (!this.sweeping) {
      this.sweeping = this.sweepOnce().finally(() => (this.sweeping = null));
    }
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    if ((await this.redis.exists(this.markerKey)) === 0) return this.recoverFromRedisLoss();
    // jobs published long ago are looked for ten times per republish age, not at every sweep:
    // that part of the query walks the whole backlog
    const staleDue = Date.now() - this.staleCheckedAt >= this.settings.republishAfterMs / 10;
    if (staleDue) this.staleCheckedAt = Date.now();
    const rows = await this.store.run((repos) =>
      repos.outbox.findPending(
        UNPUBLISHED_GRACE_MS,
        staleDue ? this.settings.republishAfterMs : null,
        BATCH,
      ),
    );
    // a full page may have left stale rows out: look again at the next sweep
    if (staleDue && rows.length === BATCH) this.staleCheckedAt = 0;
    if (rows.length > 0) {
      this.logger.info(
        { jobs: rows.length },
        'republishing outbox rows that were not published or not finished',
      );
      await this.resend(rows);
    }
    return rows.length;
  }

  private async recoverFromRedisLoss(): Promise<number> {
    // the marker goes back first: a loss during the republishing below removes it again, and the
    // next sweep starts over; set last, it could outlive a flush that hit mid-way
    await this.redis.set(this.markerKey, String(Date.now()));
    // rows published before the loss but not marked yet must look published to the scan below
    await this.markUnmarked();
    const startedAt = Date.now();
    let total = 0;
    try {
      total += await this.resendPublished(null);
      // another desk's relay may mark rows it published before the loss after the scan passed
      // them; its marks are at most markDelayMs late, so only rows marked in those first moments
      // are looked at again, not all that the scan itself has just republished
      await new Promise((resolve) => setTimeout(resolve, 2 * this.markDelayMs));
      total += await this.resendPublished({
        from: new Date(startedAt - CLOCK_SKEW_MS),
        to: new Date(startedAt + 2 * this.markDelayMs + CLOCK_SKEW_MS),
      });
    } catch (err) {
      await this.redis.del(this.markerKey).catch(() => undefined);
      throw err;
    }
    // no marker means a first start or a Redis that lost its data: either way the outbox is the truth
    const log = total > 0 ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
    log(
      { jobs: total },
      `Redis holds no desk marker: republished ${total} unfinished jobs from the outbox`,
    );
    return total;
  }

  /**
   * Rows not published yet are the relay's (and after a second, the sweep's); of the published
   * ones (marked within `marked`, when given), those whose job is still in Redis (published since
   * the loss) stay.
   */
  private async resendPublished(marked: { from: Date; to: Date } | null): Promise<number> {
    let total = 0;
    let after = '0';
    for (;;) {
      const rows = await this.store.run((repos) =>
        repos.outbox.findPublishedUnprocessed(after, BATCH, marked),
      );
      if (rows.length === 0) return total;
      total += await this.resend(rows);
      after = rows[rows.length - 1]?.id ?? after;
    }
  }

  private get markDelayMs(): number {
    return this.settings.markDelayMs ?? MARK_DELAY_MS;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
    this.endLinger?.();
    await this.flushing;
    await this.markUnmarked();
  }
}

/** Items by key, in their order within each group. */
function groupBy<K, T>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
