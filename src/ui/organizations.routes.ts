import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Organization } from '../../entities/organization.entity';
import { fields } from '../api/routes/organizations.routes';
import { groupAbilities } from '../domain/access/abilities.service';
import {
  countOrganizations,
  createOrganization,
  getOrganization,
  listOrganizations,
  updateOrganization,
} from '../domain/crm/organizations.service';
import { getGroup } from '../domain/groups/groups.service';
import { contextOf } from './context';
import { csrfField, field, noErrors, select, textarea, type FormErrors } from './forms';
import { html, table } from './html';
import { sendUiPage, UI } from './layout';
import { optionalId, PAGE_SIZE, pager } from './paging';
import { idsOf } from './params';
import { crmRecordRoutes, STATES } from './crm-record-routes';
import type { UiDeps } from './ui-deps';

const organizationForm = z.object(fields);

function organizationInput(form: Record<string, string>) {
  return organizationForm.safeParse({
    name: form.name ?? '',
    description: form.description ?? '',
    defaultRate: form.defaultRate?.trim() ? form.defaultRate.trim() : null,
    state: STATES.find((s) => s === form.state) ?? 'active',
  });
}

export function organizationsRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/groups/:id/organizations', async (request, reply) => {
      const actor = request.actor!;
      const { id } = idsOf(request);
      const q = request.query as Record<string, string | undefined>;
      const search = q.search?.trim() || undefined;
      const state = STATES.find((s) => s === q.state);
      const cursor = optionalId(q.cursor) ?? null;
      const group = await getGroup(deps.store, actor, id);
      const [page, counts, can] = await Promise.all([
        listOrganizations(deps.store, actor, id, { search, state }, { cursor, limit: PAGE_SIZE }),
        countOrganizations(deps.store, actor, id, search),
        groupAbilities(deps.store, actor, id),
      ]);
      const context = contextOf(request, reply);
      const path = `${UI}/groups/${id}/organizations`;
      const row = (o: Organization) =>
        html`<tr>
          <td data-label="Name">
            <a href="${UI}/groups/${id}/contacts?organizationId=${o.id}">${o.name}</a>
          </td>
          <td data-label="Default rate">${o.defaultRate ?? ''}</td>
          <td data-label="Description">${o.description}</td>
          <td data-label="State"><span class="tag">${o.state}</span></td>
          ${
            can.manageContacts
              ? html`<td class="actions">
                  <a href="${path}/${o.id}/edit" aria-label="Edit ${o.name}">Edit</a>
                  <form method="post" action="${path}/${o.id}/state" class="inline">
                    ${csrfField(context.csrf)}
                    <input
                      type="hidden"
                      name="state"
                      value="${o.state === 'active' ? 'inactive' : 'active'}"
                    />
                    <button type="submit" class="secondary">
                      ${o.state === 'active' ? 'Deactivate' : 'Activate'}
                    </button>
                  </form>
                </td>`
              : ''
          }
        </tr>`;
      return sendUiPage(reply, context, {
        title: `Organizations of ${group.name}`,
        body: html`<p class="crumbs">
            <a href="${UI}/groups">Groups</a> / <a href="${UI}/groups/${id}">${group.fullPath}</a>
          </p>
          <h1>Organizations</h1>
          <ul class="counts" aria-label="Counts">
            <li>All: <strong>${counts.all}</strong></li>
            <li>Active: <strong>${counts.active}</strong></li>
            <li>Inactive: <strong>${counts.inactive}</strong></li>
          </ul>
          ${can.manageContacts ? html`<p><a class="button" href="${path}/new">New organization</a></p>` : ''}
          <form method="get" action="${path}" class="filters" role="search">
            ${field({ label: 'Search', name: 'search', value: search, type: 'search', hint: 'part of the name' }, noErrors())}
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
            <button type="submit">Filter</button>
          </form>
          ${
            page.items.length
              ? table(
                  ['Name', 'Default rate', 'Description', 'State', can.manageContacts && 'Actions'],
                  page.items.map(row),
                )
              : html`<p>No organizations match.</p>`
          }
          ${pager(path, { search, state }, q.cursor, page.nextCursor)}`,
      });
    });

    const formFields = async (
      _request: FastifyRequest,
      _groupId: number,
      value: (field: string) => string,
      errors: FormErrors,
    ) =>
      // prettier-ignore
      html`${field({ label: 'Name', name: 'name', value: value('name'), required: true, maxLength: 255 }, errors)}
        ${field({ label: 'Default rate', name: 'defaultRate', value: value('defaultRate'), hint: 'a decimal, like 120.50', autocomplete: 'off' }, errors)}
        ${textarea({ label: 'Description', name: 'description', value: value('description'), maxLength: 1024 }, errors)}`;

    crmRecordRoutes(app, deps.store, {
      segment: 'organizations',
      noun: 'organization',
      listName: 'Organizations',
      conflictField: 'name',
      input: organizationInput,
      load: (request, groupId, id) => getOrganization(deps.store, request.actor!, groupId, id),
      save: (request, groupId, id, input) =>
        id === undefined
          ? createOrganization(deps.store, request.actor!, groupId, input)
          : updateOrganization(deps.store, request.actor!, groupId, id, input),
      setState: (request, groupId, id, state) =>
        updateOrganization(deps.store, request.actor!, groupId, id, { state }),
      fields: formFields,
    });
  };
}
