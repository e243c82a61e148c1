import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Contact } from '../../entities/contact.entity';
import { fields } from '../api/routes/contacts.routes';
import { groupAbilities } from '../domain/access/abilities.service';
import {
  countContacts,
  createContact,
  getContact,
  listContacts,
  updateContact,
} from '../domain/crm/contacts.service';
import { listOrganizations } from '../domain/crm/organizations.service';
import { getGroup } from '../domain/groups/groups.service';
import { contextOf } from './context';
import { csrfField, field, noErrors, select, textarea, type FormErrors } from './forms';
import { html, table } from './html';
import { sendUiPage, UI } from './layout';
import { optionalId, PAGE_SIZE, pager } from './paging';
import { idsOf } from './params';
import { crmRecordRoutes, STATES } from './crm-record-routes';
import type { UiDeps } from './ui-deps';

const contactForm = z.object(fields);

/** A form's strings as the API's fields: blanks are "not set". */
function contactInput(form: Record<string, string>) {
  return contactForm.safeParse({
    firstName: form.firstName ?? '',
    lastName: form.lastName ?? '',
    email: form.email?.trim() ? form.email.trim() : null,
    phone: form.phone ?? '',
    description: form.description ?? '',
    organizationId: optionalId(form.organizationId) ?? null,
    state: STATES.find((s) => s === form.state) ?? 'active',
  });
}

export function contactsRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    const organizationsOf = async (request: FastifyRequest, groupId: number) =>
      (
        await listOrganizations(
          deps.store,
          request.actor!,
          groupId,
          {},
          { cursor: null, limit: 200 },
        )
      ).items;

    app.get('/groups/:id/contacts', async (request, reply) => {
      const actor = request.actor!;
      const { id } = idsOf(request);
      const q = request.query as Record<string, string | undefined>;
      const search = q.search?.trim() || undefined;
      const state = STATES.find((s) => s === q.state);
      const organizationId = optionalId(q.organizationId);
      const cursor = optionalId(q.cursor);
      const group = await getGroup(deps.store, actor, id);
      const [page, counts, organizations, can] = await Promise.all([
        listContacts(
          deps.store,
          actor,
          id,
          { search, state, organizationId },
          { cursor: cursor ?? null, limit: PAGE_SIZE },
        ),
        countContacts(deps.store, actor, id, search),
        organizationsOf(request, id),
        groupAbilities(deps.store, actor, id),
      ]);
      const context = contextOf(request, reply);
      const path = `${UI}/groups/${id}/contacts`;
      const orgName = (orgId: number | null) =>
        organizations.find((o) => o.id === orgId)?.name ?? '';
      const row = (c: Contact) =>
        html`<tr>
          <td data-label="Name">${c.firstName} ${c.lastName}</td>
          <td data-label="Email">${c.email ?? ''}</td>
          <td data-label="Organization">${orgName(c.organizationId)}</td>
          <td data-label="State"><span class="tag">${c.state}</span></td>
          ${
            can.manageContacts
              ? html`<td class="actions">
                  <a href="${path}/${c.id}/edit" aria-label="Edit ${c.firstName} ${c.lastName}"
                    >Edit</a
                  >
                  <form method="post" action="${path}/${c.id}/state" class="inline">
                    ${csrfField(context.csrf)}
                    <input
                      type="hidden"
                      name="state"
                      value="${c.state === 'active' ? 'inactive' : 'active'}"
                    />
                    <button type="submit" class="secondary">
                      ${c.state === 'active' ? 'Deactivate' : 'Activate'}
                    </button>
                  </form>
                </td>`
              : ''
          }
        </tr>`;
      return sendUiPage(reply, context, {
        title: `Contacts of ${group.name}`,
        body: html`<p class="crumbs">
            <a href="${UI}/groups">Groups</a> / <a href="${UI}/groups/${id}">${group.fullPath}</a>
          </p>
          <h1>Contacts</h1>
          <ul class="counts" aria-label="Counts">
            <li>All: <strong>${counts.all}</strong></li>
            <li>Active: <strong>${counts.active}</strong></li>
            <li>Inactive: <strong>${counts.inactive}</strong></li>
          </ul>
          ${can.manageContacts ? html`<p><a class="button" href="${path}/new">New contact</a></p>` : ''}
          <form method="get" action="${path}" class="filters" role="search">
            ${field({ label: 'Search', name: 'search', value: search, type: 'search', hint: 'email, first or last name' }, noErrors())}
            ${select(
              {
                label: 'State',
                name: 'state',
                value: state ?? '',
                choices: [
                  { value: '', label: 'Any' },
                  { value: 'active', label: 'Active' },
                  { value: 'inactive', label: 'Inactive' },
                ],
              },
              noErrors(),
            )}
            ${select({ label: 'Organization', name: 'organizationId', value: String(organizationId ?? ''), choices: [{ value: '', label: 'Any' }, ...organizations.map((o) => ({ value: String(o.id), label: o.name }))] }, noErrors())}
            <button type="submit">Filter</button>
          </form>
          ${
            page.items.length
              ? table(
                  ['Name', 'Email', 'Organization', 'State', can.manageContacts && 'Actions'],
                  page.items.map(row),
                )
              : html`<p>No contacts match.</p>`
          }
          ${pager(path, { search, state, organizationId }, q.cursor, page.nextCursor)}`,
      });
    });

    const formFields = async (
      request: FastifyRequest,
      groupId: number,
      value: (field: string) => string,
      errors: FormErrors,
    ) => {
      const organizations = await organizationsOf(request, groupId);
      // prettier-ignore
      return html`${field({ label: 'First name', name: 'firstName', value: value('firstName'), required: true, maxLength: 255 }, errors)}
        ${field({ label: 'Last name', name: 'lastName', value: value('lastName'), required: true, maxLength: 255 }, errors)}
        ${field({ label: 'Email', name: 'email', type: 'email', value: value('email'), maxLength: 255 }, errors)}
        ${field({ label: 'Phone', name: 'phone', type: 'tel', value: value('phone'), maxLength: 32 }, errors)}
        ${select({ label: 'Organization', name: 'organizationId', value: value('organizationId'), choices: [{ value: '', label: 'None' }, ...organizations.map((o) => ({ value: String(o.id), label: o.name }))] }, errors)}
        ${textarea({ label: 'Description', name: 'description', value: value('description'), maxLength: 1024 }, errors)}`;
    };

    crmRecordRoutes(app, deps.store, {
      segment: 'contacts',
      noun: 'contact',
      listName: 'Contacts',
      conflictField: 'email',
      input: contactInput,
      load: (request, groupId, id) => getContact(deps.store, request.actor!, groupId, id),
      save: (request, groupId, id, input) =>
        id === undefined
          ? createContact(deps.store, request.actor!, groupId, input)
          : updateContact(deps.store, request.actor!, groupId, id, input),
      setState: (request, groupId, id, state) =>
        updateContact(deps.store, request.actor!, groupId, id, { state }),
      fields: formFields,
    });
  };
}
