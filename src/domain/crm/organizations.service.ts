import type { Organization } from '../../../entities/organization.entity';
import type { WorkItem } from '../../../entities/work-item.entity';
import type {
  NewOrganization,
  OrganizationChanges,
  OrganizationFilter,
} from '../../repositories/organization.repository';
import type { Repositories, Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { NotFoundError } from '../../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { assertHoldsContacts } from './contact-holder';
import { CRM_ROLE, requireCrmGroup } from './permissions';

async function findOrganization(
  repos: Repositories,
  groupId: number,
  id: number,
): Promise<Organization> {
  const organization = await repos.organizations.findInGroup(groupId, id);
  if (!organization) throw new NotFoundError('organization not found');
  return organization;
}

export async function listOrganizations(
  store: Store,
  actor: Actor,
  groupId: number,
  filter: OrganizationFilter,
  page: PageRequest,
): Promise<Page<Organization>> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    const rows = await repos.organizations.list(groupId, filter, page.cursor, page.limit + 1);
    return toPage(rows, page.limit);
  });
}

export async function createOrganization(
  store: Store,
  actor: Actor,
  groupId: number,
  input: Omit<NewOrganization, 'groupId'>,
): Promise<Organization> {
  return store.transaction(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.manage);
    await assertHoldsContacts(repos, groupId, 'organizations');
    return repos.organizations.create({ ...input, groupId });
  });
}

export async function getOrganization(
  store: Store,
  actor: Actor,
  groupId: number,
  organizationId: number,
): Promise<Organization> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    return findOrganization(repos, groupId, organizationId);
  });
}

export async function updateOrganization(
  store: Store,
  actor: Actor,
  groupId: number,
  organizationId: number,
  changes: OrganizationChanges,
): Promise<Organization> {
  return store.transaction(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.manage);
    const organization = await findOrganization(repos, groupId, organizationId);
    return repos.organizations.update(organization, changes);
  });
}

/** The group holding an organization, like `groupOfContact`. */
export async function groupOfOrganization(
  store: Store,
  organizationId: number,
): Promise<number | null> {
  return store.run((repos) => repos.organizations.groupIdOf(organizationId));
}

export async function listOrganizationWorkItems(
  store: Store,
  actor: Actor,
  groupId: number,
  organizationId: number,
  page: PageRequest,
): Promise<Page<WorkItem>> {
  return store.run(async (repos) => {
    await requireCrmGroup(repos, actor, groupId, CRM_ROLE.read);
    await findOrganization(repos, groupId, organizationId);
    const rows = await repos.workItemContacts.workItems(
      { organizationId },
      actor.isAdmin ? null : actor.userId,
      page.cursor,
      page.limit + 1,
    );
    return toPage(rows, page.limit);
  });
}
