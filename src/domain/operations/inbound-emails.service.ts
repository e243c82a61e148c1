import type { InboundEmail } from '../../../entities/inbound-email.entity';
import type { InboundFilter, InboundSummary } from '../../repositories/inbound-email.repository';
import type { OutboxRow } from '../../repositories/outbox.repository';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { participantView, type ParticipantView } from '../work-items/participants.service';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';

const MAX_BULK = 1000;

function requireOperator(actor: Actor): void {
  if (!actor.isAdmin) throw new ForbiddenError('only instance admins see inbound mail');
}

export async function listInboundEmails(
  store: Store,
  actor: Actor,
  query: { filter: InboundFilter; cursor: string | null; limit: number },
): Promise<{ items: InboundSummary[]; nextCursor: string | null }> {
  requireOperator(actor);
  const items = await store.run((repos) =>
    repos.inboundEmails.list(query.filter, query.cursor, query.limit),
  );
  return {
    items,
    nextCursor: items.length === query.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

export async function getInboundEmail(
  store: Store,
  actor: Actor,
  id: string,
): Promise<InboundEmail> {
  requireOperator(actor);
  const email = await store.run((repos) => repos.inboundEmails.findById(id));
  if (!email) throw new NotFoundError('inbound email not found');
  return email;
}

/** The addresses an inbound email brought to its work item, each with its link outcome. */
export async function inboundEmailParticipants(
  store: Store,
  actor: Actor,
  id: string,
): Promise<ParticipantView[]> {
  requireOperator(actor);
  const details = await store.run((repos) => repos.participants.details({ inboundEmailId: id }));
  return details.map((d) => participantView(d, true));
}

/**
 * Sends a failed or ignored email through the pipeline again, from its stored bytes. The returned
 * outbox row is committed; the caller publishes it (the sweeper would otherwise, a second later).
 */
export async function reprocessInboundEmail(
  store: Store,
  actor: Actor,
  id: string,
): Promise<OutboxRow> {
  requireOperator(actor);
  return store.transaction(async (repos) => {
    const status = await repos.inboundEmails.lockStatus(id);
    if (status === null) throw new NotFoundError('inbound email not found');
    if (!(await repos.inboundEmails.resetForReprocess(id))) {
      throw new ConflictError(
        `inbound email ${id} is ${status}; only failed or ignored mail is reprocessed`,
      );
    }
    return repos.outbox.enqueueIngest(id);
  });
}

/** Every email with this status (up to 1,000 a call) goes through the pipeline again. */
export async function reprocessAll(
  store: Store,
  actor: Actor,
  status: 'failed' | 'ignored',
): Promise<OutboxRow[]> {
  requireOperator(actor);
  const ids = await store.run((repos) => repos.inboundEmails.idsWithStatus(status, MAX_BULK));
  const rows: OutboxRow[] = [];
  for (const id of ids) {
    // one at a time: a row that changed meanwhile is skipped, not an error for the whole batch
    const row = await reprocessInboundEmail(store, actor, id).catch((err: unknown) => {
      if (err instanceof ConflictError || err instanceof NotFoundError) return null;
      throw err;
    });
    if (row) rows.push(row);
  }
  return rows;
}
