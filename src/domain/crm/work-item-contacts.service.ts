import type { Contact } from '../../../entities/contact.entity';
import type { ContactLinkSource } from '../../../entities/work-item-contact.entity';
import type { ContactSummary } from '../../repositories/contact.repository';
import type { Repositories, Store } from '../../repositories/store';
import type { ContactOnWorkItem } from '../../repositories/work-item-contact.repository';
import type { Actor } from '../access/actor';
import { requireWorkItem } from '../work-items/work-item-access';
import {
  decideContactChange,
  LIMIT_MESSAGE,
  type ContactChange,
  type ContactFailure,
  type ContactOperation,
  type Target,
} from './contact-change';
import { throwDenial, workItemCrm } from './permissions';

export type ChangeContactsOutcome =
  | { kind: 'applied'; contacts: ContactOnWorkItem[] }
  | { kind: 'refused'; message: string; failures: ContactFailure[] };

export interface ChangeContactsInput {
  operation: ContactOperation;
  emails?: string[];
  contactIds?: number[];
}

/** Looks the requested addresses (case-insensitively) or ids up in the contact source. */
export async function resolveTargets(
  repos: Repositories,
  sourceGroupId: number,
  request: { emails?: string[]; contactIds?: number[] },
): Promise<Target[]> {
  const emails = [...new Map((request.emails ?? []).map((e) => [e.toLowerCase(), e])).values()];
  const ids = [...new Set(request.contactIds ?? [])];
  const byEmail = new Map(
    (
      await repos.contacts.findByEmails(
        sourceGroupId,
        emails.map((e) => e.toLowerCase()),
      )
    ).map((c) => [c.email, c]),
  );
  const byId = new Map((await repos.contacts.findByIds(sourceGroupId, ids)).map((c) => [c.id, c]));
  return [
    ...emails.map((email) => ({
      ref: { email },
      contact: byEmail.get(email.toLowerCase()) ?? null,
    })),
    ...ids.map((contactId) => ({ ref: { contactId }, contact: byId.get(contactId) ?? null })),
  ];
}

/** Applies a decided change to the work item's links. */
export async function applyChange(
  repos: Repositories,
  workItemId: number,
  change: ContactChange,
  via: ContactLinkSource,
): Promise<void> {
  await repos.workItemContacts.unlink(workItemId, change.unlink);
  await repos.contacts.link(workItemId, change.link, via);
}

function describe(failures: ContactFailure[]): string {
  if (failures.some((f) => f.reason === 'limit')) return LIMIT_MESSAGE;
  const each = failures.map(
    (f) => `${'email' in f ? f.email : `contact ${f.contactId}`}: ${f.message}`,
  );
  return `no contacts were changed; ${each.join('; ')}`;
}

/** The work item's id when the actor may read its contacts (Planner in the contact source). */
async function readableWorkItem(
  repos: Repositories,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<number> {
  const { workItem } = await requireWorkItem(repos, actor, projectId, iid);
  throwDenial((await workItemCrm(repos, actor, workItem.id, 'read')).denial);
  return workItem.id;
}

export async function listWorkItemContacts(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<ContactOnWorkItem[]> {
  return store.run(async (repos) =>
    repos.workItemContacts.list(await readableWorkItem(repos, actor, projectId, iid)),
  );
}

/** The same contacts as whole records (every field), for clients that ask for any of them. */
export async function listWorkItemContactRecords(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<Contact[]> {
  return store.run(async (repos) =>
    repos.workItemContacts.contacts(await readableWorkItem(repos, actor, projectId, iid)),
  );
}

/** The API's append/remove/replace: all of it or, naming every failing target, none of it. */
export async function changeWorkItemContacts(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
  input: ChangeContactsInput,
): Promise<ChangeContactsOutcome> {
  return store.transaction(async (repos) => {
    const { workItem } = await requireWorkItem(repos, actor, projectId, iid);
    // locked before the source is resolved: a concurrent move is wholly before or after this
    await repos.workItemContacts.lockWorkItem(workItem.id);
    const crm = await workItemCrm(repos, actor, workItem.id, 'link');
    throwDenial(crm.denial);
    const targets = await resolveTargets(repos, crm.sourceGroupId, input);
    const linked = new Set(await repos.workItems.listContactIds(workItem.id));
    const change = decideContactChange(input.operation, targets, linked);
    if (change.failures.length > 0)
      return { kind: 'refused', message: describe(change.failures), failures: change.failures };
    await applyChange(repos, workItem.id, change, 'api');
    return { kind: 'applied', contacts: await repos.workItemContacts.list(workItem.id) };
  });
}

const AUTOCOMPLETE_LIMIT = 20;

/** Suggestions after `[contact:` for `/add_contacts` or `/remove_contacts`. */
export async function autocompleteContacts(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
  action: 'add' | 'remove',
  prefix: string,
): Promise<ContactSummary[]> {
  return store.run(async (repos) => {
    const { workItem } = await requireWorkItem(repos, actor, projectId, iid);
    const crm = await workItemCrm(repos, actor, workItem.id, 'link');
    throwDenial(crm.denial);
    return repos.contacts.suggest(
      action,
      crm.sourceGroupId,
      workItem.id,
      prefix,
      AUTOCOMPLETE_LIMIT,
    );
  });
}
