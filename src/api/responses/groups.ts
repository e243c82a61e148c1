import { z } from 'zod';
import { SENDER_AUTH_POLICIES } from '../../../entities/group-crm-settings.entity';
import { ROLE_NAMES } from '../../domain/access/roles';
import { timestamp } from './page';

const id = z.number().int();
const role = z.enum(ROLE_NAMES);
const senderAuthPolicy = z.enum(SENDER_AUTH_POLICIES);

export const group = z
  .object({
    id,
    name: z.string(),
    path: z.string(),
    parentId: id.nullable(),
    traversalIds: z.array(id).describe('ancestor ids, root first, ending with the group’s own'),
    fullPath: z.string().describe('the paths from the root down, joined by /'),
    createdAt: timestamp,
  })
  .meta({ id: 'Group', description: 'A group' });

const contactMigration = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unchanged') }),
  z.object({
    kind: z.enum(['moved', 'copied']),
    from: id.describe('the old contact source group'),
    to: id.describe('the new contact source group'),
    contacts: z.number().int(),
    organizations: z.number().int(),
    duplicateContacts: z.number().int().describe('merged into a contact the new source had'),
    duplicateOrganizations: z.number().int(),
  }),
]);

export const groupTransfer = group
  .extend({ contacts: contactMigration.describe('what became of the contacts (DESIGN §3)') })
  .meta({
    id: 'GroupTransfer',
    description: 'The group where it now is, and what became of its contacts',
  });

export const crmSettings = z
  .object({
    enabled: z.boolean(),
    contactSourceGroupId: id.nullable().describe('the configured source; null: inherited'),
    resolvedContactSourceGroupId: id.describe('the group whose contacts are used'),
    senderAuthPolicy: senderAuthPolicy
      .nullable()
      .describe('the group’s own sender-authentication policy; null: inherited'),
    resolvedSenderAuthPolicy: senderAuthPolicy.describe('the policy linking applies'),
  })
  .meta({ id: 'CrmSettings', description: 'A group’s customer relations settings' });

export const member = z
  .object({
    userId: id,
    username: z.string(),
    name: z.string(),
    role,
    accessLevel: z.number().int(),
    membershipGroupId: id.describe('the group the role is granted in'),
    inherited: z.boolean().describe('true when the role comes from an ancestor group'),
  })
  .meta({ id: 'Member', description: 'A member of a group, directly or through an ancestor' });

export const membership = z
  .object({ groupId: id, userId: id, role, accessLevel: z.number().int() })
  .meta({ id: 'Membership', description: 'A user’s own role in a group' });
