import type { LinkOutcome } from '../../../entities/email-participant.entity';
import type { PendingParticipant } from '../../repositories/email-participant.repository';
import type { ContactMatch } from '../../repositories/contact.repository';
import type { Store } from '../../repositories/store';
import { isOwnAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import { resolveContactSource, type AncestorSetting } from './contact-source';
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

/** Decides each pending address's fate against the contacts found in the source group. */
export function decideLinks(
  participants: PendingParticipant[],
  contacts: ContactMatch[],
  addressing: ServiceDeskAddressing,
  maxLinks: number,
): AddressOutcome[] {
  const byEmail = new Map(contacts.map((c) => [c.email, c]));
  let linked = 0;
  return participants.map((p): AddressOutcome => {
    if (isOwnAddress(addressing, p.email))
      return { email: p.email, outcome: 'own_address', contactId: null };
    const contact = byEmail.get(p.email);
    if (!contact) return { email: p.email, outcome: 'unknown', contactId: null };
    if (contact.state !== 'active')
      return { email: p.email, outcome: 'inactive', contactId: contact.id };
    if (linked >= maxLinks) return { email: p.email, outcome: 'limit', contactId: contact.id };
    linked++;
    return { email: p.email, outcome: 'linked', contactId: contact.id };
  });
}

/** What linking decided for a work item's pending participants. */
export type LinkDecision =
  | { kind: 'linked'; sourceGroupId: number; addresses: AddressOutcome[] }
  | { kind: 'crm_disabled'; addresses: AddressOutcome[] };

/**
 * The outcome of every pending participant: `crm_disabled` for all when the work item's group
 * has CRM off, else decided against the contacts found in the resolved contact source.
 */
export async function decideWorkItemLinks(
  crm: { chain: AncestorSetting[]; crmEnabled: boolean },
  pending: PendingParticipant[],
  contactsIn: (sourceGroupId: number) => ContactMatch[] | Promise<ContactMatch[]>,
  addressing: ServiceDeskAddressing,
  maxLinks: number,
): Promise<LinkDecision> {
  if (!crm.crmEnabled) {
    return {
      kind: 'crm_disabled',
      addresses: pending.map((p) => ({ email: p.email, outcome: 'crm_disabled', contactId: null })),
    };
  }
  const sourceGroupId = resolveContactSource(crm.chain);
  const contacts = await contactsIn(sourceGroupId);
  return {
    kind: 'linked',
    sourceGroupId,
    addresses: decideLinks(pending, contacts, addressing, maxLinks),
  };
}

/** Contact ids a decision links. */
export const linkedContactIds = (decision: LinkDecision): number[] =>
  decision.addresses.filter((a) => a.outcome === 'linked').map((a) => a.contactId as number);

/**
 * Links a work item to the active contacts of its resolved contact source that match its
 * not-yet-matched participants. Idempotent: matched participants are not looked at again.
 * Ingest links the participants of the email it processes itself; this job is for the work
 * items whose participants are open for any other reason (a link-contacts outbox row).
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
    const decision = await decideWorkItemLinks(
      crm,
      pending,
      (source) =>
        repos.contacts.findByEmails(
          source,
          pending.map((p) => p.email),
        ),
      deps.addressing,
      deps.maxContactsPerEmail,
    );
    await repos.contacts.link(workItemId, linkedContactIds(decision), 'email');
    await repos.participants.setOutcomes(
      pending.map((p, i) => ({
        id: p.id,
        outcome: decision.addresses[i]!.outcome,
        contactId: decision.addresses[i]!.contactId,
      })),
    );
    await repos.outbox.markProcessed(outboxId);
    return decision;
  });
}

/** A link job that will not be tried again closes its outbox row so it is not republished. */
export async function abandonLinkContacts(store: Store, outboxId: string): Promise<void> {
  await store.run((repos) => repos.outbox.markProcessed(outboxId));
}
