import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger';

/** What the scrape-time gauges read; the context builds it from the queues and the store. */
export interface GaugeSources {
  jobCounts(): Promise<
    { queue: string; waiting: number; active: number; delayed: number; failed: number }[]
  >;
  oldestWaitingAges(): Promise<{ queue: string; seconds: number }[]>;
  unpublishedOutboxRows(): Promise<number>;
  stuckReceivedEmails(): Promise<number>;
}

/** An email still `received` this long after it arrived counts as stuck. */
export const STUCK_RECEIVED_AFTER_MS = 5 * 60_000;

const FAST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const END_TO_END_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Every metric of one desk process, in a registry of its own (tests run several desks in one
 * process, so the global default registry would mix them). The edges count; the domain does not.
 */
export class DeskMetrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly smtpSessions = new Counter({
    name: 'desk_smtp_sessions_total',
    help: 'SMTP connections the listener took',
    registers: this.registers,
  });
  readonly smtpReplies = new Counter({
    name: 'desk_smtp_replies_total',
    help: 'Replies the SMTP listener decided, by command stage and reply code',
    labelNames: ['stage', 'code'] as const,
    registers: this.registers,
  });
  readonly acceptedBytes = new Counter({
    name: 'desk_smtp_accepted_bytes_total',
    help: 'Message bytes acknowledged with 250',
    registers: this.registers,
  });
  readonly acceptedEmails = new Counter({
    name: 'desk_inbound_emails_accepted_total',
    help: 'Inbound emails stored (one per recipient project of an accepted message)',
    registers: this.registers,
  });
  readonly acceptDuration = new Histogram({
    name: 'desk_smtp_accept_duration_seconds',
    help: 'From the end of DATA to the 250 reply (the bytes committed)',
    buckets: FAST_BUCKETS,
    registers: this.registers,
  });
  readonly inboundOutcomes = new Counter({
    name: 'desk_inbound_email_outcomes_total',
    help: 'Inbound emails given a final status, by status and reason class',
    labelNames: ['status', 'reason'] as const,
    registers: this.registers,
  });
  readonly linkOutcomes = new Counter({
    name: 'desk_link_outcomes_total',
    help: 'Participant addresses link-contacts decided, by outcome',
    labelNames: ['outcome'] as const,
    registers: this.registers,
  });
  readonly jobsCompleted = new Counter({
    name: 'desk_jobs_completed_total',
    help: 'Jobs completed, by queue',
    labelNames: ['queue'] as const,
    registers: this.registers,
  });
  readonly jobsFailed = new Counter({
    name: 'desk_jobs_failed_total',
    help: 'Job attempts that failed, by queue; final="true" when the queue will not retry it',
    labelNames: ['queue', 'final'] as const,
    registers: this.registers,
  });
  readonly jobDuration = new Histogram({
    name: 'desk_job_duration_seconds',
    help: 'Run time of completed jobs (ingest-email: ingest; link-contacts: linking), by queue',
    labelNames: ['queue'] as const,
    buckets: FAST_BUCKETS,
    registers: this.registers,
  });
  readonly receivedToLinked = new Histogram({
    name: 'desk_received_to_linked_seconds',
    help: 'From an email arriving to its link-contacts job finishing',
    buckets: END_TO_END_BUCKETS,
    registers: this.registers,
  });

  constructor(options: { sources?: GaugeSources; logger?: Logger } = {}) {
    collectDefaultMetrics({ register: this.registry });
    if (options.sources) this.addGauges(options.sources, options.logger);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.registry.clear();
  }

  /** Read at scrape time; a source that fails leaves its gauge empty, not the whole scrape. */
  private addGauges(sources: GaugeSources, logger?: Logger) {
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (g: Gauge<L>) => Promise<void>,
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: this.registers,
        async collect() {
          this.reset();
          await fill(this).catch((err: Error) => {
            this.reset();
            logger?.warn({ err: err.message, metric: name }, 'metric not collected');
          });
        },
      });
    gauge('desk_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], async (g) => {
      for (const counts of await sources.jobCounts())
        for (const state of JOB_STATES) g.set({ queue: counts.queue, state }, counts[state]);
    });
    gauge(
      'desk_queue_oldest_waiting_job_age_seconds',
      'Age of the oldest waiting job per queue (0 when none waits)',
      ['queue'],
      async (g) => {
        for (const { queue, seconds } of await sources.oldestWaitingAges())
          g.set({ queue }, seconds);
      },
    );
    gauge(
      'desk_outbox_unpublished_rows',
      'Outbox rows not yet handed to the queue',
      [],
      async (g) => g.set(await sources.unpublishedOutboxRows()),
    );
    gauge(
      'desk_inbound_emails_stuck_received',
      `Emails still received ${STUCK_RECEIVED_AFTER_MS / 60_000} minutes after they arrived`,
      [],
      async (g) => g.set(await sources.stuckReceivedEmails()),
    );
  }
}

/** The sum of a counter's series whose labels pass `match`. */
export async function counterTotal<L extends string>(
  counter: Counter<L>,
  match: (labels: Partial<Record<L, string | number>>) => boolean = () => true,
): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => match(v.labels)).reduce((sum, v) => sum + v.value, 0);
}
