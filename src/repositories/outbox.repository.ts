import type { EntityManager } from 'typeorm';

/**
 * The queue and job that ingest accepted mail. Its outbox rows are written here (on accept and on
 * reprocess) for the domain, which must not know queue names; src/queue/jobs.ts names it from this.
 */
export const INGEST_EMAIL_JOB = 'ingest-email';
/** The job that links a work item's participants to contacts; written by ingest. */
export const LINK_CONTACTS_JOB = 'link-contacts';

export interface OutboxRow {
  id: string;
  queue: string;
  jobName: string;
  payload: Record<string, unknown>;
  /** The job it was last published in (an earlier desk put several rows in one); null before that. */
  jobId: string | null;
}

interface RawRow {
  id: string;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
  job_id: string | null;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: String(r.id),
  queue: r.queue,
  jobName: r.job_name,
  payload: r.payload,
  jobId: r.job_id ?? null,
});

const COLUMNS = 'id, queue, job_name, payload, job_id';

/** Rows never published, older than $1 ms, at most $2 of them. */
export const UNPUBLISHED_ROWS = `SELECT ${COLUMNS} FROM outbox
  WHERE published_at IS NULL AND processed_at IS NULL
    AND created_at < now() - make_interval(secs => $1 / 1000.0)
  ORDER BY id LIMIT $2`;

export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  async add(queue: string, jobName: string, payload: Record<string, unknown>): Promise<OutboxRow> {
    const rows: RawRow[] = await this.em.query(
      `INSERT INTO outbox (queue, job_name, payload) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [queue, jobName, payload],
    );
    return toRow(rows[0] as RawRow);
  }

  /** The link-contacts job of a work item an email brought participants to. */
  addLinkContacts(workItemId: number, inboundEmailId: string | null): Promise<OutboxRow> {
    return this.add(LINK_CONTACTS_JOB, LINK_CONTACTS_JOB, { workItemId, inboundEmailId });
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
    await this.em.query(
      `WITH p (id, job_id) AS (SELECT * FROM unnest($1::bigint[], $2::text[])),
            held AS (SELECT id FROM outbox WHERE id IN (SELECT id FROM p) AND processed_at IS NULL
                      ORDER BY id FOR UPDATE SKIP LOCKED)
       UPDATE outbox o SET published_at = now(), job_id = p.job_id
         FROM p JOIN held USING (id) WHERE o.id = p.id`,
      [rows.map((r) => r.id), rows.map((r) => r.jobId)],
    );
  }

  async markProcessed(id: string): Promise<void> {
    await this.em.query(
      'UPDATE outbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL',
      [id],
    );
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
    const unpublished: RawRow[] = await this.em.query(UNPUBLISHED_ROWS, [unpublishedAgeMs, limit]);
    const stale: RawRow[] =
      publishedAgeMs === null
        ? []
        : await this.em.query(
            `SELECT ${COLUMNS} FROM outbox
              WHERE processed_at IS NULL AND published_at < now() - make_interval(secs => $1 / 1000.0)
              ORDER BY id LIMIT $2`,
            [publishedAgeMs, limit],
          );
    return [...unpublished, ...stale]
      .map(toRow)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .slice(0, limit);
  }

  /** Published rows not processed yet, in id order after `afterId`. */
  async findPublishedUnprocessed(afterId: string, limit: number): Promise<OutboxRow[]> {
    const rows: RawRow[] = await this.em.query(
      `SELECT ${COLUMNS} FROM outbox
        WHERE processed_at IS NULL AND published_at IS NOT NULL AND id > $1
        ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(toRow);
  }
}
