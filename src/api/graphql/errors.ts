import type { FastifyBaseLogger } from 'fastify';
import { GraphQLError, type ExecutionResult } from 'graphql';
import {
  ConflictError,
  DeskError,
  ForbiddenError,
  NotFoundError,
  TooManyAttemptsError,
  UnprocessableError,
} from '../../errors';
import { loggableError } from '../error-mapper';

/** GitLab's one answer for a record that does not exist or that the actor may not touch. */
export const RESOURCE_ACCESS_ERROR =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/** What a mutation payload carries: the record, or why the change was refused. */
export interface Outcome<T> {
  value: T | null;
  errors: string[];
}

/**
 * Runs a domain call for a mutation. Refusals GitLab lists in the payload's `errors` (a rule
 * refuses the input, a duplicate) come back there; the rest (not found, no permission) throw on
 * to become top-level errors, as GitLab's do.
 */
export async function outcomeOf<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await run(), errors: [] };
  } catch (err) {
    if (err instanceof UnprocessableError || err instanceof ConflictError)
      return { value: null, errors: [err.message] };
    throw err;
  }
}

/** What a query shows when the domain says not found or not allowed: null, as GitLab does. */
export async function nullWhenHidden<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ForbiddenError) return null;
    throw err;
  }
}

/** An error fastify or mercurius raised for a bad request (bad JSON, validation, depth). */
function isClientError(err: Error): err is Error & { statusCode: number } {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status < 500 && !(err instanceof DeskError);
}

/** mercurius gathers validation failures in one error; each becomes its own entry. */
function flatten(error: GraphQLError): GraphQLError[] {
  const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(inner)) return [error];
  return inner.map((e: Error) => (e instanceof GraphQLError ? e : new GraphQLError(e.message)));
}

/** One error as a client may see it: desk's messages, GitLab's for access, never internals. */
function present(error: GraphQLError, log: FastifyBaseLogger): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError || isClientError(original)) return error;
  const at = { nodes: error.nodes, path: error.path };
  if (original instanceof NotFoundError || original instanceof ForbiddenError)
    return new GraphQLError(RESOURCE_ACCESS_ERROR, {
      ...at,
      extensions: { code: 'RESOURCE_NOT_AVAILABLE', reason: original.message },
    });
  if (original instanceof DeskError)
    return new GraphQLError(original.message, {
      ...at,
      extensions: { code: original.name, status: original.httpStatus },
    });
  // not under `err`: pino's serializer would add the stack and the statement back
  log.error({ error: loggableError(original), path: error.path }, 'graphql request failed');
  return new GraphQLError('Internal server error', at);
}

/** The HTTP status of a reply without data: a refused token 401, a bad request 400. */
function statusOf(execution: ExecutionResult & { statusCode?: number }): number {
  if (execution.data) return 200;
  if (execution.statusCode) return execution.statusCode;
  const original = execution.errors?.length === 1 ? execution.errors[0]!.originalError : undefined;
  // refusals of the whole request (a token, an address waiting its turn) rather than of a field
  const refusal = (status: number) => status === 401 || status === 429 || status >= 500;
  if (original instanceof DeskError && refusal(original.httpStatus)) return original.httpStatus;
  if (original && isClientError(original)) return original.statusCode;
  return 200;
}

/** mercurius's errorFormatter: every error of every reply of /api/graphql passes here. */
export function formatErrors(
  execution: ExecutionResult & { statusCode?: number },
  context: {
    reply?: { log: FastifyBaseLogger; header(name: string, value: string): unknown };
    app: { log: FastifyBaseLogger };
  },
) {
  const log = context.reply?.log ?? context.app.log;
  const waiting = execution.errors?.find((e) => e.originalError instanceof TooManyAttemptsError);
  if (waiting)
    context.reply?.header(
      'retry-after',
      String((waiting.originalError as TooManyAttemptsError).retryAfterSeconds),
    );
  const errors = (execution.errors ?? []).flatMap(flatten).map((e) => present(e, log));
  return {
    statusCode: statusOf(execution),
    response: { data: execution.data ?? null, errors: errors.map((e) => e.toJSON()) },
  };
}
