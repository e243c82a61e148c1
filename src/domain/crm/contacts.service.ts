import type { Contact } from '../../../entities/contact.entity';
import type { WorkItem } from '../../../entities/work-item.entity';
import type {
  ContactChanges,
  ContactFilter,
  NewContact,
} from '../../repositories/contact.repository';
import type { Repositories, Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { NotFoundError, UnprocessableError } from '../../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { assertHoldsContacts } from './contact-holder';
import { CRM_ROLE, requireCrmGroup } from './permissions';

export type ContactInput = Omit<NewContact, 'groupId'>;

async function assertOrganizationInGroup(
  repos: Repositories,
  groupId: number,
  organizationId: number | null | undefined,
): Promise<void> {
  if (organizationId === null || organizationId === undefined) return;
  if (!(await repos.organizations.findInGroup(groupId, organizationId)))
    throw new UnprocessableError(
      `organization ${organizationId} is not an organization of this group`,
      {
        field: 'organizationId',
      },
    );
}

async function findContact(repos: Repositories, groupId: number, id: number): Promise<Contact> {
  const contact = await repos.contacts.findInGroup(groupId, id);
  if (!contact) throw new NotFoundError('contact not found');
  return contact;
}

export async function listContacts(
  store: Store,
  actor: Actor,
  groupId: number,
  filter: ContactFilter,
  page: PageRequest,
): Promise<Page<Contact>> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    const rows = await repos.contacts.list(groupId, filter, page.cursor, page.limit + 1);
    return toPage(rows, page.limit);
  });
}

export async function countContacts(
  store: Store,
  actor: Actor,
  groupId: number,
  search: string | undefined,
): Promise<{ all: number; active: number; inactive: number }> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    return repos.contacts.countByState(groupId, search);
  });
}

export async function createContact(
  store: Store,
  actor: Actor,
  groupId: number,
  input: ContactInput,
): Promise<Contact> {
  return store.transaction(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.manage);
    await assertHoldsContacts(repos, groupId, 'contacts');
    await assertOrganizationInGroup(repos, groupId, input.organizationId);
    return repos.contacts.create({ ...input, groupId });
  });
}

export async function getContact(
  store: Store,
  actor: Actor,
  groupId: number,
  contactId: number,
): Promise<Contact> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    return findContact(repos, groupId, contactId);
  });
}

/** Deactivating keeps the contact's existing links: only new links need an active contact. */
export async function updateContact(
  store: Store,
  actor: Actor,
  groupId: number,
  contactId: number,
  changes: ContactChanges,
): Promise<Contact> {
  return store.transaction(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.manage);
    const contact = await findContact(repos, groupId, contactId);
    await assertOrganizationInGroup(repos, groupId, changes.organizationId);
    return repos.contacts.update(contact, changes);
  });
}

/**
 * The group holding a contact, for clients that name a contact by its id alone (GraphQL's global
 * ids); null when there is none. Reveals nothing a caller may use: the services it leads to still
 * check access to that group and answer "not found" alike.
 */
export async function groupOfContact(store: Store, contactId: number): Promise<number | null> {
  return store.run((repos) => repos.contacts.groupIdOf(contactId));
}

export async function listContactWorkItems(
  store: Store,
  actor: Actor,
  groupId: number,
  contactId: number,
  page: PageRequest,
): Promise<Page<WorkItem>> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    await findContact(repos, groupId, contactId);
    const rows = await repos.workItemContacts.workItems(
      { contactId },
      actor.isAdmin ? null : actor.userId,
      page.cursor,
      page.limit + 1,
    );
    return toPage(rows, page.limit);
  });
}
