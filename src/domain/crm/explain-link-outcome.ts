import type { LinkOutcome } from '../../../entities/email-participant.entity';

/**
 * Why an address was or was not linked, in words a support person reads on a ticket; `source`
 * names the contact source group where the reader may know it.
 */
export function explainLinkOutcome(outcome: LinkOutcome | null, source?: string): string {
  const where = source ?? 'the contact source';
  const inSource = source ? ` in ${source}` : '';
  switch (outcome) {
    case 'linked':
      return `linked: an active contact of ${where} has this address`;
    case 'inactive':
      return `not linked: the contact with this address${inSource} is inactive`;
    case 'unknown':
      return source
        ? `not linked: no active contact with this address in ${source}`
        : 'not linked: no contact with this address in the contact source';
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
