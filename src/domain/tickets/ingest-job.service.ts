import type { IngestWrite } from '../../repositories/inbound-ingest.repository';
import type { Repositories } from '../../repositories/store';
import {
  ContactSourceChangedError,
  DeskError,
  ThreadParentPendingError,
  WorkItemBusyError,
} from '../../errors';
import {
  claimOf,
  ingestClaimed,
  ingestPrepared,
  loadForIngest,
  lookupOf,
  prepareIngest,
  type Completion,
  type IngestDeps,
  type IngestOutcome,
  type ReadyEmail,
} from './ingest-email.service';

/** One email of a job: what it came to, or the error it met (the others went on). */
export type JobEmailResult<E> = { email: E; outcome: IngestOutcome } | { email: E; error: unknown };

export interface JobResult<E> {
  /** In the job's order. */
  results: JobEmailResult<E>[];
  /** How many emails the shared transaction left to one transaction each, and why. */
  alone: { count: number; reason: string | null };
}

/**
 * A job's emails, in its order (so two of one conversation keep it): all are parsed first, then
 * those still to be written share one transaction (`ingestTogether`), and any it left get one
 * each (`ingestPrepared`).
 */
export async function ingestJob<E extends { inboundEmailId: string; outboxId: string }>(
  deps: IngestDeps,
  emails: E[],
): Promise<JobResult<E>> {
  const loaded = await loadForIngest(
    deps.store,
    emails.map((e) => e.inboundEmailId),
  );
  const byId = new Map(loaded.map((e) => [e.id, e]));
  const results: JobEmailResult<E>[] = [];
  const pending: { i: number; ready: ReadyEmail }[] = [];
  for (const [i, email] of emails.entries()) {
    try {
      const stored = byId.get(email.inboundEmailId) ?? null;
      const prepared = await prepareIngest(deps, stored, email.outboxId);
      if (prepared.kind === 'done') results[i] = { email, outcome: prepared.outcome };
      else pending.push({ i, ready: prepared.ready });
    } catch (error) {
      results[i] = { email, error };
    }
  }
  let left = pending;
  let reason: string | null = null;
  if (pending.length > 1) {
    const together = await ingestTogether(
      deps,
      pending.map((p) => p.ready),
    );
    together.outcomes.forEach((outcome, k) => {
      const { i } = pending[k]!;
      if (outcome) results[i] = { email: emails[i]!, outcome };
    });
    left = pending.filter((_, k) => !together.outcomes[k]);
    reason = together.reason;
  }
  for (const { i, ready } of left) {
    const email = emails[i]!;
    try {
      results[i] = { email, outcome: await ingestPrepared(deps, ready) };
    } catch (error) {
      results[i] = { email, error };
    }
  }
  return { results, alone: { count: pending.length > 1 ? left.length : 0, reason } };
}

export interface TogetherResult {
  /** Per email, in order: its outcome, committed with the others', or null: left to `ingestPrepared`. */
  outcomes: (IngestOutcome | null)[];
  /** Why some were left. */
  reason: string | null;
}

/**
 * Several emails in one transaction, a few statements for all of them instead of five each: one
 * claim of every lock, one thread lookup, then each email decided in order, and the tickets and
 * notes written together. An email that shares a conversation with one before it (a reply, a
 * copy) or replies to a work item with a write pending is read again once those are written.
 * Where one would have to wait or retry, nothing of it is written: a parent not processed yet or
 * a work item held elsewhere is found while deciding, and it is left with the rest after it; a
 * contact source that changed is found by the write, which writes nothing for it (no iid drawn),
 * and only it is left. The others commit. Any other error rolls the whole back and leaves them
 * all; the iids of tickets written before it are skipped, as after any failed attempt.
 */
export async function ingestTogether(
  deps: IngestDeps,
  ready: ReadyEmail[],
): Promise<TogetherResult> {
  const outcomes: (IngestOutcome | null)[] = ready.map(() => null);
  let reason: string | null = null;
  try {
    await deps.store.transaction(async (repos) => {
      const statuses = await repos.ingest.claim(ready.map(claimOf));
      const statusOf = (r: ReadyEmail) => statuses.get(r.envelope.id) ?? null;
      const open = ready.filter((r) => statusOf(r) === 'received');
      const candidates = await repos.ingest.findCandidates(open.map((r) => lookupOf(deps, r)));
      const foundFor = new Map(open.map((r, i) => [r, candidates[i]!]));
      const writes = new PendingWrites(repos, outcomes, (err) => (reason = err.message));
      const conversations = new Set<string>();
      const seen = new Set<string>();
      for (const [i, r] of ready.entries()) {
        // twice in one job (a reprocess queued beside its first row): the repeat is left, and its
        // own claim will find it done
        if (seen.has(r.envelope.id)) continue;
        seen.add(r.envelope.id);
        const keys = r.lockKeys.map((k) => `${r.envelope.projectId} ${k}`);
        const shared = keys.some((k) => conversations.has(k));
        for (const k of keys) conversations.add(k);
        if (shared) await writes.flush();
        try {
          const step = await ingestClaimed(repos, deps, r, statusOf(r), {
            wait: false,
            candidates: shared ? undefined : foundFor.get(r),
            beforeReply: (workItemId) => writes.flushIfNoteOn(workItemId),
          });
          if (step.kind === 'done') outcomes[i] = step.outcome;
          else writes.add(i, step.write, step.complete);
        } catch (err) {
          if (!mustWait(err)) throw err;
          reason = err.message;
          break;
        }
      }
      await writes.flush();
    });
  } catch (err) {
    return {
      outcomes: ready.map(() => null),
      reason: err instanceof Error ? err.message : String(err),
    };
  }
  return { outcomes, reason };
}

/** The decided emails of a shared transaction, written in one statement when flushed. */
class PendingWrites {
  private pending: { i: number; write: IngestWrite; complete: Completion }[] = [];

  constructor(
    private readonly repos: Repositories,
    private readonly outcomes: (IngestOutcome | null)[],
    private readonly onLeft: (err: DeskError) => void,
  ) {}

  add(i: number, write: IngestWrite, complete: Completion): void {
    this.pending.push({ i, write, complete });
  }

  async flushIfNoteOn(workItemId: number): Promise<void> {
    const on = (w: IngestWrite) => w.target.kind === 'note' && w.target.workItemId === workItemId;
    if (this.pending.some((p) => on(p.write))) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const written = await this.repos.ingest.write(batch.map((b) => b.write));
    for (const [j, b] of batch.entries()) {
      try {
        this.outcomes[b.i] = await b.complete(this.repos, written[j]!);
      } catch (err) {
        if (!mustWait(err)) throw err;
        this.onLeft(err);
      }
    }
  }
}

/** The errors that leave nothing of an email written, and that a retry can cure. */
function mustWait(err: unknown): err is DeskError {
  return (
    err instanceof ThreadParentPendingError ||
    err instanceof WorkItemBusyError ||
    err instanceof ContactSourceChangedError
  );
}
