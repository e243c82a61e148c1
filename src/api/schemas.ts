import { z } from 'zod';

const MAX_INT = 2_147_483_647;

/** An id in a JSON body: a real integer, never a string or boolean coerced into one. */
export const id = z.number().int().positive().max(MAX_INT);
/** An id in a path or query string, where everything arrives as text. */
export const idParam = z.coerce.number().int().positive().max(MAX_INT);
export const idParams = z.object({ id: idParam });

export const pageQuery = z.object({
  cursor: idParam.optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/**
 * `true` or `false` in a query string: z.coerce.boolean would read "false" as true, and an enum
 * (unlike z.stringbool) shows OpenAPI clients the two values.
 */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A moment in a query string: a date, or a date and time with its UTC offset. */
export const instantQuery = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'expected an ISO 8601 date (2026-12-01) or date and time (2026-12-01T09:30:00Z)',
  })
  .transform((s) => new Date(s));

export const crmState = z.enum(['active', 'inactive']);

export const email = z.email().max(255);

/** PostgreSQL cannot store U+0000 in text: refused here (400 naming the field), not as a 500. */
const withoutNul = (s: string) => !s.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters (\\u0000)';

/** Any text input; every string schema of the API goes through this or `requiredText`. */
export const text = (max: number) => z.string().max(max).refine(withoutNul, NUL_MESSAGE);

/** Whitespace-only text counts as missing. */
export const requiredText = (max: number) =>
  z.string().trim().min(1).max(max).refine(withoutNul, NUL_MESSAGE);

/** A URL-safe path segment of a group, project or username. */
export const slug = z
  .string()
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/, 'letters, digits, _ . - only, not starting with . or -')
  .max(255);

export const pageRequest = (q: { cursor?: number; limit: number }) => ({
  cursor: q.cursor ?? null,
  limit: q.limit,
});
