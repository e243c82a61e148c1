import { GraphQLError } from 'graphql';
import type { ContactOperation } from '../../../domain/crm/contact-change';
import { changeWorkItemContacts } from '../../../domain/crm/work-item-contacts.service';
import { findProjectByFullPath } from '../../../domain/projects/projects.service';
import { getWorkItem } from '../../../domain/work-items/work-items.service';
import { ForbiddenError, NotFoundError } from '../../../errors';
import type { GraphqlContext } from '../context';
import { iidOf } from '../input';

interface SetCrmContactsInput {
  clientMutationId?: string | null;
  projectPath: string;
  iid: string;
  contactIds: number[];
  operationMode?: 'REPLACE' | 'APPEND' | 'REMOVE' | null;
}

/** As many as the REST API takes in one request. */
const MAX_CONTACT_IDS = 100;

async function issueOf(ctx: GraphqlContext, projectPath: string, iid: string) {
  const project = await findProjectByFullPath(ctx.store, ctx.actor, projectPath);
  const n = iidOf(iid);
  if (!project || n === null) throw new NotFoundError('work item not found');
  return getWorkItem(ctx.store, ctx.actor, project.id, n);
}

/**
 * GitLab's issueSetCrmContacts over desk's one way of changing a work item's contacts. As in
 * GitLab: an issue the actor cannot see, or customer relations switched off, is a top-level
 * error; a role too low in the contact source, an unknown or inactive contact, or more than 6
 * additions are the payload's errors, and nothing changes.
 */
export const issueContactsResolvers = {
  Mutation: {
    async issueSetCrmContacts(
      _root: unknown,
      { input }: { input: SetCrmContactsInput },
      ctx: GraphqlContext,
    ) {
      if (input.contactIds.length > MAX_CONTACT_IDS)
        throw new GraphQLError(`contactIds: at most ${MAX_CONTACT_IDS} at once`);
      const issue = await issueOf(ctx, input.projectPath, input.iid);
      const operation = (input.operationMode ?? 'REPLACE').toLowerCase() as ContactOperation;
      const reply = { clientMutationId: input.clientMutationId, issue };
      try {
        const outcome = await changeWorkItemContacts(
          ctx.store,
          ctx.actor,
          issue.projectId,
          issue.iid,
          {
            operation,
            contactIds: input.contactIds,
          },
        );
        return { ...reply, errors: outcome.kind === 'refused' ? [outcome.message] : [] };
      } catch (err) {
        if (err instanceof ForbiddenError) return { ...reply, errors: [err.message] };
        throw err;
      }
    },
  },
};
