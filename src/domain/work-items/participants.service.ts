import type { ContactSummary } from '../../repositories/contact.repository';
import type { ParticipantDetail } from '../../repositories/email-participant.repository';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { ACCESS_LEVELS } from '../access/roles';
import { explainLinkOutcome } from '../crm/explain-link-outcome';
import { workItemCrm } from '../crm/permissions';
import { requireWorkItem } from './work-item-access';

export interface ParticipantView extends Omit<ParticipantDetail, 'contact'> {
  /** The outcome in words. */
  explanation: string;
  /** Null unless linked (or found inactive) and the actor may read the contact source. */
  contact: ContactSummary | null;
}

/**
 * Every address a work item's emails brought, with why it was or was not linked. Addresses are
 * customers' data: Reporter on the project (as for a confidential Service Desk issue); the
 * contact itself only for those who may read the contact source (Planner there).
 */
export async function listParticipants(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<ParticipantView[]> {
  return store.run(async (repos) => {
    const { workItem } = await requireWorkItem(
      repos,
      actor,
      projectId,
      iid,
      ACCESS_LEVELS.reporter,
    );
    const crm = await workItemCrm(repos, actor, workItem.id, 'read');
    const details = await repos.participants.details({ workItemId: workItem.id });
    return details.map((d) => participantView(d, crm.denial === null));
  });
}

/** A participant with its outcome in words; its contact only where `showContact`. */
export function participantView(detail: ParticipantDetail, showContact: boolean): ParticipantView {
  return {
    ...detail,
    explanation: explainLinkOutcome(detail.linkOutcome),
    contact: showContact ? detail.contact : null,
  };
}
