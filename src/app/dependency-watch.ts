import { DatabaseUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { isRedisConnectionError, isRedisDataLoss } from '../queue/connection';
import { within } from './within';

export type Dependency = 'PostgreSQL' | 'Redis';

/** What an edge calls with an error it met; true when it was an outage, now counted here. */
export interface OutageReporter {
  report(err: unknown, effect: string): boolean;
}

/** For code run without a watch (tests of one part): every error is logged where it happens. */
export const NO_WATCH: OutageReporter = { report: () => false };

const WHILE_AWAY: Record<Dependency, string> = {
  PostgreSQL: 'SMTP answers 451 (senders retry later) and jobs wait',
  Redis: 'mail is still accepted and kept in the outbox; jobs wait',
};

interface Outage {
  since: number;
  confirmed: boolean;
  firstError: string;
  effects: Map<string, number>;
  timer: NodeJS.Timeout | null;
}

const RETRYABLE_NOT_OUTAGE = new Set(['40001', '40P01']);

/** Which dependency an error says is away, if any (a deadlock or a bad query is not an outage). */
export function outageOf(err: unknown): Dependency | null {
  if (err instanceof DatabaseUnavailableError) {
    const code = (err.cause as { code?: string } | null)?.code;
    return code && RETRYABLE_NOT_OUTAGE.has(code) ? null : 'PostgreSQL';
  }
  return isRedisConnectionError(err) || isRedisDataLoss(err) ? 'Redis' : null;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One warning when PostgreSQL or Redis goes away and one when it is back, instead of one per
 * refused command. An edge's first error makes the watch probe; only a failed probe declares
 * the outage, so a single dropped connection says nothing. While away it probes every
 * `probeEveryMs` and counts what the edges report, for the line that says it is back.
 */
export class DependencyWatch implements OutageReporter {
  private readonly outages = new Map<Dependency, Outage>();
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly probes: Record<Dependency, () => Promise<void>>,
    private readonly probeEveryMs = 1000,
  ) {}

  report(err: unknown, effect: string): boolean {
    const dependency = outageOf(err);
    if (!dependency) return false;
    this.failed(dependency, err, effect);
    return true;
  }

  failed(dependency: Dependency, err: unknown, effect: string): void {
    let outage = this.outages.get(dependency);
    if (!outage) {
      outage = {
        since: Date.now(),
        confirmed: false,
        firstError: message(err),
        effects: new Map(),
        timer: null,
      };
      this.outages.set(dependency, outage);
      void this.probe(dependency);
    }
    outage.effects.set(effect, (outage.effects.get(effect) ?? 0) + 1);
  }

  isDown(dependency: Dependency): boolean {
    return this.outages.get(dependency)?.confirmed ?? false;
  }

  stop(): void {
    this.stopped = true;
    for (const outage of this.outages.values()) if (outage.timer) clearTimeout(outage.timer);
    this.outages.clear();
  }

  private async probe(dependency: Dependency): Promise<void> {
    const outage = this.outages.get(dependency);
    if (!outage || this.stopped) return;
    outage.timer = null;
    try {
      await within(Math.max(this.probeEveryMs, 2000), this.probes[dependency]());
      this.outages.delete(dependency);
      if (outage.confirmed) this.back(dependency, outage);
      else this.blip(dependency, outage);
    } catch (err) {
      if (!outage.confirmed) {
        outage.confirmed = true;
        this.logger.warn(
          { dependency, err: outage.firstError, probe: message(err) },
          `${dependency} is unreachable (${outage.firstError}): ${WHILE_AWAY[dependency]}; desk retries by itself`,
        );
      }
      if (!this.stopped)
        outage.timer = setTimeout(() => void this.probe(dependency), this.probeEveryMs);
    }
  }

  private back(dependency: Dependency, outage: Outage): void {
    const seconds = ((Date.now() - outage.since) / 1000).toFixed(1);
    const meanwhile = describe(outage.effects);
    this.logger.warn(
      { dependency, downSeconds: Number(seconds), meanwhile: Object.fromEntries(outage.effects) },
      `${dependency} is back after ${seconds} s${meanwhile ? `; meanwhile ${meanwhile}` : ''}`,
    );
  }

  /** Failures the probe found no outage behind (a dropped connection): said once, not lost. */
  private blip(dependency: Dependency, outage: Outage): void {
    this.logger.warn(
      { dependency, err: outage.firstError, meanwhile: Object.fromEntries(outage.effects) },
      `${dependency} failed (${outage.firstError}) but answers: ${describe(outage.effects)}`,
    );
  }
}

const describe = (effects: Map<string, number>) =>
  [...effects]
    .sort(([, a], [, b]) => b - a)
    .map(([what, n]) => `${n} ${what}`)
    .join(', ');
