import { In, IsNull, Not, type EntityManager } from 'typeorm';
import { InboundEmail, type InboundStatus } from '../../entities/inbound-email.entity';
import { Outbox } from '../../entities/outbox.entity';
import { WorkItem } from '../../entities/work-item.entity';
import { reasonText } from './inbound-email.repository';
import { CLAIM_EMAIL } from './sql/claim-email.sql';

/** A stored email as ingest starts from it, without its raw bytes. */
export interface IngestSubject {
  id: string;
  status: InboundStatus;
  projectId: number;
  mailFrom: string | null;
  rcptTo: string[];
  messageId: string | null;
  size: number;
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
}

/** An email that reached an outcome the same content already had. */
export interface EarlierEmail {
  id: string;
  workItemId: number | null;
}

export class InboundIngestRepository {
  constructor(private readonly em: EntityManager) {}

  async load(id: string): Promise<IngestSubject | null> {
    const row = await this.em.findOne(InboundEmail, {
      where: { id },
      select: {
        id: true,
        status: true,
        projectId: true,
        mailFrom: true,
        rcptTo: true,
        messageId: true,
        size: true,
      },
    });
    return row ? { ...row, id: String(row.id) } : null;
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
    return {
      byReplyKey: await this.byReplyKey(q),
      byMessageIds: await this.firstWorkItem(q.projectId, { messageId: q.messageIds }),
      pendingParent: await this.pendingParent(q),
      byThreadRoot:
        q.threadRoot === null
          ? null
          : await this.firstWorkItem(q.projectId, { threadRoot: [q.threadRoot] }),
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

  private async firstWorkItem(
    projectId: number,
    by: { messageId: string[] } | { threadRoot: string[] },
  ): Promise<number | null> {
    const [column, values] =
      'messageId' in by ? ['messageId', by.messageId] : ['threadRoot', by.threadRoot];
    if (values.length === 0) return null;
    const row = await this.em.findOne(InboundEmail, {
      where: { projectId, [column]: In(values), workItemId: Not(IsNull()) },
      select: { id: true, workItemId: true },
      order: { id: 'ASC' },
    });
    return row?.workItemId ?? null;
  }

  private async pendingParent(q: ThreadLookup): Promise<string | null> {
    if (q.messageIds.length === 0) return null;
    const row = await this.em
      .createQueryBuilder(InboundEmail, 'e')
      .select('e.id')
      .where('e.project_id = :projectId AND e.message_id IN (:...ids)', {
        projectId: q.projectId,
        ids: q.messageIds,
      })
      .andWhere('e.id < :id AND e.status = :received', {
        id: q.inboundEmailId,
        received: 'received',
      })
      .orderBy('e.id', 'ASC')
      .getOne();
    return row ? String(row.id) : null;
  }

  /** The email's outcome, only while it is still `received`, and its outbox row closed. */
  async recordOutcome(id: string, outboxId: string, outcome: IngestOutcomeUpdate): Promise<void> {
    await this.em
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
        processedAt: () => 'now()',
      })
      .where('id = :id AND status = :received', { id, received: 'received' })
      .execute();
    await this.em.update(
      Outbox,
      { id: outboxId, processedAt: IsNull() },
      { processedAt: () => 'now()' },
    );
  }
}
