import type { EntityManager } from 'typeorm';
import {
  EmailParticipant,
  type LinkOutcome,
  type ParticipantRole,
} from '../../entities/email-participant.entity';

export interface ParticipantInput {
  email: string;
  role: ParticipantRole;
}

export interface PendingParticipant {
  id: number;
  email: string;
  role: ParticipantRole;
}

export class EmailParticipantRepository {
  constructor(private readonly em: EntityManager) {}

  /** Adds the addresses a work item has not seen yet; a known address keeps its first role. */
  async addMany(
    workItemId: number,
    inboundEmailId: string,
    participants: ParticipantInput[],
  ): Promise<void> {
    if (participants.length === 0) return;
    await this.em
      .createQueryBuilder()
      .insert()
      .into(EmailParticipant)
      .values(
        participants.map((p) => ({ workItemId, inboundEmailId, email: p.email, role: p.role })),
      )
      .orIgnore()
      .execute();
  }

  /**
   * Participants whose link outcome is still open, senders first, in the order they arrived: the
   * order the domain's pendingOrder gives ingest, so the job and ingest decide the same limits.
   */
  async listPending(workItemId: number): Promise<PendingParticipant[]> {
    const rows = await this.em
      .createQueryBuilder(EmailParticipant, 'p')
      .select(['p.id', 'p.email', 'p.role'])
      .where('p.workItemId = :workItemId AND p.linkOutcome IS NULL', { workItemId })
      .orderBy("p.role = 'from'", 'DESC')
      .addOrderBy('p.id', 'ASC')
      .getMany();
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role }));
  }

  async listForWorkItem(workItemId: number): Promise<EmailParticipant[]> {
    return this.em.find(EmailParticipant, { where: { workItemId }, order: { id: 'ASC' } });
  }

  async setOutcomes(
    outcomes: { id: number; outcome: LinkOutcome; contactId: number | null }[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await this.em.query(
      `UPDATE email_participants p SET link_outcome = o.outcome, contact_id = o.contact_id
         FROM unnest($1::int[], $2::text[], $3::int[]) AS o(id, outcome, contact_id)
        WHERE p.id = o.id`,
      [outcomes.map((o) => o.id), outcomes.map((o) => o.outcome), outcomes.map((o) => o.contactId)],
    );
  }
}
