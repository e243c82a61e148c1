import type { CrmState } from '../../../../entities/organization.entity';
import { countContacts, listContacts } from '../../../domain/crm/contacts.service';
import { listOrganizations } from '../../../domain/crm/organizations.service';
import type { GroupWithPath } from '../../../repositories/group.repository';
import { text } from '../../schemas';
import { pageRequest, toConnection, type PageArgs } from '../connection';
import type { GraphqlContext } from '../context';
import { nullWhenHidden } from '../errors';
import { MODEL, toGid } from '../global-id';
import { checked } from '../input';

interface ListArgs extends PageArgs {
  search?: string | null;
  /** GitLab's contact states add `all`, which filters nothing. */
  state?: CrmState | 'all' | null;
  ids?: number[] | null;
}

/** The REST API's rule for a search term (length, no NUL). */
const searchOf = (search: string | null | undefined) =>
  search ? checked(text(255), search, 'search') : undefined;

function filterOf(args: ListArgs) {
  return {
    search: searchOf(args.search),
    state: args.state === 'all' || !args.state ? undefined : args.state,
    ids: args.ids ?? undefined,
  };
}

/** A group's CRM lists: null when the actor may not read them (GitLab's answer). */
export const groupResolvers = {
  Group: {
    id: (group: GroupWithPath) => toGid(MODEL.group, group.id),
    contacts: (group: GroupWithPath, args: ListArgs, ctx: GraphqlContext) => {
      const [filter, page] = [filterOf(args), pageRequest(args)];
      return nullWhenHidden(async () =>
        toConnection(await listContacts(ctx.store, ctx.actor, group.id, filter, page), args),
      );
    },
    contactStateCounts: (
      group: GroupWithPath,
      { search }: { search?: string | null },
      ctx: GraphqlContext,
    ) => {
      const term = searchOf(search);
      return nullWhenHidden(() => countContacts(ctx.store, ctx.actor, group.id, term));
    },
    organizations: (group: GroupWithPath, args: ListArgs, ctx: GraphqlContext) => {
      const [filter, page] = [filterOf(args), pageRequest(args)];
      return nullWhenHidden(async () =>
        toConnection(await listOrganizations(ctx.store, ctx.actor, group.id, filter, page), args),
      );
    },
  },
};
