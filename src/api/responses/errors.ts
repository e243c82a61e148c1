import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { TOKEN_GUESSES } from '../token-guess-limiter';

/** What src/api/error-mapper.ts sends for every 4xx and 5xx. */
export const errorBody = z
  .looseObject({
    error: z
      .string()
      .describe(
        'the status in words: invalid request, unauthorized, forbidden, not found, conflict, unprocessable, payload too large, unsupported media type, too many requests, unavailable, internal error',
      ),
    message: z.string().optional().describe('what went wrong, for a person'),
    field: z
      .string()
      .optional()
      .describe(
        'the input at fault: a body field path (a.b), a query or path parameter, or body, querystring, params',
      ),
  })
  .meta({ id: 'Error', description: 'What went wrong' });

const WHEN = {
  400: 'Invalid request: a parameter or the body does not match its schema (field names it), or the body is not valid JSON',
  401: 'No bearer token, or one nobody issued or that was revoked',
  403: 'The caller may see the resource but its role is too low for this',
  404: 'Not found, or not visible to the caller (contacts: or customer relations disabled there)',
  409: 'Conflicts with the current state (a path or name taken, the last Owner, a state that forbids it)',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not JSON',
  422: 'Well-formed, but refused by the business rules (field names the input at fault)',
  429: `This address presented too many unknown or revoked tokens (${TOKEN_GUESSES.limit} in ${TOKEN_GUESSES.windowSeconds / 60} minutes): it waits ${TOKEN_GUESSES.waitSeconds / 60} minutes, as Retry-After says`,
  500: 'An unexpected failure, logged without request data',
  503: 'PostgreSQL is unreachable: retry later',
} as const;

type ErrorStatus = keyof typeof WHEN;

/** An error response as OpenAPI shows it: when it happens, and its body. */
export const errorResponse = <T extends z.ZodType>(status: ErrorStatus, schema: T) => ({
  description: WHEN[status],
  content: { 'application/json': { schema } },
});

/** The error statuses a route's domain service can answer, besides those every route can. */
export const errors = <S extends 403 | 404 | 409 | 422>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, errorResponse(s, errorBody)])) as Record<
    S,
    ReturnType<typeof errorResponse<typeof errorBody>>
  >;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An `onRoute` hook for the admin API: documents the statuses any of its routes can answer, so
 * each route lists only its own. 400 bad input, 401 no or a revoked token, 413/415 a body too
 * large or not JSON, 429 too many unknown tokens from the address, 500 a bug, 503 PostgreSQL
 * unreachable.
 */
export function documentCommonErrors(route: RouteOptions): void {
  const methods = [route.method].flat();
  const schema = (route.schema ??= {});
  const takesInput =
    schema.params !== undefined || schema.querystring !== undefined || schema.body !== undefined;
  const parsesBody = methods.some((m) => BODY_METHODS.has(m));
  const statuses: ErrorStatus[] = [
    ...(takesInput || parsesBody ? [400 as const] : []),
    401,
    ...(parsesBody ? [413 as const, 415 as const] : []),
    429,
    500,
    503,
  ];
  const response = (schema.response ??= {}) as Record<number, unknown>;
  for (const status of statuses) response[status] ??= errorResponse(status, errorBody);
}
