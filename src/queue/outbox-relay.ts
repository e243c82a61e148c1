import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { OutboxRow } from '../repositories/outbox.repository';
import type { Store } from '../repositories/store';
import type { QueueSet } from './connection';
import { jobIdOf, type JobName } from './jobs';

export interface RelaySettings {
  prefix: string;
  sweepIntervalMs: number;
  /** A published job still unprocessed after this long is offered to BullMQ again. */
  republishAfterMs: number;
}

const BATCH = 500;
/** A row the relay has not published a second after commit was missed (crash, Redis away). */
const UNPUBLISHED_GRACE_MS = 1000;

/**
 * Moves committed outbox rows into BullMQ. `publish` runs right after a commit; the sweeper
 * republishes what was missed, and everything unfinished when Redis lost its data (detected by a
 * marker key that only a data loss removes). Job ids are outbox ids, so a repeat add is a no-op.
 */
export class OutboxRelay {
  private pending: OutboxRow[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
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
    if (!this.flushing) this.flushing = this.flushSoon();
  }

  private async flushSoon(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, BATCH);
      await this.send(batch).catch((err: Error) => {
        this.logger.warn(
          { err: err.message, jobs: batch.length },
          'publish failed; the sweeper will retry',
        );
      });
    }
    this.flushing = null;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byQueue = new Map<string, OutboxRow[]>();
    for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    for (const [name, group] of byQueue) {
      const queue = this.queues.get(name as JobName);
      if (!queue) {
        this.logger.error({ queue: name }, 'outbox row names an unknown queue');
        continue;
      }
      await queue.addBulk(
        group.map((r) => ({
          name: r.jobName,
          data: { ...r.payload, outboxId: r.id },
          opts: { jobId: jobIdOf(r.id) },
        })),
      );
    }
    await this.store.run((repos) => repos.outbox.markPublished(rows.map((r) => r.id)));
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
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      if ((await this.redis.exists(this.markerKey)) === 0) return await this.recoverFromRedisLoss();
      const rows = await this.store.run((repos) =>
        repos.outbox.findPending(UNPUBLISHED_GRACE_MS, this.settings.republishAfterMs, BATCH),
      );
      if (rows.length > 0) {
        this.logger.info(
          { jobs: rows.length },
          'republishing outbox rows that were not published or not finished',
        );
        await this.send(rows);
      }
      return rows.length;
    } finally {
      this.sweeping = false;
    }
  }

  private async recoverFromRedisLoss(): Promise<number> {
    let total = 0;
    let after = '0';
    for (;;) {
      const rows = await this.store.run((repos) => repos.outbox.findUnprocessed(after, BATCH));
      if (rows.length === 0) break;
      await this.send(rows);
      total += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
    }
    await this.redis.set(this.markerKey, String(Date.now()));
    // no marker means a first start or a Redis that lost its data: either way the outbox is the truth
    const log = total > 0 ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
    log(
      { jobs: total },
      `Redis holds no desk marker: republished ${total} unfinished jobs from the outbox`,
    );
    return total;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
  }
}
