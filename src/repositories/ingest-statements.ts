/** The SQL of the ingest hot path, apart from InboundIngestRepository that runs it. */
import type { CrmState } from '../../entities/organization.entity';
import { chainQuery, type ChainRow } from './group.repository';
import type { LinkOutcome, ParticipantRole } from '../../entities/email-participant.entity';

const PROJECT_GROUP = 'projects p JOIN groups g ON g.id = p.group_id';

/** The project's CRM chain (chainQuery's rows, root first) as one JSON array. */
const chainJson = (project: string): string =>
  `(SELECT json_agg(c ORDER BY c.depth) FROM (${chainQuery(PROJECT_GROUP, `p.id = ${project}`)}) AS c)`;

/** A participant of a work item, as ingest reads it. */
export interface ExistingParticipant {
  id: number;
  email: string;
  role: ParticipantRole;
  linkOutcome: LinkOutcome | null;
}

export interface WriteRow {
  ok: boolean;
  work_item_id: number | null;
  note_id: number | null;
  iid: number | null;
}

export interface LinkContextRow {
  chain: ChainRow[] | null;
  contacts: { id: number; groupId: number; email: string; state: CrmState }[] | null;
  participants: ExistingParticipant[] | null;
}

/**
 * One row of LinkContextRow for the project (or, the project NULL, the work item's project), the
 * emails and the work item's participants; the arguments are SQL expressions.
 */
export const linkContextSql = (
  project: string,
  workItem: string,
  emails: string,
): string => `WITH chain AS (
         ${chainQuery(PROJECT_GROUP, `p.id = coalesce(${project}, (SELECT project_id FROM work_items WHERE id = ${workItem}))`)}
       )
       SELECT
         (SELECT json_agg(c ORDER BY c.depth) FROM chain AS c) AS chain,
         -- one probe of the unique (group, address) index each: the plan cannot depend on how
         -- many contacts a group holds, which a plan prepared on a small table would get wrong
         (SELECT json_agg(json_build_object('id', c.id, 'groupId', c.group_id,
                                            'email', lower(c.email), 'state', c.state))
            FROM (SELECT group_id FROM chain WHERE depth = 1
                  UNION SELECT source_group_id FROM chain) AS g (id)
           CROSS JOIN (SELECT DISTINCT unnest(array_cat(${emails}::text[], ARRAY(
                         SELECT email::text FROM email_participants
                          WHERE work_item_id = ${workItem} AND link_outcome IS NULL)))) AS a (email)
           CROSS JOIN LATERAL (SELECT id, group_id, email, state FROM contacts
                                WHERE group_id = g.id AND lower(email) = a.email LIMIT 1) AS c)
           AS contacts,
         (SELECT json_agg(json_build_object('id', id, 'email', email, 'role', role,
                                            'linkOutcome', link_outcome) ORDER BY id)
            FROM email_participants WHERE work_item_id = ${workItem}) AS participants`;

/**
 * See InboundIngestRepository.write: one row per email in `m` ($1), their participants ($2), the
 * open participants decided ($3) and the contacts to link ($4), each keyed by the email's `n`.
 */
export const WRITE = {
  name: 'ingest_write',
  text: `WITH m AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS m (
           n int, inbound_email_id bigint, outbox_id bigint, project_id int, chain_version text,
           title text, description text, author_email text, reply_key text,
           note_work_item_id int, body text, status text, reason text, dedupe_key text,
           thread_root text)
       ), ok AS MATERIALIZED (
         SELECT n FROM m
          WHERE m.chain_version IS NULL
             OR ${chainJson('m.project_id')}::jsonb = m.chain_version::jsonb
       ), tickets AS MATERIALIZED (
         -- iids are drawn in the emails' order: the subquery hands its rows over sorted
         SELECT n, project_id, next_work_item_iid(project_id) AS iid
           FROM (SELECT m.n, p.id AS project_id FROM m JOIN ok USING (n)
                   JOIN projects p ON p.id = m.project_id
                  WHERE m.note_work_item_id IS NULL ORDER BY m.n OFFSET 0) AS s
       ), w AS (
         INSERT INTO work_items
           (project_id, iid, title, description, author_email, service_desk, reply_key, state)
         SELECT k.project_id, k.iid, m.title, m.description, m.author_email, true, m.reply_key,
                'open'
           FROM tickets k JOIN m USING (n) ORDER BY k.n
         RETURNING id, iid, reply_key
       ), nt AS (
         INSERT INTO notes (work_item_id, body, author_email, inbound_email_id)
         SELECT m.note_work_item_id, m.body, m.author_email, m.inbound_email_id
           FROM m WHERE m.note_work_item_id IS NOT NULL ORDER BY m.n
         RETURNING id, work_item_id, inbound_email_id
       ), item AS (
         SELECT m.n, w.id AS work_item_id, NULL::int AS note_id, w.iid
           FROM m JOIN w ON w.reply_key = m.reply_key
         UNION ALL
         SELECT m.n, nt.work_item_id, nt.id, NULL::int
           FROM m JOIN nt ON nt.inbound_email_id = m.inbound_email_id
       ), pa AS (
         INSERT INTO email_participants
           (work_item_id, inbound_email_id, email, role, link_outcome, contact_id)
         SELECT item.work_item_id, m.inbound_email_id, p.email, p.role, p.outcome, p.contact_id
           FROM jsonb_to_recordset($2::jsonb)
                AS p (n int, k int, email text, role text, outcome text, contact_id int)
           JOIN item USING (n) JOIN m USING (n)
          ORDER BY p.n, p.k
         ON CONFLICT (work_item_id, email) DO NOTHING
       ), pu AS (
         UPDATE email_participants ep SET link_outcome = o.outcome, contact_id = o.contact_id
           FROM jsonb_to_recordset($3::jsonb) AS o (n int, id int, outcome text, contact_id int)
           JOIN item USING (n)
          WHERE ep.id = o.id
       ), l AS (
         INSERT INTO work_item_contacts (work_item_id, contact_id, added_via)
         SELECT item.work_item_id, c.contact_id, 'email'
           FROM jsonb_to_recordset($4::jsonb) AS c (n int, contact_id int) JOIN item USING (n)
         ON CONFLICT DO NOTHING
       ), e AS (
         -- by the ids as an array, which only an index probe can serve: a generic plan made on
         -- near-empty tables otherwise walks every email still waiting (or every open outbox row)
         -- to update eight. The claim holds these rows and saw them 'received'.
         UPDATE inbound_emails e
            SET status = m.status, reason = m.reason, work_item_id = item.work_item_id,
                note_id = item.note_id, dedupe_key = m.dedupe_key, thread_root = m.thread_root,
                processed_at = now()
           FROM m JOIN item USING (n)
          WHERE e.id = m.inbound_email_id
            AND e.id = ANY(ARRAY(SELECT inbound_email_id FROM m JOIN item USING (n)))
       ), o AS (
         UPDATE outbox o SET processed_at = now()
           FROM m JOIN item USING (n)
          WHERE o.id = m.outbox_id
            AND o.id = ANY(ARRAY(SELECT outbox_id FROM m JOIN item USING (n)))
       )
       SELECT ok.n IS NOT NULL AS ok, item.work_item_id, item.note_id, item.iid
         FROM m LEFT JOIN ok USING (n) LEFT JOIN item USING (n)
        ORDER BY m.n`,
};

export interface CandidatesRow {
  earlier: { id: string; workItemId: number | null } | null;
  by_reply_key: number | null;
  by_message_ids: number | null;
  pending_parent: string | null;
  by_thread_root: number | null;
  ticket_link_context: LinkContextRow | null;
}

/**
 * See InboundIngestRepository.findCandidates: one row per lookup (`q`, from a JSON array), each
 * read by the lateral subquery. Prepared: planning it per call cost 2.4 ms of server time per
 * email, running it 0.4. Its generic plan is made with sequential scans off (see `claim`), and
 * each lookup is written so that only its own index fits, with both columns in the index
 * condition: a materialized CTE (a bare `ORDER BY id LIMIT 1` walked the primary key) and one
 * probe per Message-ID (as `= ANY(…)` on a small table, the plan filtered the whole project).
 */
export const CANDIDATES = {
  name: 'ingest_candidates',
  text: `SELECT c.* FROM jsonb_to_recordset($1::jsonb)
           AS q (n int, project_id int, dedupe_key text, id bigint, project_keys text[],
                 reply_keys text[], message_ids text[], thread_root text, emails text[])
         CROSS JOIN LATERAL (
         WITH same_content AS MATERIALIZED (
           SELECT id, work_item_id FROM inbound_emails
            WHERE project_id = q.project_id AND dedupe_key = q.dedupe_key AND id <> q.id
              AND status IN ('ticket_created', 'note_added', 'duplicate')
         ), parents AS MATERIALIZED (
           SELECT e.* FROM unnest(q.message_ids) AS m (message_id)
            CROSS JOIN LATERAL (SELECT id, work_item_id, status FROM inbound_emails
                                 WHERE project_id = q.project_id AND message_id = m.message_id
                                OFFSET 0) AS e
         ), same_root AS MATERIALIZED (
           SELECT id, work_item_id FROM inbound_emails
            WHERE project_id = q.project_id AND thread_root = q.thread_root
              AND work_item_id IS NOT NULL
         )
         SELECT
         (SELECT json_build_object('id', id::text, 'workItemId', work_item_id) FROM same_content
           ORDER BY id LIMIT 1) AS earlier,
         (SELECT w.id FROM unnest(q.project_keys, q.reply_keys) WITH ORDINALITY
                             AS r (project_key, reply_key, n)
            JOIN projects p ON p.id = q.project_id AND p.service_desk_key = r.project_key
            JOIN work_items w ON w.reply_key = r.reply_key
           ORDER BY r.n LIMIT 1) AS by_reply_key,
         (SELECT work_item_id FROM parents WHERE work_item_id IS NOT NULL
           ORDER BY id LIMIT 1) AS by_message_ids,
         (SELECT id::text FROM parents WHERE id < q.id AND status = 'received'
           ORDER BY id LIMIT 1) AS pending_parent,
         (SELECT work_item_id FROM same_root ORDER BY id LIMIT 1) AS by_thread_root,
         (SELECT row_to_json(lc) FROM (${linkContextSql('q.project_id', 'NULL::int', 'q.emails')}) AS lc)
           AS ticket_link_context
         ) AS c
         ORDER BY q.n`,
};
