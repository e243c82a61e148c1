import type { LinkOutcome } from '../../../entities/email-participant.entity';

/** Why an address was or was not linked, in words a support person reads on a ticket. */
export function explainLinkOutcome(outcome: LinkOutcome | null): string {
  switch (outcome) {
    case 'linked':
      return 'linked: an active contact of the contact source has this address';
    case 'inactive':
      return 'not linked: the contact with this address is inactive';
    case 'unknown':
      return 'not linked: no contact with this address in the contact source';
    case 'limit':
      return 'not linked: the email named more contacts than are linked from one email';
    case 'crm_disabled':
      return 'not linked: customer relations is disabled for the project’s group';
    case 'own_address':
      return 'not linked: a Service Desk address of desk itself';
    case 'unauthenticated':
      return 'not linked: the sender did not pass the group’s sender-authentication policy';
    case null:
      return 'not decided yet: the link-contacts job has not run';
  }
}
