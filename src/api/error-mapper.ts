import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DeskError, TooManyAttemptsError, UnprocessableError } from '../errors';

const NAMES: Record<number, string> = {
  400: 'invalid request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  413: 'payload too large',
  415: 'unsupported media type',
  422: 'unprocessable',
  429: 'too many requests',
  503: 'unavailable',
};

const nameOf = (status: number) => NAMES[status] ?? (status < 500 ? 'invalid request' : 'error');

const MAX_LOGGED_MESSAGE = 200;

/**
 * What of an unexpected error may reach the log. Database errors carry the statement, its
 * parameters and the failing row (`query`, `parameters`, `driverError.detail`), which hold
 * note bodies and addresses (DESIGN §5), so only the name, a cut message and the code go out.
 */
export function loggableError(err: unknown): { name: string; message: string; code?: string } {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message:
      message.length > MAX_LOGGED_MESSAGE ? `${message.slice(0, MAX_LOGGED_MESSAGE)}…` : message,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: String(e.code) } : {}),
  };
}

/** The API's one error mapper: domain errors by their status, bad input 400, the rest 500. */
export function mapError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issue = err.validation[0]!;
    const field = issue.instancePath.slice(1).replaceAll('/', '.') || err.validationContext;
    void reply.status(400).send({ error: 'invalid request', field, message: issue.message });
    return;
  }
  if (err instanceof DeskError) {
    if (err.httpStatus >= 500) request.log.warn({ err: err.message }, 'request failed');
    const details = err instanceof UnprocessableError ? err.details : undefined;
    if (err instanceof TooManyAttemptsError)
      void reply.header('retry-after', String(err.retryAfterSeconds));
    void reply
      .status(err.httpStatus)
      .send({ error: nameOf(err.httpStatus), message: err.message, ...details });
    return;
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    void reply.status(err.statusCode).send({ error: nameOf(err.statusCode), message: err.message });
    return;
  }
  // not under `err`: pino's error serializer would add the stack back
  request.log.error({ error: loggableError(err) }, 'request failed');
  void reply.status(500).send({ error: 'internal error' });
}
