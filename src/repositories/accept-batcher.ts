import { DatabaseUnavailableError } from '../errors';
import type { AcceptedMessage, AcceptedRow } from './inbound-email.repository';
import type { Store } from './store';

export interface BatchLimits {
  /** Most messages in one commit. */
  maxMessages: number;
  /** A batch stops growing past this many raw bytes; a bigger message goes alone. */
  maxBytes: number;
  /** Commits running at once; the rest of the messages wait and form the next batch. */
  maxInFlight: number;
}

/**
 * desk's listener: one commit at a time, so messages that arrive meanwhile make the next batch
 * larger (bench/README.md has the measurements behind each number).
 */
export const GROUP_COMMIT: BatchLimits = {
  maxMessages: 64,
  maxBytes: 4 * 1024 * 1024,
  maxInFlight: 1,
};

interface Waiting<M, R> {
  message: M;
  bytes: number;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: messages that arrive while earlier commits are running share the next one, so
 * 32 busy connections cost a few WAL flushes instead of 32. An idle listener commits each message
 * at once (no timer, no added latency). A batch that fails for a reason other than the database
 * being away is retried message by message, so one unstorable message cannot refuse the others.
 */
export class AcceptBatcher<M, R> {
  private readonly waiting: Waiting<M, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly commit: (messages: M[]) => Promise<R[]>,
    private readonly limits: BatchLimits,
  ) {}

  submit(message: M, bytes: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ message, bytes, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight && this.waiting.length > 0) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private take(): Waiting<M, R>[] {
    let bytes = 0;
    let count = 0;
    for (const w of this.waiting) {
      if (count >= this.limits.maxMessages) break;
      if (count > 0 && bytes + w.bytes > this.limits.maxBytes) break;
      bytes += w.bytes;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async run(batch: Waiting<M, R>[]): Promise<void> {
    try {
      const results = await this.commit(batch.map((w) => w.message));
      batch.forEach((w, i) => w.resolve(results[i] as R));
    } catch (err) {
      if (batch.length === 1 || err instanceof DatabaseUnavailableError) {
        for (const w of batch) w.reject(err);
        return;
      }
      for (const w of batch) {
        await this.commit([w.message]).then(
          ([result]) => w.resolve(result as R),
          (e: unknown) => w.reject(e),
        );
      }
    }
  }
}

const ONE_PER_COMMIT: BatchLimits = {
  maxMessages: 1,
  maxBytes: 0,
  maxInFlight: Number.MAX_SAFE_INTEGER,
};

/** Accepted messages written through the group commit: each resolves once its batch committed. */
export class AcceptWriter {
  private readonly batcher: AcceptBatcher<AcceptedMessage, AcceptedRow[]>;

  constructor(store: Store, limits: BatchLimits = ONE_PER_COMMIT) {
    this.batcher = new AcceptBatcher(
      (messages) => store.run((repos) => repos.inboundEmails.acceptMany(messages)),
      limits,
    );
  }

  accept(message: AcceptedMessage, bytes: number): Promise<AcceptedRow[]> {
    return this.batcher.submit(message, bytes);
  }
}
