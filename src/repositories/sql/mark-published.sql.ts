/**
 * The relay's mark: each row just published gets `published_at` and the id of its job, in one
 * statement, skipping rows an ingest holds (it may have taken the job before this mark) rather
 * than waiting for them, and rows already processed. TypeORM cannot say it: its UPDATE has no
 * FROM to give each row its own job id and its locks belong to SELECT, so its form is a
 * transaction with a locking SELECT and an UPDATE per row on the relay's hot path.
 * $1 outbox ids, $2 their job ids.
 */
export const MARK_PUBLISHED = `WITH p (id, job_id) AS (SELECT * FROM unnest($1::bigint[], $2::text[])),
       held AS (SELECT id FROM outbox WHERE id IN (SELECT id FROM p) AND processed_at IS NULL
                 ORDER BY id FOR UPDATE SKIP LOCKED)
  UPDATE outbox o SET published_at = now(), job_id = p.job_id
    FROM p JOIN held USING (id) WHERE o.id = p.id`;
