import { IsNull, type EntityManager } from 'typeorm';
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

  /** Participants whose link outcome is still open, in the order they arrived. */
  async listPending(workItemId: number): Promise<PendingParticipant[]> {
    const rows = await this.em.find(EmailParticipant, {
      where: { workItemId, linkOutcome: IsNull() },
      select: { id: true, email: true, role: true },
      order: { id: 'ASC' },
    });
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role }));
  }

  async listForWorkItem(workItemId: number): Promise<EmailParticipant[]> {
    return this.em.find(EmailParticipant, { where: { workItemId }, order: { id: 'ASC' } });
  }

  /**
   * Each participant's link outcome and contact, in one statement: an insert that meets every row
   * by its id and updates it (TypeORM's update gives every row the same values).
   */
  async setOutcomes(
    workItemId: number,
    outcomes: (PendingParticipant & { outcome: LinkOutcome; contactId: number | null })[],
  ): Promise<void> {
    if (outcomes.length === 0) return;
    await this.em
      .createQueryBuilder()
      .insert()
      .into(EmailParticipant)
      .values(
        outcomes.map((o) => ({
          id: o.id,
          workItemId,
          email: o.email,
          role: o.role,
          linkOutcome: o.outcome,
          contactId: o.contactId,
        })),
      )
      .orUpdate(['link_outcome', 'contact_id'], ['id'])
      .updateEntity(false)
      .execute();
  }
}
