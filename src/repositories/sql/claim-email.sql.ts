/**
 * Claims one email for ingest, taking each kind of lock in one fixed order: its project FOR SHARE
 * (a project transfer, a group transfer or a contact-source change, which lock the projects and
 * then their work items, waits for this ticket, and the ticket for one in progress, so none of
 * them misses it; tickets never wait for each other), its conversation's advisory locks in
 * sorted order, the email's row, then its outbox row. So two claimers, or a claimer and a move,
 * cannot deadlock. TypeORM has
 * no form for advisory locks, nor for taking them in the same statement as the row locks.
 * $1 project id, $2 conversation keys, $3 email id, $4 outbox id; one row (the email's status)
 * unless the email is gone.
 */
export const CLAIM_EMAIL = `WITH project AS (
    SELECT id FROM projects WHERE id = $1 FOR SHARE
  ), conversation AS (
    SELECT count(pg_advisory_xact_lock($1, h)) AS n
      FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY 1) AS s
     WHERE (SELECT count(*) FROM project) >= 0
  ), email AS (
    SELECT id, status FROM inbound_emails
     WHERE id = $3 AND (SELECT n FROM conversation) >= 0
       FOR UPDATE
  ), outbox_row AS (
    SELECT id FROM outbox WHERE id = $4 AND (SELECT count(*) FROM email) >= 0 FOR UPDATE
  )
  SELECT status FROM email WHERE (SELECT count(*) FROM outbox_row) >= 0`;
