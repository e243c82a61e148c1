import { In, IsNull, Not, type EntityManager } from 'typeorm';
import {
  InboundEmail,
  type InboundStatus,
  type SenderAuthResults,
} from '../../entities/inbound-email.entity';
import { Outbox } from '../../entities/outbox.entity';
import { WorkItem } from '../../entities/work-item.entity';
import { reasonText } from './inbound-email.repository';
import { CLAIM_EMAIL } from './sql/claim-email.sql';

/** Raw bytes up to this size come with the envelope (one round trip instead of two). */
const INLINE_RAW_BYTES = 256 * 1024;

/** A stored email as ingest starts from it. */
export interface IngestSubject {
  id: string;
  status: InboundStatus;
  projectId: number;
  mailFrom: string | null;
  /** The SMTP client's address and HELO name, as sender authentication needs them. */
  remoteAddress: string | null;
  helo: string | null;
  rcptTo: string[];
  messageId: string | null;
  size: number;
  receivedAt: Date;
  /** Null above INLINE_RAW_BYTES: InboundEmailRepository.openRaw reads those. */
  raw: Buffer | null;
}

/** What threading can build on, each read under the email's conversation locks. */
export interface ThreadCandidates {
  /** The ticket of the first own-project reply address among the recipients. */
  byReplyKey: number | null;
  /** The ticket of the first stored message it names. */
  byMessageIds: number | null;
  /** An earlier email it names, stored but not processed yet. */
  pendingParent: string | null;
  /** The ticket of another email of the same conversation root. */
  byThreadRoot: number | null;
}

export interface ThreadLookup {
  projectId: number;
  inboundEmailId: string;
  /** (project key, reply key) of each reply address among the recipients, in order. */
  replyAddresses: { projectKey: string; replyKey: string }[];
  messageIds: string[];
  threadRoot: string | null;
}

export interface EmailKeys {
  dedupeKey: string;
  threadRoot: string | null;
}

export interface IngestOutcomeUpdate {
  status: InboundStatus;
  reason: string | null;
  workItemId?: number | null;
  noteId?: number | null;
  keys?: EmailKeys;
  /** Job attempts it took, when it failed. */
  attempts?: number;
  /** What sender authentication found (left as it is when not given). */
  authResults?: SenderAuthResults;
}

/** An email that reached an outcome the same content already had. */
export interface EarlierEmail {
  id: string;
  workItemId: number | null;
}

export class InboundIngestRepository {
  constructor(private readonly em: EntityManager) {}

  /** The envelope, and the raw bytes when they are small enough to come with it. */
  async load(id: string): Promise<IngestSubject | null> {
    const row = await this.em
      .createQueryBuilder(InboundEmail, 'e')
      .select([
        'e.id',
        'e.status',
        'e.projectId',
        'e.mailFrom',
        'e.remoteAddress',
        'e.helo',
        'e.rcptTo',
        'e.messageId',
        'e.size',
        'e.receivedAt',
      ])
      .addSelect('CASE WHEN e.size <= :inline THEN e.raw END', 'inline_raw')
      .setParameter('inline', INLINE_RAW_BYTES)
      .where('e.id = :id', { id })
      .getRawAndEntities();
    const email = row.entities[0];
    if (!email) return null;
    const raw = (row.raw[0] as { inline_raw: Buffer | null }).inline_raw;
    return { ...email, id: String(email.id), raw };
  }

  /** See CLAIM_EMAIL; the email's status once it is held, null when it is gone. */
  async claim(email: {
    id: string;
    projectId: number;
    lockKeys: string[];
    outboxId: string;
  }): Promise<InboundStatus | null> {
    const rows: { status: InboundStatus }[] = await this.em.query(CLAIM_EMAIL, [
      email.projectId,
      email.lockKeys,
      email.id,
      email.outboxId,
    ]);
    return rows[0]?.status ?? null;
  }

  /** The first other email of the project with this dedupe key that reached an outcome. */
  async findEarlier(
    projectId: number,
    dedupeKey: string,
    id: string,
  ): Promise<EarlierEmail | null> {
    const row = await this.em.findOne(InboundEmail, {
      where: {
        projectId,
        dedupeKey,
        id: Not(id),
        status: In(['ticket_created', 'note_added', 'duplicate']),
      },
      select: { id: true, workItemId: true },
      order: { id: 'ASC' },
    });
    return row ? { id: String(row.id), workItemId: row.workItemId } : null;
  }

  async findThreadCandidates(q: ThreadLookup): Promise<ThreadCandidates> {
    const parents = await this.namedEmails(q);
    return {
      byReplyKey: await this.byReplyKey(q),
      byMessageIds: parents.find((e) => e.workItemId !== null)?.workItemId ?? null,
      pendingParent:
        parents.find((e) => BigInt(e.id) < BigInt(q.inboundEmailId) && e.status === 'received')
          ?.id ?? null,
      byThreadRoot:
        q.threadRoot === null ? null : await this.byThreadRoot(q.projectId, q.threadRoot),
    };
  }

  private async byReplyKey(q: ThreadLookup): Promise<number | null> {
    for (const { projectKey, replyKey } of q.replyAddresses) {
      const item = await this.em
        .createQueryBuilder(WorkItem, 'w')
        .select('w.id')
        .innerJoin('projects', 'p', 'p.id = :projectId AND p.service_desk_key = :projectKey', {
          projectId: q.projectId,
          projectKey,
        })
        .where('w.reply_key = :replyKey', { replyKey })
        .getOne();
      if (item) return item.id;
    }
    return null;
  }

  /** The project's stored emails with the Message-IDs a message names, oldest first. */
  private async namedEmails(
    q: ThreadLookup,
  ): Promise<{ id: string; workItemId: number | null; status: InboundStatus }[]> {
    if (q.messageIds.length === 0) return [];
    const rows = await this.em.find(InboundEmail, {
      where: { projectId: q.projectId, messageId: In(q.messageIds) },
      select: { id: true, workItemId: true, status: true },
      order: { id: 'ASC' },
    });
    return rows.map((r) => ({ id: String(r.id), workItemId: r.workItemId, status: r.status }));
  }

  private async byThreadRoot(projectId: number, threadRoot: string): Promise<number | null> {
    const row = await this.em.findOne(InboundEmail, {
      where: { projectId, threadRoot, workItemId: Not(IsNull()) },
      select: { id: true, workItemId: true },
      order: { id: 'ASC' },
    });
    return row?.workItemId ?? null;
  }

  /**
   * The email's outcome, only while it is still `received` (a replayed job never rewrites one),
   * and its outbox row closed either way. False when it had an outcome already.
   */
  async recordOutcome(
    id: string,
    outboxId: string,
    outcome: IngestOutcomeUpdate,
  ): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(InboundEmail)
      .set({
        status: outcome.status,
        reason: reasonText(outcome.reason),
        workItemId: outcome.workItemId ?? null,
        noteId: outcome.noteId ?? null,
        ...(outcome.keys
          ? { dedupeKey: outcome.keys.dedupeKey, threadRoot: outcome.keys.threadRoot }
          : {}),
        ...(outcome.attempts === undefined ? {} : { attempts: outcome.attempts }),
        ...(outcome.authResults ? { authResults: outcome.authResults } : {}),
        processedAt: () => 'now()',
      })
      .where('id = :id AND status = :received', { id, received: 'received' })
      .execute();
    await this.em.update(
      Outbox,
      { id: outboxId, processedAt: IsNull() },
      { processedAt: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }
}
