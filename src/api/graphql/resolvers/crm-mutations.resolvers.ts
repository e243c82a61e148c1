import { z } from 'zod';
import { createContact, groupOfContact, updateContact } from '../../../domain/crm/contacts.service';
import {
  createOrganization,
  groupOfOrganization,
  updateOrganization,
} from '../../../domain/crm/organizations.service';
import { NotFoundError } from '../../../errors';
import { fields as contactFields } from '../../routes/contacts.routes';
import { fields as organizationFields } from '../../routes/organizations.routes';
import type { GraphqlContext } from '../context';
import { outcomeOf, type Outcome } from '../errors';
import { issuesOf, withoutNulls } from '../input';

/** The REST API's own rules for each field: one definition for both APIs. */
const contactCreate = z.object(contactFields);
const contactUpdate = z.object(contactFields).partial();
const organizationCreate = z.object(organizationFields);
const organizationUpdate = z.object(organizationFields).partial();

type Input = Record<string, unknown> & { clientMutationId?: string | null };

/** Refused input comes back in the payload's errors, like GitLab's validation messages. */
async function change<T>(
  schema: z.ZodType<T>,
  candidate: unknown,
  run: (valid: T) => Promise<unknown>,
): Promise<Outcome<unknown>> {
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) return { value: null, errors: issuesOf(parsed.error) };
  return outcomeOf(() => run(parsed.data));
}

/** An update's changes: null clears a text field; `active` is desk's state. */
function changesOf({ id: _id, clientMutationId: _c, active, ...input }: Input) {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input))
    changes[key] = value === null && (key === 'phone' || key === 'description') ? '' : value;
  if (active !== undefined) changes.state = active === null ? null : active ? 'active' : 'inactive';
  return changes;
}

async function groupOf(find: Promise<number | null>, what: string): Promise<number> {
  const groupId = await find;
  if (groupId === null) throw new NotFoundError(`${what} not found`);
  return groupId;
}

export const crmMutationResolvers = {
  Mutation: {
    async customerRelationsContactCreate(
      _root: unknown,
      { input }: { input: Input },
      ctx: GraphqlContext,
    ) {
      const { clientMutationId, groupId, ...fields } = input;
      const { value, errors } = await change(contactCreate, withoutNulls(fields), (valid) =>
        createContact(ctx.store, ctx.actor, groupId as number, valid),
      );
      return { clientMutationId, contact: value, errors };
    },

    async customerRelationsContactUpdate(
      _root: unknown,
      { input }: { input: Input },
      ctx: GraphqlContext,
    ) {
      const id = input.id as number;
      const groupId = await groupOf(groupOfContact(ctx.store, id), 'contact');
      const { value, errors } = await change(contactUpdate, changesOf(input), (valid) =>
        updateContact(ctx.store, ctx.actor, groupId, id, valid),
      );
      return { clientMutationId: input.clientMutationId, contact: value, errors };
    },

    async customerRelationsOrganizationCreate(
      _root: unknown,
      { input }: { input: Input },
      ctx: GraphqlContext,
    ) {
      const { clientMutationId, groupId, ...fields } = input;
      const { value, errors } = await change(organizationCreate, withoutNulls(fields), (valid) =>
        createOrganization(ctx.store, ctx.actor, groupId as number, valid),
      );
      return { clientMutationId, organization: value, errors };
    },

    async customerRelationsOrganizationUpdate(
      _root: unknown,
      { input }: { input: Input },
      ctx: GraphqlContext,
    ) {
      const id = input.id as number;
      const groupId = await groupOf(groupOfOrganization(ctx.store, id), 'organization');
      const { value, errors } = await change(organizationUpdate, changesOf(input), (valid) =>
        updateOrganization(ctx.store, ctx.actor, groupId, id, valid),
      );
      return { clientMutationId: input.clientMutationId, organization: value, errors };
    },
  },
};
