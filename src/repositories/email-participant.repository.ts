import { IsNull, type EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import { Organization } from '../../entities/organization.entity';
import { SUMMARY_COLUMNS, toSummary, type ContactSummary } from './contact.repository';
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
  /** The email that brought it: the contact limit counts per email. */
  inboundEmailId: string | null;
}

/** A participant as shown to staff and operators: its outcome and the contact it names. */
export interface ParticipantDetail {
  email: string;
  role: ParticipantRole;
  /** The email that first brought the address to the work item. */
  inboundEmailId: string | null;
  workItemId: number;
  linkOutcome: LinkOutcome | null;
  /** What sender authentication said, when a policy applied. */
  linkReason: string | null;
  contact: ContactSummary | null;
  createdAt: Date;
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
      select: { id: true, email: true, role: true, inboundEmailId: true },
      order: { id: 'ASC' },
    });
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      role: r.role,
      inboundEmailId: r.inboundEmailId === null ? null : String(r.inboundEmailId),
    }));
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
    outcomes: (PendingParticipant & {
      outcome: LinkOutcome;
      contactId: number | null;
      reason?: string | null;
    })[],
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
          linkReason: o.reason ?? null,
        })),
      )
      .orUpdate(['link_outcome', 'contact_id', 'link_reason'], ['id'])
      .updateEntity(false)
      .execute();
  }

  /** The participants of a work item, or those an inbound email brought, in arrival order. */
  async details(
    of: { workItemId: number } | { inboundEmailId: string },
  ): Promise<ParticipantDetail[]> {
    const q = this.em
      .createQueryBuilder(EmailParticipant, 'p')
      .select(SUMMARY_COLUMNS)
      .addSelect(['p.email AS p_email', 'p.role AS p_role', 'p.work_item_id AS p_work_item_id'])
      .addSelect('p.inbound_email_id::text', 'p_inbound_email_id')
      .addSelect(['p.link_outcome AS p_link_outcome', 'p.created_at AS p_created_at'])
      .addSelect('p.link_reason', 'p_link_reason')
      .leftJoin(Contact, 'c', 'c.id = p.contactId')
      .leftJoin(Organization, 'o', 'o.id = c.organizationId')
      .orderBy('p.id');
    if ('workItemId' in of) q.where('p.workItemId = :id', { id: of.workItemId });
    else q.where('p.inboundEmailId = :id', { id: of.inboundEmailId });
    const rows: (Parameters<typeof toSummary>[0] & Record<`p_${string}`, unknown>)[] =
      await q.getRawMany();
    return rows.map((r) => ({
      email: r.p_email as string,
      role: r.p_role as ParticipantRole,
      inboundEmailId: r.p_inbound_email_id as string | null,
      workItemId: r.p_work_item_id as number,
      linkOutcome: r.p_link_outcome as LinkOutcome | null,
      linkReason: r.p_link_reason as string | null,
      contact: r.id === null ? null : toSummary(r),
      createdAt: r.p_created_at as Date,
    }));
  }
}
