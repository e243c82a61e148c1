import type { LinkOutcome, ParticipantRole } from '../../../entities/email-participant.entity';
import type { SenderAuthResults } from '../../../entities/inbound-email.entity';
import type { PendingParticipant } from '../../repositories/email-participant.repository';
import type { ContactMatch } from '../../repositories/contact.repository';
import type { Repositories, Store } from '../../repositories/store';
import { isOwnAddress, type ServiceDeskAddressing } from '../mail/service-desk-address';
import { resolveContactSource } from './contact-source';
import { pendingOrder } from './pending-order';
import { judgeAddress, resolveSenderAuthPolicy, type SenderAuthPolicy } from './sender-auth-policy';

export interface AddressOutcome {
  email: string;
  outcome: LinkOutcome;
  contactId: number | null;
  /** What sender authentication said, when a policy applied. */
  reason?: string;
}

/** The policy of the work item's group and the results of the emails that brought addresses. */
export interface SenderAuthContext {
  policy: SenderAuthPolicy;
  resultsOf(inboundEmailId: string | null): SenderAuthResults | null;
}

const NO_POLICY: SenderAuthContext = { policy: 'off', resultsOf: () => null };

export type LinkContactsOutcome = LinkDecision | { kind: 'skipped'; reason: string };

export interface LinkContactsDeps {
  store: Store;
  addressing: ServiceDeskAddressing;
  maxContactsPerEmail: number;
}

/**
 * Decides each pending address's fate against the contacts found in the source group; at most
 * `maxLinks` links from the addresses of one email (CRM_MAX_CONTACTS_PER_EMAIL). Under a
 * sender-authentication policy an address that fails it is `unauthenticated`, contact or not.
 */
export function decideLinks(
  participants: (Pick<PendingParticipant, 'email'> & {
    inboundEmailId?: string | null;
    role?: ParticipantRole;
  })[],
  contacts: ContactMatch[],
  addressing: ServiceDeskAddressing,
  maxLinks: number,
  auth: SenderAuthContext = NO_POLICY,
): AddressOutcome[] {
  const byEmail = new Map(contacts.map((c) => [c.email, c]));
  const linkedPerEmail = new Map<string | null, number>();
  return participants.map((p): AddressOutcome => {
    const linked = linkedPerEmail.get(p.inboundEmailId ?? null) ?? 0;
    if (isOwnAddress(addressing, p.email))
      return { email: p.email, outcome: 'own_address', contactId: null };
    const judged =
      auth.policy === 'off'
        ? null
        : judgeAddress(auth.policy, auth.resultsOf(p.inboundEmailId ?? null), {
            email: p.email,
            role: p.role ?? 'cc',
          });
    if (judged && !judged.pass)
      return { email: p.email, outcome: 'unauthenticated', contactId: null, reason: judged.reason };
    const reason = judged ? { reason: judged.reason } : {};
    const contact = byEmail.get(p.email);
    if (!contact) return { email: p.email, outcome: 'unknown', contactId: null, ...reason };
    if (contact.state !== 'active')
      return { email: p.email, outcome: 'inactive', contactId: contact.id, ...reason };
    if (linked >= maxLinks)
      return { email: p.email, outcome: 'limit', contactId: contact.id, ...reason };
    linkedPerEmail.set(p.inboundEmailId ?? null, linked + 1);
    return { email: p.email, outcome: 'linked', contactId: contact.id, ...reason };
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
      const auth = await senderAuthOf(repos, crm.senderAuthPolicies, pending);
      const addresses = decideLinks(
        pending,
        contacts,
        deps.addressing,
        deps.maxContactsPerEmail,
        auth,
      );
      decision = { kind: 'linked', sourceGroupId, addresses };
    }
    await repos.contacts.link(workItemId, linkedContactIds(decision), 'email');
    await repos.participants.setOutcomes(
      workItemId,
      pending.map((p, i) => ({
        ...p,
        outcome: decision.addresses[i]!.outcome,
        contactId: decision.addresses[i]!.contactId,
        reason: decision.addresses[i]!.reason,
      })),
    );
    await repos.outbox.markProcessed(outboxId);
    return decision;
  });
}

/** The group's policy and, when it is not off, the results of the emails the addresses came in. */
async function senderAuthOf(
  repos: Repositories,
  policies: Parameters<typeof resolveSenderAuthPolicy>[0],
  pending: PendingParticipant[],
): Promise<SenderAuthContext> {
  const policy = resolveSenderAuthPolicy(policies);
  if (policy === 'off') return NO_POLICY;
  const ids = [...new Set(pending.flatMap((p) => (p.inboundEmailId ? [p.inboundEmailId] : [])))];
  const results = await repos.inboundEmails.authResultsOf(ids);
  return { policy, resultsOf: (id) => (id === null ? null : (results.get(id) ?? null)) };
}
