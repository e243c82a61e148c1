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

  /** Each participant's link outcome and contact (one UPDATE each: an email has a few). */
  async setOutcomes(
    outcomes: { id: number; outcome: LinkOutcome; contactId: number | null }[],
  ): Promise<void> {
    for (const o of outcomes) {
      await this.em.update(
        EmailParticipant,
        { id: o.id },
        { linkOutcome: o.outcome, contactId: o.contactId },
      );
    }
  }
}
