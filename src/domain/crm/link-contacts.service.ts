import type { LinkOutcome } from '../../../entities/email-participant.entity';
import type { PendingParticipant } from '../../repositories/email-participant.repository';
import type { ContactMatch } from '../../repositories/contact.repository';
import type { Store } from '../../repositories/store';
import { isOwnAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import { resolveContactSource } from './contact-source';
import { pendingOrder } from './pending-order';

export interface AddressOutcome {
  email: string;
  outcome: LinkOutcome;
  contactId: number | null;
}

export type LinkContactsOutcome = LinkDecision | { kind: 'skipped'; reason: string };

export interface LinkContactsDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
  maxContactsPerEmail: number;
}

/**
 * Decides each pending address's fate against the contacts found in the source group; at most
 * `maxLinks` links from the addresses of one email (CRM_MAX_CONTACTS_PER_EMAIL).
 */
export function decideLinks(
  participants: (Pick<PendingParticipant, 'email'> & { inboundEmailId?: string | null })[],
  contacts: ContactMatch[],
  addressing: ServiceDeskAddressing,
  maxLinks: number,
): AddressOutcome[] {
  const byEmail = new Map(contacts.map((c) => [c.email, c]));
  const linkedPerEmail = new Map<string | null, number>();
  return participants.map((p): AddressOutcome => {
    const linked = linkedPerEmail.get(p.inboundEmailId ?? null) ?? 0;
    if (isOwnAddress(addressing, p.email))
      return { email: p.email, outcome: 'own_address', contactId: null };
    const contact = byEmail.get(p.email);
    if (!contact) return { email: p.email, outcome: 'unknown', contactId: null };
    if (contact.state !== 'active')
      return { email: p.email, outcome: 'inactive', contactId: contact.id };
    if (linked >= maxLinks) return { email: p.email, outcome: 'limit', contactId: contact.id };
    linkedPerEmail.set(p.inboundEmailId ?? null, linked + 1);
    return { email: p.email, outcome: 'linked', contactId: contact.id };
  });
}

/** What linking decided for a work item's pending participants. */
export type LinkDecision =
  | { kind: 'linked'; sourceGroupId: number; addresses: AddressOutcome[] }
  | { kind: 'crm_disabled'; addresses: AddressOutcome[] };

/** Contact ids a decision links. */
export const linkedContactIds = (decision: LinkDecision): number[] =>
  decision.addresses.filter((a) => a.outcome === 'linked').map((a) => a.contactId as number);

/**
 * Links a work item to the active contacts of its resolved contact source that match its
 * not-yet-matched participants. Idempotent: matched participants are not looked at again.
 */
export async function linkContacts(
  deps: LinkContactsDeps,
  workItemId: number,
  outboxId: string,
): Promise<LinkContactsOutcome> {
  return deps.store.transaction(async (repos) => {
    // locked before the source is resolved, so a move of the work item is either fully
    // before this (the new source is read) or after it (the move handles these links)
    await repos.workItemContacts.lockWorkItem(workItemId);
    const crm = await repos.groups.crmChainOfWorkItem(workItemId);
    if (!crm) {
      await repos.outbox.markProcessed(outboxId);
      return { kind: 'skipped', reason: `work item ${workItemId} no longer exists` };
    }
    const pending = pendingOrder(await repos.participants.listPending(workItemId));
    let decision: LinkDecision;
    if (!crm.crmEnabled) {
      const addresses = pending.map((p) => ({
        email: p.email,
        outcome: 'crm_disabled' as const,
        contactId: null,
      }));
      decision = { kind: 'crm_disabled', addresses };
    } else {
      const sourceGroupId = resolveContactSource(crm.chain);
      const emails = pending.map((p) => p.email);
      const contacts = await repos.contacts.findByEmails(sourceGroupId, emails);
      const addresses = decideLinks(pending, contacts, deps.addressing, deps.maxContactsPerEmail);
      decision = { kind: 'linked', sourceGroupId, addresses };
    }
    await repos.contacts.link(workItemId, linkedContactIds(decision), 'email');
    await repos.participants.setOutcomes(
      workItemId,
      pending.map((p, i) => ({
        ...p,
        outcome: decision.addresses[i]!.outcome,
        contactId: decision.addresses[i]!.contactId,
      })),
    );
    await repos.outbox.markProcessed(outboxId);
    return decision;
  });
}
