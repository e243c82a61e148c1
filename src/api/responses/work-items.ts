import { z } from 'zod';
import { contactFailureReason, contactSummary } from './crm';
import { timestamp } from './page';

const id = z.number().int();
/** bigint ids (inbound emails) travel as text: JavaScript numbers cannot hold them all. */
export const bigintId = z.string().regex(/^\d+$/);

export const workItem = z
  .object({
    id,
    projectId: id,
    iid: id.describe('the number within its project'),
    title: z.string(),
    description: z.string(),
    state: z.enum(['open', 'closed']),
    authorEmail: z.string().nullable().describe('the customer, for tickets created from email'),
    authorUserId: id.nullable(),
    serviceDesk: z.boolean().describe('created from email'),
    createdAt: timestamp,
  })
  .meta({ id: 'WorkItem', description: 'A work item' });

export const movedWorkItem = workItem
  .extend({
    contactsRemoved: z.number().int().describe('contact links removed: the contact source differs'),
  })
  .meta({
    id: 'MovedWorkItem',
    description: 'The work item in its new project, under its new iid',
  });

export const note = z
  .object({
    id,
    workItemId: id,
    body: z.string(),
    authorUserId: id.nullable(),
    authorEmail: z.string().nullable(),
    inboundEmailId: bigintId.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Note', description: 'A note on a work item' });

const command = z.enum(['add_contacts', 'remove_contacts']);

export const noteOutcome = z
  .object({
    note: note.nullable().describe('null when the body held only quick actions'),
    quickActions: z.object({
      applied: z.array(z.object({ command, email: z.string(), contactId: id })),
      failed: z.array(
        z.object({ command, email: z.string(), reason: contactFailureReason, message: z.string() }),
      ),
    }),
  })
  .meta({ id: 'NoteOutcome', description: 'The note and what its quick actions did' });

/** An address a work item's emails brought, and why it was or was not linked to a contact. */
export const participant = z
  .object({
    email: z.string(),
    role: z.enum(['from', 'cc']),
    inboundEmailId: bigintId.nullable().describe('the email that first brought the address'),
    workItemId: id,
    linkOutcome: z
      .enum([
        'linked',
        'inactive',
        'unknown',
        'limit',
        'crm_disabled',
        'own_address',
        'unauthenticated',
      ])
      .nullable()
      .describe('null until the link-contacts job has run'),
    linkReason: z
      .string()
      .nullable()
      .describe('what sender authentication said, when the group’s policy applied'),
    explanation: z.string().describe('the outcome in words'),
    contact: contactSummary
      .nullable()
      .describe('the contact, when linked (or inactive) and the caller may read it'),
    createdAt: timestamp,
  })
  .meta({
    id: 'Participant',
    description:
      'An address a work item’s emails brought, and why it was or was not linked to a contact',
  });
