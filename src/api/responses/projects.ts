import { z } from 'zod';
import { timestamp } from './page';

export const project = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    name: z.string(),
    path: z.string(),
    serviceDeskEnabled: z.boolean(),
    serviceDeskKey: z.string(),
    serviceDeskAddress: z.string().describe('where customers write to open tickets'),
    createdAt: timestamp,
  })
  .meta({ id: 'Project', description: 'A project and its Service Desk address' });

export const projectTransfer = project
  .extend({
    contactsRemoved: z
      .number()
      .int()
      .describe('work-item contact links removed because the contact source changed'),
  })
  .meta({ id: 'ProjectTransfer', description: 'The project in its new group' });
