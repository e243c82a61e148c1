import type { Queue } from 'bullmq';
import { NO_WATCH, type OutageReporter } from '../app/dependency-watch';
import type { Logger } from '../logger';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';
import type { QueueSet } from './connection';
import { jobIdOf, planJobs, type JobName } from './jobs';
import type { RedisClient } from './redis-target';

/** Operators never set these; tests shorten them in code. */
export const RELAY_TIMINGS = {
  /** How often the sweeper looks for rows nobody published (DESIGN §1: every second). */
  sweepIntervalMs: 1000,
  /** A published job still unfinished after this long is looked at again. */
  republishAfterMs: 5 * 60_000,
};

export interface RelaySettings extends Partial<typeof RELAY_TIMINGS> {
  prefix: string;
  /** Counts failures an outage explains, instead of a warning each. */
  outages?: OutageReporter;
}

/** Rows read per query. */
const PAGE = 500;
/** A row the relay has not published a second after commit was missed (crash, Redis away). */
const UNPUBLISHED_GRACE_MS = 1000;
/**
 * Published rows are marked together, at most this much later and well within the grace above:
 * one UPDATE (one commit) for many publishes instead of one each (bench/README.md, issue 16).
 */
const MARK_EVERY_MS = 200;

interface Mark {
  id: string;
  jobId: string;
}

/**
 * Moves committed outbox rows into BullMQ, one job per row named after it (`outbox-<id>`), so a
 * repeat add is a no-op. `publish` runs right after a commit and marks the rows published; the
 * sweeper publishes what was missed, looks again at rows published long ago, and republishes
 * everything unfinished once Redis has lost its data (a marker key that only a data loss removes).
 */
export class OutboxRelay {
  private readonly publishing = new Set<Promise<void>>();
  private marks: Mark[] = [];
  private markTimer: NodeJS.Timeout | null = null;
  private marking: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  private staleCheckedAt = 0;
  private readonly markerKey: string;
  private readonly timings: typeof RELAY_TIMINGS;
  private readonly outages: OutageReporter;

  constructor(
    private readonly store: Store,
    private readonly queues: QueueSet,
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    settings: RelaySettings,
  ) {
    this.markerKey = `${settings.prefix}:desk:redis-epoch`;
    this.timings = {
      sweepIntervalMs: settings.sweepIntervalMs ?? RELAY_TIMINGS.sweepIntervalMs,
      republishAfterMs: settings.republishAfterMs ?? RELAY_TIMINGS.republishAfterMs,
    };
    this.outages = settings.outages ?? NO_WATCH;
  }

  /** Adds the rows' jobs, then marks the rows published soon; a failure is left to the sweeper. */
  publish(rows: OutboxRow[]): void {
    if (rows.length === 0) return;
    const done: Promise<void> = this.addJobs(rows)
      .then((marks) => this.markSoon(marks))
      .catch((err: Error) => {
        if (this.outages.report(err, 'publishes left to the sweeper')) return;
        this.logger.warn(
          { err: err.message, jobs: rows.length },
          'publish failed; the sweeper will retry',
        );
      })
      .finally(() => this.publishing.delete(done));
    this.publishing.add(done);
  }

  private markSoon(marks: Mark[]): void {
    this.marks.push(...marks);
    this.markTimer ??= setTimeout(() => void this.flushMarks(), MARK_EVERY_MS);
  }

  /** Writes the marks waiting, after those being written; an unmarked row is the sweeper's. */
  private flushMarks(): Promise<void> {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = null;
    const marks = this.marks;
    this.marks = [];
    if (marks.length > 0) {
      this.marking = this.marking.then(() =>
        this.store
          .run((repos) => repos.outbox.markPublished(marks))
          .catch((err: Error) => {
            if (this.outages.report(err, 'publish marks left to the sweeper')) return;
            this.logger.warn(
              { err: err.message, rows: marks.length },
              'marking published rows failed; the sweeper will publish them again',
            );
          }),
      );
    }
    return this.marking;
  }

  /** One job per row; the marks of the rows whose job was added. */
  private async addJobs(rows: OutboxRow[]): Promise<Mark[]> {
    const marks: Mark[] = [];
    for (const [queue, group] of this.byQueue(rows)) {
      const jobs = planJobs(group);
      await queue.addBulk(
        jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } })),
      );
      marks.push(...jobs.map((j) => ({ id: j.outboxId, jobId: j.jobId })));
    }
    return marks;
  }

  /**
   * Rows that are still unfinished: a job still queued or running is left alone, one that used up
   * its retries (a long database outage) is retried, and a row whose job is gone, or finished
   * without it, gets its job again. Returns how many jobs it added.
   */
  private async resend(rows: OutboxRow[]): Promise<number> {
    const missing: OutboxRow[] = [];
    const queued: Mark[] = [];
    for (const [queue, group] of this.byQueue(rows)) {
      for (const row of group) {
        // a job of several rows (desks before issue 16) is not the row's: it gets its own
        const jobId = jobIdOf(row.id);
        const state = await queue.getJobState(jobId);
        if (state === 'unknown' || state === 'completed') {
          // a finished job keeps its id for a while, and an add under a taken id is dropped
          if (state === 'completed') await queue.remove(jobId);
          missing.push(row);
          continue;
        }
        if (state === 'failed') await (await queue.getJob(jobId))?.retry('failed');
        queued.push({ id: row.id, jobId });
      }
    }
    const added = await this.addJobs(missing);
    await this.store.run((repos) => repos.outbox.markPublished([...added, ...queued]));
    return added.length;
  }

  private byQueue(rows: OutboxRow[]): Map<Queue, OutboxRow[]> {
    const groups = new Map<Queue, OutboxRow[]>();
    for (const row of rows) {
      const queue = this.queues.get(row.queue as JobName);
      if (!queue) {
        this.logger.error(
          { queue: row.queue, outboxId: row.id },
          'outbox row names an unknown queue',
        );
        continue;
      }
      const group = groups.get(queue);
      if (group) group.push(row);
      else groups.set(queue, [row]);
    }
    return groups;
  }

  start(): void {
    const tick = async () => {
      await this.sweep().catch((err: Error) => {
        if (!this.outages.report(err, 'outbox sweeps failed'))
          this.logger.warn({ err: err.message }, 'outbox sweep failed');
      });
      if (this.timer) this.timer = setTimeout(tick, this.timings.sweepIntervalMs);
    };
    this.timer = setTimeout(tick, this.timings.sweepIntervalMs);
  }

  /** One pass: returns how many rows it looked at again (after a Redis loss: jobs it added). */
  sweep(): Promise<number> {
    if (!this.sweeping) {
      this.sweeping = this.sweepOnce().finally(() => (this.sweeping = null));
    }
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    if ((await this.redis.exists(this.markerKey)) === 0) return this.recoverFromRedisLoss();
    // rows published long ago are looked for ten times per republish age, not at every sweep:
    // that part of the query walks the whole backlog
    const { republishAfterMs } = this.timings;
    const staleDue = Date.now() - this.staleCheckedAt >= republishAfterMs / 10;
    if (staleDue) this.staleCheckedAt = Date.now();
    const rows = await this.store.run((repos) =>
      repos.outbox.findPending(UNPUBLISHED_GRACE_MS, staleDue ? republishAfterMs : null, PAGE),
    );
    // a full page may have left stale rows out: look again at the next sweep
    if (staleDue && rows.length === PAGE) this.staleCheckedAt = 0;
    if (rows.length > 0) {
      this.logger.info(
        { jobs: rows.length },
        'republishing outbox rows that were not published or not finished',
      );
      await this.resend(rows);
    }
    return rows.length;
  }

  /**
   * No marker means a first start or a Redis that lost its data: either way the outbox is the
   * truth. Every published, unfinished row whose job is not in Redis gets it again; rows not
   * published yet are the relay's, and after a second the sweeper's.
   */
  private async recoverFromRedisLoss(): Promise<number> {
    // the marker goes back first: a loss during the republishing below removes it again, and the
    // next sweep starts over; set last, it could outlive a loss that hit mid-way
    await this.redis.set(this.markerKey, String(Date.now()));
    // this relay's publishes in flight have marked their rows before the scan looks at them
    await this.settled();
    let total = 0;
    try {
      for (let after = '0'; ;) {
        const rows = await this.store.run((repos) =>
          repos.outbox.findPublishedUnprocessed(after, PAGE),
        );
        const last = rows[rows.length - 1];
        if (!last) break;
        total += await this.resend(rows);
        after = last.id;
      }
    } catch (err) {
      await this.redis.del(this.markerKey).catch(() => undefined);
      throw err;
    }
    const log = total > 0 ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
    log(
      { jobs: total },
      `Redis holds no desk marker: republished ${total} unfinished jobs from the outbox`,
    );
    return total;
  }

  /** This relay's publishes in flight have added their jobs and marked their rows. */
  private async settled(): Promise<void> {
    await Promise.all([...this.publishing]);
    await this.flushMarks();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
    await this.settled();
  }
}
