import { z } from 'zod';

const MAX_INT = 2_147_483_647;

export const id = z.coerce.number().int().positive().max(MAX_INT);
export const idParams = z.object({ id });

export const pageQuery = z.object({
  cursor: id.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const crmState = z.enum(['active', 'inactive']);

export const email = z.email().max(255);

/** Whitespace-only text counts as missing. */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);

export const pageRequest = (q: { cursor?: number; limit: number }) => ({
  cursor: q.cursor ?? null,
  limit: q.limit,
});
