import type { AddressOutcome } from '../src/domain/crm/link-contacts.service';
import type { Logger } from '../src/logger';

/**
 * One line per work item saying how many addresses were linked and why the others were not; a
 * line per address at debug, for when an operator asks about one address.
 */
export function logLinkOutcomes(logger: Logger, workItemId: number, addresses: AddressOutcome[]) {
  const counts: Partial<Record<AddressOutcome['outcome'], number>> = {};
  for (const a of addresses) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
  const linked = counts.linked ?? 0;
  logger.info(
    { workItemId, linked, notLinked: addresses.length - linked, outcomes: counts },
    `work item ${workItemId}: ${linked} of ${addresses.length} address(es) linked`,
  );
  for (const a of addresses) {
    logger.debug(
      { workItemId, email: a.email, outcome: a.outcome, contactId: a.contactId },
      `address ${a.outcome}`,
    );
  }
}
