import { IsNull, MoreThan, Not, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { Outbox } from '../../entities/outbox.entity';
import { MARK_PUBLISHED } from './sql/mark-published.sql';

/**
 * The queue and job that ingest accepted mail. Its outbox rows are written here (on accept and on
 * reprocess) for the domain, which must not know queue names; src/queue/jobs.ts names it from this.
 */
export const INGEST_EMAIL_JOB = 'ingest-email';
/** The job that links a work item's participants to contacts; written by ingest. */
export const LINK_CONTACTS_JOB = 'link-contacts';

export interface IngestedEmailSummary {
  projectId: number;
  status: 'ticket_created' | 'note_added';
  reason: string | null;
  /** ISO time the email was accepted, for the received → linked histogram. */
  receivedAt: string;
}

export interface OutboxRow {
  id: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
  /** The job it was last published in; null before that. */
  jobId: string | null;
}

const toRow = (o: Outbox): OutboxRow => ({
  id: String(o.id),
  queue: o.queue,
  jobName: o.jobName,
  payload: o.payload,
  jobId: o.jobId ?? null,
});

export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  async add(queue: string, jobName: string, payload: Record<string, unknown>): Promise<OutboxRow> {
    const { identifiers } = await this.em.insert(Outbox, {
      queue,
      jobName,
      payload: payload as QueryDeepPartialEntity<Outbox['payload']>,
    });
    return { id: String(identifiers[0]!.id), queue, jobName, payload, jobId: null };
  }

  /**
   * The link-contacts job of a work item an email brought participants to; `email` is what
   * ingest made of it, so the job can log the email's one outcome line.
   */
  addLinkContacts(
    workItemId: number,
    inboundEmailId: string | null,
    email?: IngestedEmailSummary,
  ): Promise<OutboxRow> {
    return this.add(LINK_CONTACTS_JOB, LINK_CONTACTS_JOB, { workItemId, inboundEmailId, email });
  }

  /** Asks for another run of ingest over a stored email. */
  enqueueIngest(inboundEmailId: string): Promise<OutboxRow> {
    return this.add(INGEST_EMAIL_JOB, INGEST_EMAIL_JOB, { inboundEmailId });
  }

  /**
   * Rows an ingest holds right now are skipped rather than waited for (the ingest may have taken
   * the job before this mark), and processed rows need no mark: the sweeper offers only
   * unprocessed rows again, and a held row its ingest leaves unprocessed after its grace.
   */
  async markPublished(rows: { id: string; jobId: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.em.query(MARK_PUBLISHED, [rows.map((r) => r.id), rows.map((r) => r.jobId)]);
  }

  async markProcessed(id: string): Promise<void> {
    await this.em.update(Outbox, { id, processedAt: IsNull() }, { processedAt: () => 'now()' });
  }

  /**
   * Work not done yet: rows never published older than `unpublishedAgeMs` (found through their
   * own small partial index, however long the backlog), and, when `publishedAgeMs` is given,
   * published rows older than that (this part walks every unprocessed row; bench/README.md).
   */
  async findPending(
    unpublishedAgeMs: number,
    publishedAgeMs: number | null,
    limit: number,
  ): Promise<OutboxRow[]> {
    const olderThan = (column: string, ageMs: number) =>
      this.em
        .createQueryBuilder(Outbox, 'o')
        .where('o.processedAt IS NULL')
        .andWhere(`o.${column} < now() - make_interval(secs => :ageMs / 1000.0)`, { ageMs })
        .orderBy('o.id')
        .limit(limit);
    const unpublished = await olderThan('createdAt', unpublishedAgeMs)
      .andWhere('o.publishedAt IS NULL')
      .getMany();
    const stale =
      publishedAgeMs === null ? [] : await olderThan('publishedAt', publishedAgeMs).getMany();
    return [...unpublished, ...stale]
      .map(toRow)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .slice(0, limit);
  }

  /** Rows the relay has not handed to the queue yet (outbox_unpublished_idx). */
  countUnpublished(): Promise<number> {
    return this.em.count(Outbox, { where: { publishedAt: IsNull(), processedAt: IsNull() } });
  }

  /** Published rows not processed yet, in id order after `afterId`. */
  async findPublishedUnprocessed(afterId: string, limit: number): Promise<OutboxRow[]> {
    const rows = await this.em.find(Outbox, {
      where: { processedAt: IsNull(), publishedAt: Not(IsNull()), id: MoreThan(afterId) },
      order: { id: 'ASC' },
      take: limit,
    });
    return rows.map(toRow);
  }
}
