import type { ContactMatch } from '../../repositories/contact.repository';

export type ContactOperation = 'append' | 'remove' | 'replace';

export type FailureReason =
  | 'not_found'
  | 'inactive'
  | 'not_on_work_item'
  | 'limit'
  | 'crm_disabled'
  | 'forbidden'
  | 'invalid';

/** One requested address or id and the contact of the contact source it names, if any. */
export interface Target {
  ref: { email: string } | { contactId: number };
  contact: ContactMatch | null;
}

export type ContactFailure = Target['ref'] & { reason: FailureReason; message: string };

export interface ContactChange {
  link: number[];
  unlink: number[];
  /** Targets whose request holds once `link` and `unlink` are applied. */
  applied: Target[];
  failures: ContactFailure[];
}

/** GitLab's limit on additions in one operation. */
export const MAX_ADDITIONS = 6;
export const LIMIT_MESSAGE = `You can only add up to ${MAX_ADDITIONS} contacts at one time`;

const MESSAGES: Record<FailureReason, string> = {
  not_found: 'no contact with this address in the contact source',
  inactive: 'the contact is inactive; only active contacts can be added',
  not_on_work_item: 'the contact is not on this work item',
  limit: LIMIT_MESSAGE,
  crm_disabled: 'customer relations is not enabled for this group',
  forbidden: 'not allowed to change the contacts of this work item',
  invalid: 'not a [contact:email] item',
};

export function failure(
  ref: Target['ref'],
  reason: FailureReason,
  message?: string,
): ContactFailure {
  return { ...ref, reason, message: message ?? MESSAGES[reason] };
}

/**
 * What an append, remove or replace does to a work item's contacts, and why each refused
 * target is refused. Only active contacts are ever added; a contact already linked stays.
 */
export function decideContactChange(
  operation: ContactOperation,
  targets: Target[],
  linked: ReadonlySet<number>,
): ContactChange {
  const change: ContactChange = { link: [], unlink: [], applied: [], failures: [] };
  for (const target of targets) {
    const { contact, ref } = target;
    if (!contact) change.failures.push(failure(ref, 'not_found'));
    else if (operation === 'remove') {
      if (!linked.has(contact.id)) change.failures.push(failure(ref, 'not_on_work_item'));
      else {
        change.unlink.push(contact.id);
        change.applied.push(target);
      }
    } else if (linked.has(contact.id)) change.applied.push(target);
    else if (contact.state !== 'active') change.failures.push(failure(ref, 'inactive'));
    else {
      change.link.push(contact.id);
      change.applied.push(target);
    }
  }
  const additions = operation === 'append' ? targets.length : change.link.length;
  if (operation !== 'remove' && additions > MAX_ADDITIONS) {
    return {
      link: [],
      unlink: [],
      applied: [],
      failures: targets.map((t) => failure(t.ref, 'limit')),
    };
  }
  if (operation === 'replace') {
    const keep = new Set(targets.flatMap((t) => (t.contact ? [t.contact.id] : [])));
    change.unlink = [...linked].filter((id) => !keep.has(id));
  }
  return change;
}
