import type { EntityManager } from 'typeorm';
import type { InboundStatus } from '../../entities/inbound-email.entity';
import type { LinkOutcome, ParticipantRole } from '../../entities/email-participant.entity';
import type { ContactMatch } from './contact.repository';
import { toChain, type GroupCrmChain } from './group.repository';
import { reasonText } from './inbound-email.repository';
import {
  CANDIDATES,
  linkContextSql,
  WRITE,
  type CandidatesRow,
  type ExistingParticipant,
  type LinkContextRow,
  type WriteRow,
} from './ingest-statements';
import { runPrepared } from './pg-client';

/** A job's emails are read together, raw bytes included up to this size each. */
const PRELOADED_RAW_BYTES = 256 * 1024;

export interface IngestSubject {
  id: string;
  status: InboundStatus;
  projectId: number;
  mailFrom: string | null;
  rcptTo: string[];
  messageId: string | null;
  size: number;
  /** Null above PRELOADED_RAW_BYTES: InboundEmailRepository.withRaw reads those when used. */
  raw: Buffer | null;
}

/** What the ingest of one email can build on, read in one statement under its locks. */
export interface ThreadCandidates {
  /** Another email of the project with the same dedupe key that reached an outcome. */
  earlier: { id: string; workItemId: number | null } | null;
  /** The ticket of the first own-project reply address among the recipients. */
  byReplyKey: number | null;
  byMessageIds: number | null;
  /** An earlier email named by the references, stored but not processed yet. */
  pendingParent: string | null;
  byThreadRoot: number | null;
  /** What linking a new ticket of the project to `ThreadLookup.emails` needs. */
  ticketLinkContext: LinkContext | null;
}

export interface ThreadLookup {
  projectId: number;
  inboundEmailId: string;
  dedupeKey: string;
  /** (project key, reply key) of each reply address among the recipients, in order. */
  replyAddresses: { projectKey: string; replyKey: string }[];
  messageIds: string[];
  threadRoot: string | null;
  /** The addresses a new ticket would link. */
  emails: string[];
}

export type { ExistingParticipant };

/** The CRM settings, candidate contacts and participants a link decision needs. */
export interface LinkContext extends GroupCrmChain {
  /**
   * Contacts matching the emails or the work item's open participants, in every group that can be
   * the source (the top-level group, configured ones).
   */
  contacts: (ContactMatch & { groupId: number })[];
  participants: ExistingParticipant[];
  /** The chain as read, to check that it still holds once the project is locked. */
  chainVersion: string;
}

export interface DecidedParticipant {
  email: string;
  role: ParticipantRole;
  outcome: LinkOutcome;
  contactId: number | null;
}

export interface EmailKeys {
  dedupeKey: string;
  threadRoot: string | null;
}

export type IngestTarget =
  | {
      kind: 'ticket';
      projectId: number;
      /** LinkContext.chainVersion the links were decided on. */
      chainVersion: string;
      title: string;
      description: string;
      authorEmail: string | null;
      replyKey: string;
    }
  | { kind: 'note'; workItemId: number; body: string; authorEmail: string | null };

export interface IngestWrite {
  inboundEmailId: string;
  outboxId: string;
  keys: EmailKeys;
  reason: string | null;
  target: IngestTarget;
  newParticipants: DecidedParticipant[];
  /** Participants already on the work item whose outcome was still open. */
  decidedExisting: { id: number; outcome: LinkOutcome; contactId: number | null }[];
  linkContactIds: number[];
}

export type WriteResult =
  | { kind: 'written'; workItemId: number; noteId: number | null; iid: number | null }
  | { kind: 'stale' };

function toLinkContext(row: LinkContextRow | undefined): LinkContext | null {
  const crm = toChain(row?.chain ?? []);
  if (!row || !crm) return null;
  return {
    ...crm,
    contacts: row.contacts ?? [],
    participants: row.participants ?? [],
    chainVersion: JSON.stringify(row.chain),
  };
}

/** The one parameter of the `ingest_candidates` statement. */
export function lookupsJson(lookups: ThreadLookup[]): string {
  return JSON.stringify(
    lookups.map((q, n) => ({
      n,
      project_id: q.projectId,
      dedupe_key: q.dedupeKey,
      id: q.inboundEmailId,
      project_keys: q.replyAddresses.map((r) => r.projectKey),
      reply_keys: q.replyAddresses.map((r) => r.replyKey),
      message_ids: q.messageIds,
      thread_root: q.threadRoot,
      emails: q.emails,
    })),
  );
}

/** The four parameters of the `ingest_write` statement. */
export function writeParams(writes: IngestWrite[]): string[] {
  return [
    JSON.stringify(
      writes.map((w, n) => {
        const ticket = w.target.kind === 'ticket' ? w.target : null;
        const note = w.target.kind === 'note' ? w.target : null;
        return {
          n,
          inbound_email_id: w.inboundEmailId,
          outbox_id: w.outboxId,
          project_id: ticket?.projectId ?? null,
          chain_version: ticket?.chainVersion ?? null,
          title: ticket?.title ?? null,
          description: ticket?.description ?? null,
          author_email: w.target.authorEmail,
          reply_key: ticket?.replyKey ?? null,
          note_work_item_id: note?.workItemId ?? null,
          body: note?.body ?? null,
          status: ticket ? 'ticket_created' : 'note_added',
          reason: reasonText(w.reason),
          dedupe_key: w.keys.dedupeKey,
          thread_root: w.keys.threadRoot,
        };
      }),
    ),
    JSON.stringify(
      writes.flatMap((w, n) =>
        w.newParticipants.map((p, k) => ({
          n,
          k,
          email: p.email,
          role: p.role,
          outcome: p.outcome,
          contact_id: p.contactId,
        })),
      ),
    ),
    JSON.stringify(
      writes.flatMap((w, n) =>
        w.decidedExisting.map((p) => ({
          n,
          id: p.id,
          outcome: p.outcome,
          contact_id: p.contactId,
        })),
      ),
    ),
    JSON.stringify(writes.flatMap((w, n) => w.linkContactIds.map((c) => ({ n, contact_id: c })))),
  ];
}

/** For the rest of the transaction: no sequential scans, whatever the statistics said (`claim`). */
const INDEX_PLANS = `SELECT set_config('enable_seqscan', 'off', true) AS v`;

/**
 * The ingest hot path in as few statements as its locks allow: each statement that must see
 * what a lock waited for starts after that lock is held (READ COMMITTED takes one snapshot per
 * statement), and everything written is one statement.
 */
export class InboundIngestRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * What ingest starts from, for the emails of one job at once: the envelopes, and the raw bytes
   * of those small enough to hold (`withRaw` reads the others when their turn comes).
   */
  async loadMany(ids: string[]): Promise<IngestSubject[]> {
    // planned per call, as are `claim` and `close`: they run before the claim's index-only
    // setting, and a generic plan made on a fresh install's near-empty table was a Seq Scan, kept
    // as the table grew until autovacuum next analyzed it
    return runPrepared<IngestSubject>(
      this.em,
      {
        text: `SELECT id::text AS id, status, project_id AS "projectId", mail_from AS "mailFrom",
                    rcpt_to AS "rcptTo", message_id AS "messageId", size,
                    CASE WHEN size <= $2 THEN raw END AS raw
               FROM inbound_emails WHERE id = ANY($1::bigint[])`,
      },
      [ids, PRELOADED_RAW_BYTES],
    );
  }

  /**
   * Takes, for the emails of a job (or one email), each kind of lock in one sorted order: their
   * projects FOR SHARE (a project or group move waits for these tickets, and a ticket for a move in
   * progress, while tickets never wait for each other), the conversations' advisory locks by
   * project, the emails' rows, then their outbox rows, which the relay may be marking. So two
   * claimers, or a claimer and a move, cannot deadlock, and every statement after this one sees a
   * move wholly before or after these emails. It also turns sequential scans off for the rest of
   * the transaction (INDEX_PLANS): the statements after it are prepared once per connection, and a
   * generic plan made while a fresh install's tables are near empty would otherwise scan them for
   * good (until autovacuum next analyzes them: 5.6 ms per email over the first 8,000 in the
   * benchmark). Planned per call. The statuses by email id (absent when gone).
   */
  async claim(
    emails: { id: string; projectId: number; lockKeys: string[]; outboxId: string }[],
  ): Promise<Map<string, InboundStatus>> {
    const pairs = emails.flatMap((e) => e.lockKeys.map((k) => [e.projectId, k] as const));
    const rows = await runPrepared<{ id: string; status: InboundStatus }>(
      this.em,
      {
        text: `WITH projects AS (
           SELECT id FROM projects WHERE id = ANY($1::int[]) ORDER BY id FOR SHARE
         ), conversations AS (
           SELECT count(pg_advisory_xact_lock(p, h)) AS n
             FROM (SELECT DISTINCT p, hashtext(k) AS h
                     FROM unnest($2::int[], $3::text[]) AS x (p, k) ORDER BY 1, 2) AS s
            WHERE (SELECT count(*) FROM projects) >= 0
         ), index_plans AS (
           ${INDEX_PLANS}
         ), emails AS (
           SELECT id, status FROM inbound_emails
            WHERE id = ANY($4::bigint[]) AND (SELECT n FROM conversations) >= 0
              AND (SELECT v FROM index_plans) = 'off'
            ORDER BY id FOR UPDATE
         ), outbox_rows AS (
           SELECT id FROM outbox
            WHERE id = ANY($5::bigint[]) AND (SELECT count(*) FROM emails) >= 0
            ORDER BY id FOR UPDATE
         )
         SELECT id::text AS id, status FROM emails WHERE (SELECT count(*) FROM outbox_rows) >= 0`,
      },
      [
        [...new Set(emails.map((e) => e.projectId))],
        pairs.map(([p]) => p),
        pairs.map(([, k]) => k),
        emails.map((e) => e.id),
        emails.map((e) => e.outboxId),
      ],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * The thread candidates of several emails in one statement, in their order. Each is read as of
   * this statement: an email whose candidates another in the same transaction may change (the
   * same conversation) must be read after that one is written.
   */
  async findCandidates(lookups: ThreadLookup[]): Promise<ThreadCandidates[]> {
    if (lookups.length === 0) return [];
    const rows = await runPrepared<CandidatesRow>(this.em, CANDIDATES, [lookupsJson(lookups)]);
    return rows.map((row) => ({
      earlier: row.earlier,
      byReplyKey: row.by_reply_key,
      byMessageIds: row.by_message_ids,
      pendingParent: row.pending_parent,
      byThreadRoot: row.by_thread_root,
      ticketLinkContext: toLinkContext(row.ticket_link_context ?? undefined),
    }));
  }

  /**
   * CRM chain of the project's group (or of the work item's project), contacts of `emails` and of
   * the work item's open participants in the groups that can be its source, and its participants.
   * A reply reads it under its work item's lock, as link-contacts does; a new ticket before the
   * project's lock, and `write` checks the chain again under it.
   */
  async linkContext(
    of: { projectId: number } | { workItemId: number },
    emails: string[],
  ): Promise<LinkContext | null> {
    const projectId = 'projectId' in of ? of.projectId : null;
    const workItemId = 'workItemId' in of ? of.workItemId : null;
    // planned per call: only replies read it here (a new ticket's comes with its thread lookup)
    const rows = await runPrepared<LinkContextRow>(
      this.em,
      { text: linkContextSql('$1', '$2', '$3') },
      [projectId, workItemId, emails],
    );
    return toLinkContext(rows[0]);
  }

  /**
   * For each email, in order: the ticket (with the project's next iid) or note, its participants
   * with their link outcomes, the contact links, the email's outcome and its closed outbox row,
   * all in one statement. A ticket is only written while its project's CRM chain is still
   * `chainVersion`; `stale` otherwise (the others are written all the same).
   */
  async write(writes: IngestWrite[]): Promise<WriteResult[]> {
    if (writes.length === 0) return [];
    // the projects are held FOR SHARE since `claim`, so a chain can only have changed through
    // the CRM settings of a group, which this statement checks in a snapshot of its own
    const rows = await runPrepared<WriteRow>(this.em, WRITE, writeParams(writes));
    return writes.map((w, n): WriteResult => {
      const row = rows[n]!;
      if (row.work_item_id !== null)
        return { kind: 'written', workItemId: row.work_item_id, noteId: row.note_id, iid: row.iid };
      if (!row.ok) return { kind: 'stale' };
      const what =
        w.target.kind === 'ticket'
          ? `project ${w.target.projectId}`
          : `work item ${w.target.workItemId}`;
      throw new Error(`${what} is gone`);
    });
  }

  /**
   * An outcome without a ticket or note (duplicate, ignored, failed): only a `received` email
   * takes it; the outbox row is closed either way. One statement, so no transaction of its own.
   */
  async close(
    id: string,
    outboxId: string,
    outcome: {
      status: InboundStatus;
      reason: string;
      workItemId?: number | null;
      keys?: EmailKeys;
    },
  ): Promise<void> {
    await runPrepared(
      this.em,
      {
        text: `WITH e AS (
         UPDATE inbound_emails
            SET status = $3, reason = $4, work_item_id = $5, note_id = NULL,
                dedupe_key = coalesce($6, dedupe_key), thread_root = coalesce($7, thread_root),
                processed_at = now()
          WHERE id = $1 AND status = 'received'
       ), o AS (
         UPDATE outbox SET processed_at = now() WHERE id = $2 AND processed_at IS NULL
       )
       SELECT 1`,
      },
      [
        id,
        outboxId,
        outcome.status,
        reasonText(outcome.reason),
        outcome.workItemId ?? null,
        outcome.keys?.dedupeKey ?? null,
        outcome.keys?.threadRoot ?? null,
      ],
    );
  }
}
