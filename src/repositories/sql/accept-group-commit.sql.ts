import type { PreparedStatement } from './pg-client';

/**
 * The accept group commit: every message of a batch, once per target project, with its ingest
 * outbox row, in one statement (one implicit transaction, one WAL flush). TypeORM cannot write it:
 * its INSERT has no form for rows drawn from a CTE, for two tables in one statement, nor for a
 * named prepared statement, which is what keeps planning off the accept path.
 *
 * Group commits up to this size get a named statement each: parsed and planned once per
 * connection instead of once per commit (its cost: bench/README.md), while the plans a pooled
 * connection keeps stay few. Larger, rarer batches are planned per call.
 */
const NAMED_UP_TO = 32;
const FIELDS = 9;

const texts = new Map<number, PreparedStatement>();

/** The INSERT of `count` accepted messages ($1 queue, $2 job name, then 9 values per message). */
export function acceptStatement(count: number): PreparedStatement {
  const known = texts.get(count);
  if (known) return known;
  const values = Array.from({ length: count }, (_, n) => {
    const p = (i: number) => `$${3 + n * FIELDS + i}`;
    return `(${n}, ${p(0)}::text, ${p(1)}::text, ${p(2)}::text, ${p(3)}::text[], ${p(4)}::int,
        ${p(5)}::text, ${p(6)}::bytea, ${p(7)}::text, ${p(8)}::int[])`;
  });
  // ids are drawn in a materialized CTE so each outbox row can be matched to its message; the
  // sequence is looked up once per statement (an InitPlan), not by its name for every row
  const text = `WITH m (n, remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_ids)
           AS (VALUES ${values.join(', ')}),
         x AS MATERIALIZED (
           SELECT nextval((SELECT pg_get_serial_sequence('inbound_emails', 'id')::regclass)) AS id,
                  p.project_id, m.*
             FROM m CROSS JOIN LATERAL unnest(m.project_ids) AS p(project_id)
         ), e AS (
           INSERT INTO inbound_emails
             (id, remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id)
           SELECT id, remote_address, helo, mail_from, rcpt_to, size, sha256, raw, message_id, project_id
             FROM x
         ), o AS (
           INSERT INTO outbox (queue, job_name, payload)
           SELECT $1, $2, jsonb_build_object('inboundEmailId', x.id::text) FROM x ORDER BY x.id
           RETURNING id, payload
         )
         SELECT x.n, x.id::text AS inbound_id, o.id AS outbox_id, o.payload
           FROM o JOIN x ON x.id = (o.payload->>'inboundEmailId')::bigint
          ORDER BY x.n, x.id`;
  const statement = count <= NAMED_UP_TO ? { name: `accept_many_${count}`, text } : { text };
  if (count <= NAMED_UP_TO) texts.set(count, statement);
  return statement;
}
