import type { Contact } from '../../../../entities/contact.entity';
import type { Organization } from '../../../../entities/organization.entity';
import { listOrganizations } from '../../../domain/crm/organizations.service';
import type { GraphqlContext } from '../context';
import { nullWhenHidden } from '../errors';
import { MODEL, toGid } from '../global-id';

/** desk stores an unset phone or description as ''; GitLab shows null. */
const textOrNull = (value: string) => (value === '' ? null : value);

export const crmTypeResolvers = {
  CustomerRelationsContact: {
    id: (contact: Contact) => toGid(MODEL.contact, contact.id),
    phone: (contact: Contact) => textOrNull(contact.phone),
    description: (contact: Contact) => textOrNull(contact.description),
    active: (contact: Contact) => contact.state === 'active',
  },
  CustomerRelationsOrganization: {
    id: (organization: Organization) => toGid(MODEL.organization, organization.id),
    defaultRate: (organization: Organization) =>
      organization.defaultRate === null ? null : Number(organization.defaultRate),
    description: (organization: Organization) => textOrNull(organization.description),
    active: (organization: Organization) => organization.state === 'active',
  },
};

/**
 * The organizations of every contact a query returns, in one list call per contact group
 * (through the same service and access check as Group.organizations), never one per contact.
 */
async function organizationsOfContacts(
  queries: { obj: Contact }[],
  ctx: GraphqlContext,
): Promise<(Organization | null)[]> {
  const wanted = new Map<number, Set<number>>();
  for (const { obj } of queries) {
    if (obj.organizationId === null) continue;
    const ids = wanted.get(obj.groupId) ?? new Set<number>();
    wanted.set(obj.groupId, ids.add(obj.organizationId));
  }
  const found = new Map<number, Organization>();
  for (const [groupId, ids] of wanted) {
    const page = await nullWhenHidden(() =>
      listOrganizations(
        ctx.store,
        ctx.actor,
        groupId,
        { ids: [...ids] },
        {
          cursor: null,
          limit: ids.size,
        },
      ),
    );
    for (const organization of page?.items ?? []) found.set(organization.id, organization);
  }
  return queries.map(({ obj }) =>
    obj.organizationId === null ? null : (found.get(obj.organizationId) ?? null),
  );
}

/** mercurius loaders: batched per request. */
export const crmLoaders = {
  CustomerRelationsContact: { organization: organizationsOfContacts },
};
