import { z } from 'zod';
import { errorBody } from './errors';
import { timestamp } from './page';

const id = z.number().int();
const state = z.enum(['active', 'inactive']);

export const contact = z
  .object({
    id,
    groupId: id,
    organizationId: id.nullable(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string(),
    description: z.string(),
    state,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Contact', description: 'A contact' });

export const contactCounts = z
  .object({ all: z.number().int(), active: z.number().int(), inactive: z.number().int() })
  .meta({ id: 'ContactCounts', description: 'Contacts matching the search, in all and by state' });

export const organization = z
  .object({
    id,
    groupId: id,
    name: z.string(),
    description: z.string(),
    defaultRate: z.string().nullable().describe('a decimal as text, like 120.50'),
    state,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Organization', description: 'An organization' });

/** A contact as a work item or a suggestion shows it. */
export const contactSummary = z
  .object({
    id,
    email: z.string().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    state,
    organization: z.object({ id, name: z.string() }).nullable(),
  })
  .meta({ id: 'ContactSummary', description: 'A contact as a work item or a suggestion shows it' });

export const workItemContact = contactSummary
  .extend({
    addedVia: z.enum(['email', 'quick_action', 'api', 'move']),
    addedAt: timestamp,
  })
  .meta({ id: 'WorkItemContact', description: 'A contact of a work item, and how it got there' });

export const contactFailureReason = z.enum([
  'not_found',
  'inactive',
  'not_on_work_item',
  'limit',
  'crm_disabled',
  'forbidden',
  'invalid',
]);

const failureDetail = { reason: contactFailureReason, message: z.string() };

/** An address or contact id of a refused change, and why. */
export const contactFailure = z
  .union([
    z.object({ email: z.string(), ...failureDetail }),
    z.object({ contactId: id, ...failureDetail }),
  ])
  .meta({
    id: 'ContactFailure',
    description: 'An address or contact id that was refused, and why',
  });

/** 422 of a contact change: nothing was changed, `failures` says why for each address or id. */
export const contactChangeRefusal = errorBody.extend({ failures: z.array(contactFailure) }).meta({
  id: 'ContactChangeRefusal',
  description: 'Nothing was changed: failures says why for each address or id',
});
