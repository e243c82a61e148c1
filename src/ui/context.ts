import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { groupAbilities } from '../domain/access/abilities.service';
import { DeskError, UnprocessableError } from '../errors';
import type { Store } from '../repositories/store';
import type { FormErrors } from './forms';
import { html } from './html';
import { sendUiPage, UI, type PageContext } from './layout';

export function contextOf(request: FastifyRequest, reply: FastifyReply): PageContext {
  return { actor: request.actor ?? null, csrf: reply.generateCsrf() };
}

/** A form's text fields; anything else a browser cannot send is dropped. */
export function formOf(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** Zod's complaints as one message per field, for the fields of a form. */
export function zodErrors(error: z.ZodError): FormErrors {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? 'form');
    const missing = issue.code === 'too_small' && issue.minimum === 1;
    fields[name] ??= missing ? 'Required.' : issue.message;
  }
  return { fields };
}

/** A refused service call as form errors: a 422 names its field; 409s are about the email or name. */
export function serviceErrors(err: unknown, conflictField: string): FormErrors | null {
  if (err instanceof UnprocessableError) {
    const field = err.details?.field;
    return typeof field === 'string'
      ? { fields: { [field]: err.message } }
      : { form: err.message, fields: {} };
  }
  if (err instanceof DeskError && err.httpStatus === 409)
    return { fields: { [conflictField]: err.message } };
  return null;
}

/** A plain refusal with an HTTP status, for pages the services have nothing to say about. */
export const httpError = (statusCode: number, message: string): FastifyError =>
  Object.assign(new Error(message), { statusCode, code: 'DESK_UI', name: 'HttpError' });

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  422: 'Not possible',
};

/** Every refusal under /ui is a page: domain errors by their status, a bad CSRF token 403. */
export function uiErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status = 500;
  let message = 'Something went wrong. Try again, or tell an administrator.';
  if (err instanceof DeskError && err.httpStatus < 500) {
    status = err.httpStatus;
    message = err.message;
  } else if (err.code?.startsWith('FST_CSRF_')) {
    status = 403;
    message =
      'This form is out of date or was sent from another site. Go back, reload the page and try again.';
  } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    status = err.statusCode;
    message = err.message;
  } else request.log.error({ error: { name: err.name, message: err.message } }, 'ui page failed');
  const title = TITLES[status] ?? 'Error';
  return sendUiPage(reply, contextOf(request, reply), {
    status,
    title,
    body: html`<h1>${title}</h1>
      <p role="alert">${message}</p>
      <p><a href="${UI}/groups">Back to groups</a></p>`,
  });
}

/** Contacts and organizations are edited by Developers of the group; others get 403, or 404. */
export async function requireCrmManager(
  store: Store,
  request: FastifyRequest,
  groupId: number,
): Promise<void> {
  const can = await groupAbilities(store, request.actor!, groupId);
  if (!can.readContacts) throw httpError(404, 'group not found');
  if (!can.manageContacts)
    throw httpError(403, 'this action needs the developer role in the group');
}
