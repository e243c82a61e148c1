import type { AddressOutcome } from '../src/domain/crm/link-contacts.service';
import type { Logger } from '../src/logger';
import type { LinkContactsPayload } from '../src/queue/jobs';

/**
 * The email's one outcome line (ingest left it to this job when the email made a ticket or a
 * note): where it went, why, and how many of its addresses were linked; a line per address at
 * debug, for when an operator asks about one address.
 */
export function logLinkOutcomes(
  logger: Logger,
  job: LinkContactsPayload,
  addresses: AddressOutcome[],
) {
  const notLinked: Partial<Record<AddressOutcome['outcome'], number>> = {};
  for (const a of addresses)
    if (a.outcome !== 'linked') notLinked[a.outcome] = (notLinked[a.outcome] ?? 0) + 1;
  const linked = addresses.filter((a) => a.outcome === 'linked').length;
  const why = Object.entries(notLinked).map(([outcome, n]) => `${outcome} ${n}`);
  const counts = `${linked} of ${addresses.length} address(es) linked${why.length ? ` (not linked: ${why.join(', ')})` : ''}`;
  const { workItemId, inboundEmailId, email } = job;
  const subject = inboundEmailId ? `inbound email ${inboundEmailId}` : `work item ${workItemId}`;
  const where = email
    ? ` ${email.status} (project ${email.projectId}, work item ${workItemId})${email.reason ? `: ${email.reason}` : ''}`
    : '';
  logger.info(
    {
      inboundEmailId,
      projectId: email?.projectId,
      status: email?.status,
      reason: email?.reason ?? undefined,
      workItemId,
      linked,
      notLinked: addresses.length - linked,
      outcomes: notLinked,
    },
    `${subject}${where}; ${counts}`,
  );
  for (const a of addresses) {
    logger.debug(
      {
        workItemId,
        inboundEmailId,
        email: a.email,
        outcome: a.outcome,
        contactId: a.contactId,
        reason: a.reason,
      },
      `address ${a.outcome}`,
    );
  }
}
