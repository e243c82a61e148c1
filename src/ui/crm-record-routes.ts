import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Store } from '../repositories/store';
import { getGroup } from '../domain/groups/groups.service';
import {
  contextOf,
  formOf,
  httpError,
  requireCrmManager,
  serviceErrors,
  zodErrors,
} from './context';
import { csrfField, formError, noErrors, stateSelect, type FormErrors } from './forms';
import { html, type Html } from './html';
import { sendUiPage, UI } from './layout';
import { idsOf } from './params';

export const STATES = ['active', 'inactive'] as const;
export type CrmState = (typeof STATES)[number];

/** What was typed into a form, shown again with its errors (with the record's id when editing). */
export type Typed = { [field: string]: string | number | undefined; id?: number };

/** How one kind of CRM record (contacts, organizations) is read, written and shown. */
export interface CrmRecordPages<Input, Loaded extends { id: number }> {
  /** The path segment under a group: `contacts`, `organizations`. */
  segment: string;
  /** In titles and buttons: `contact`. */
  noun: string;
  /** The list the form's crumbs lead back to: `Contacts`. */
  listName: string;
  /** The field a conflict (an email or a name already taken) is shown next to. */
  conflictField: string;
  input(form: Record<string, string>): z.ZodSafeParseResult<Input>;
  load(request: FastifyRequest, groupId: number, id: number): Promise<Loaded>;
  /** Creates the record when `id` is undefined, else updates it. */
  save(
    request: FastifyRequest,
    groupId: number,
    id: number | undefined,
    input: Input,
  ): Promise<unknown>;
  setState(request: FastifyRequest, groupId: number, id: number, state: CrmState): Promise<unknown>;
  /** The record's own fields; the form around them adds CSRF, the form's error, state and submit. */
  fields(
    request: FastifyRequest,
    groupId: number,
    value: (field: string) => string,
    errors: FormErrors,
  ): Promise<Html>;
}

/**
 * The new, edit, save and state routes both kinds of record share: a Developer of the contact
 * source sees the forms; a refused save shows its errors next to the fields.
 */
export function crmRecordRoutes<Input, Loaded extends { id: number }>(
  app: FastifyInstance,
  store: Store,
  pages: CrmRecordPages<Input, Loaded>,
) {
  const base = `/groups/:id/${pages.segment}`;
  const list = (groupId: number) => `${UI}/groups/${groupId}/${pages.segment}`;

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    groupId: number,
    shown: Loaded | Typed,
    errors: FormErrors,
  ) => {
    const group = await getGroup(store, request.actor!, groupId);
    const context = contextOf(request, reply);
    const editing = shown.id !== undefined;
    const action = `${list(groupId)}${editing ? `/${shown.id}` : ''}`;
    const value = (k: string) => {
      const v = (shown as Record<string, unknown>)[k];
      return v === null || v === undefined ? '' : String(v as string | number);
    };
    const invalid = errors.form || Object.keys(errors.fields).length > 0;
    const title = `${editing ? 'Edit' : 'New'} ${pages.noun}`;
    return sendUiPage(reply, context, {
      status: invalid ? 422 : 200,
      title,
      body: html`<p class="crumbs">
          <a href="${list(groupId)}">${pages.listName} of ${group.fullPath}</a>
        </p>
        <h1>${title}</h1>
        <form method="post" action="${action}" novalidate>
          ${csrfField(context.csrf)}${formError(errors)}
          ${await pages.fields(request, groupId, value, errors)}
          ${stateSelect(value('state'), errors)}
          <button type="submit">${editing ? 'Save' : 'Create'} ${pages.noun}</button>
        </form>`,
    });
  };

  app.get(`${base}/new`, async (request, reply) => {
    const { id } = idsOf(request);
    await requireCrmManager(store, request, id);
    return formPage(request, reply, id, {}, noErrors());
  });

  app.get(`${base}/:sub/edit`, async (request, reply) => {
    const { id, sub } = idsOf(request);
    await requireCrmManager(store, request, id);
    return formPage(request, reply, id, await pages.load(request, id, sub), noErrors());
  });

  const save = async (request: FastifyRequest, reply: FastifyReply, recordId?: number) => {
    const { id } = idsOf(request);
    const form = formOf(request);
    const parsed = pages.input(form);
    const shown = { ...form, id: recordId };
    if (!parsed.success) return formPage(request, reply, id, shown, zodErrors(parsed.error));
    try {
      await pages.save(request, id, recordId, parsed.data);
    } catch (err) {
      const errors = serviceErrors(err, pages.conflictField);
      if (!errors) throw err;
      return formPage(request, reply, id, shown, errors);
    }
    return reply.redirect(list(id), 303);
  };

  app.post(base, (request, reply) => save(request, reply));
  app.post(`${base}/:sub`, (request, reply) => save(request, reply, idsOf(request).sub));

  app.post(`${base}/:sub/state`, async (request, reply) => {
    const { id, sub } = idsOf(request);
    const state = STATES.find((s) => s === formOf(request).state);
    if (!state) throw httpError(400, 'state must be active or inactive');
    await pages.setState(request, id, sub, state);
    return reply.redirect(list(id), 303);
  });
}
