import type { AddressOutcome } from '../src/domain/crm/link-contacts.service';
import type { Logger } from '../src/logger';

/** One line per address, whichever job linked it, so operators see why each was (not) linked. */
export function logLinkOutcomes(logger: Logger, workItemId: number, addresses: AddressOutcome[]) {
  for (const a of addresses) {
    logger.info(
      { workItemId, email: a.email, outcome: a.outcome, contactId: a.contactId },
      `address ${a.outcome}`,
    );
  }
}
