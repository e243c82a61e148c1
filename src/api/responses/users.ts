import { z } from 'zod';
import { timestamp } from './page';

export const user = z
  .object({
    id: z.number().int(),
    username: z.string(),
    name: z.string(),
    email: z.string(),
    isAdmin: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'User', description: 'A user' });

export const createdToken = z
  .object({
    id: z.number().int(),
    name: z.string(),
    token: z.string().describe('the secret, shown this once: send it as Authorization: Bearer'),
    createdAt: timestamp,
  })
  .meta({ id: 'CreatedToken', description: 'A new API token, its secret shown this once' });

export const token = z
  .object({
    id: z.number().int(),
    name: z.string(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'Token', description: 'An API token, without its secret' });
