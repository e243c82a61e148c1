import type { Logger } from '../logger';
import { counterTotal, type DeskMetrics } from './desk-metrics';

export const SUMMARY_INTERVAL_MS = 60_000;

interface Totals {
  accepted: number;
  processed: number;
  failed: number;
}

async function totals(metrics: DeskMetrics): Promise<Totals> {
  const outcomes = metrics.inboundOutcomes;
  return {
    accepted: await counterTotal(metrics.acceptedEmails),
    processed: await counterTotal(outcomes, (l) => l.status !== 'failed'),
    failed: await counterTotal(outcomes, (l) => l.status === 'failed'),
  };
}

/**
 * One info line per interval saying what this process did in it (from its counters) and how many
 * jobs wait in all; nothing when the process was idle and nothing waits. Returns the stop.
 */
export function startMinuteSummary(
  metrics: DeskMetrics,
  backlog: () => Promise<number>,
  logger: Logger,
  intervalMs = SUMMARY_INTERVAL_MS,
): () => void {
  let last: Totals | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = async () => {
    const now = await totals(metrics);
    const before = last ?? now;
    last = now;
    const delta = {
      accepted: now.accepted - before.accepted,
      processed: now.processed - before.processed,
      failed: now.failed - before.failed,
    };
    const waiting = await backlog().catch(() => null);
    if (delta.accepted + delta.processed + delta.failed === 0 && !waiting) return;
    logger.info(
      { ...delta, backlog: waiting, intervalMs },
      `last ${intervalMs === SUMMARY_INTERVAL_MS ? 'minute' : `${intervalMs} ms`}: ` +
        `${delta.accepted} accepted, ${delta.processed} processed, ${delta.failed} failed, ` +
        `backlog ${waiting ?? 'unknown'}`,
    );
  };
  // a chain of timeouts, so a slow Redis never stacks ticks
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().finally(schedule), intervalMs);
    timer.unref();
  };
  void totals(metrics).then((t) => {
    last = t;
    schedule();
  });
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
