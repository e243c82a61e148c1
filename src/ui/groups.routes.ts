import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/access/actor';
import { groupAbilities } from '../domain/access/abilities.service';
import {
  CRM_SETTINGS_BATCH,
  crmSettingsOfGroups,
  getCrmSettings,
  updateCrmSettings,
  type CrmSettingsView,
} from '../domain/crm/crm-settings.service';
import { getGroup, listGroups } from '../domain/groups/groups.service';
import { listGroupProjects } from '../domain/projects/projects.service';
import type { GroupWithPath } from '../repositories/group.repository';
import { contextOf, formOf, serviceErrors } from './context';
import { csrfField, formError, noErrors, select, type FormErrors } from './forms';
import { html, type Html } from './html';
import { sendUiPage, UI } from './layout';
import { idsOf } from './params';
import type { UiDeps } from './ui-deps';

const MAX_GROUPS = 1000;

async function visibleGroups(deps: UiDeps, actor: Actor): Promise<GroupWithPath[]> {
  const all: GroupWithPath[] = [];
  let cursor: number | null = null;
  do {
    const page = await listGroups(deps.store, actor, {}, { cursor, limit: 100 });
    all.push(...page.items);
    cursor = page.nextCursor === null ? null : Number(page.nextCursor);
  } while (cursor !== null && all.length < MAX_GROUPS);
  return all;
}

/** The tree shows the CRM settings of the groups the actor owns, in one bounded batch. */
function treeSettings(
  deps: UiDeps,
  actor: Actor,
  groups: GroupWithPath[],
): Promise<Map<number, CrmSettingsView>> {
  return crmSettingsOfGroups(
    deps.store,
    actor,
    groups.slice(0, CRM_SETTINGS_BATCH).map((g) => g.id),
  );
}

function crmSummary(settings: CrmSettingsView | undefined, groups: GroupWithPath[]): Html | '' {
  if (!settings) return '';
  const source =
    groups.find((g) => g.id === settings.resolvedContactSourceGroupId)?.fullPath ??
    `group ${settings.resolvedContactSourceGroupId}`;
  const how = settings.contactSourceGroupId === null ? 'inherited' : 'configured';
  return html`<br /><span class="tag">CRM ${settings.enabled ? 'enabled' : 'disabled'}</span>
    <small>contact source: ${source} (${how})</small>`;
}

function tree(groups: GroupWithPath[], settings: Map<number, CrmSettingsView>): Html {
  const known = new Set(groups.map((g) => g.id));
  const children = (parent: number | null) =>
    groups.filter((g) =>
      parent === null ? g.parentId === null || !known.has(g.parentId) : g.parentId === parent,
    );
  const branch = (parent: number | null): Html => {
    const nodes = children(parent);
    if (nodes.length === 0) return html``;
    return html`<ul class="tree">
      ${nodes.map(
        (g) =>
          html`<li>
            <a href="${UI}/groups/${g.id}">${g.name}</a> <small>${g.fullPath}</small>
            ${crmSummary(settings.get(g.id), groups)}${branch(g.id)}
          </li>`,
      )}
    </ul>`;
  };
  return branch(null);
}

/** What the settings form sends; shown again as sent when it is refused. */
interface SettingsInput {
  enabled: boolean;
  contactSourceGroupId: number | null;
}

function settingsForm(
  groupId: number,
  settings: CrmSettingsView,
  groups: GroupWithPath[],
  csrf: string,
  errors: FormErrors,
  submitted?: SettingsInput,
): Html {
  const shown = submitted ?? settings;
  const pathOf = (id: number) => groups.find((g) => g.id === id)?.fullPath ?? `group ${id}`;
  const inherited = `Inherit (resolves to ${pathOf(settings.resolvedContactSourceGroupId)})`;
  return html`<section aria-labelledby="crm">
    <h2 id="crm">Customer relations</h2>
    <p>
      Contact source in use: <strong>${pathOf(settings.resolvedContactSourceGroupId)}</strong>${
        settings.contactSourceGroupId === null ? ' (inherited)' : ' (configured here)'
      }
    </p>
    <form method="post" action="${UI}/groups/${groupId}/crm-settings">
      ${csrfField(csrf)} ${formError(errors)}
      <div class="field check">
        <input
          type="checkbox"
          id="f-enabled"
          name="enabled"
          value="true"
          ${shown.enabled ? html` checked` : ''}
        /><label for="f-enabled">Customer relations enabled for this group</label>
      </div>
      ${select(
        {
          label: 'Contact source',
          name: 'contactSourceGroupId',
          value: String(shown.contactSourceGroupId ?? ''),
          choices: [
            { value: '', label: inherited },
            ...groups
              .filter((g) => g.id !== groupId)
              .map((g) => ({ value: String(g.id), label: g.fullPath })),
          ],
        },
        errors,
      )}
      <button type="submit">Save settings</button>
    </form>
  </section>`;
}

export function groupsRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/groups', async (request, reply) => {
      const groups = await visibleGroups(deps, request.actor!);
      return sendUiPage(reply, contextOf(request, reply), {
        title: 'Groups',
        body: html`<h1>Groups</h1>
          ${groups.length ? tree(groups, await treeSettings(deps, request.actor!, groups)) : html`<p>You are not a member of any group yet.</p>`}`,
      });
    });

    const groupPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      errors: FormErrors,
      submitted?: SettingsInput,
    ) => {
      const actor = request.actor!;
      const { id } = idsOf(request);
      const group = await getGroup(deps.store, actor, id);
      const can = await groupAbilities(deps.store, actor, id);
      const context = contextOf(request, reply);
      const settings = can.configureCrm
        ? settingsForm(
            id,
            await getCrmSettings(deps.store, actor, id),
            await visibleGroups(deps, actor),
            context.csrf,
            errors,
            submitted,
          )
        : '';
      const projects = await listGroupProjects(deps.store, deps.addressing, actor, id, false, {
        cursor: null,
        limit: 100,
      });
      const crm = can.readContacts
        ? html`<p class="actions">
            <a href="${UI}/groups/${id}/contacts">Contacts</a>
            <a href="${UI}/groups/${id}/organizations">Organizations</a>
          </p>`
        : can.crmEnabled
          ? ''
          : html`<p>Customer relations is disabled for this group.</p>`;
      return sendUiPage(reply, context, {
        status: errors.form || Object.keys(errors.fields).length ? 422 : 200,
        title: group.name,
        body: html`<p class="crumbs"><a href="${UI}/groups">Groups</a> / ${group.fullPath}</p>
          <h1>${group.name}</h1>
          ${crm}${settings}
          <section aria-labelledby="projects">
            <h2 id="projects">Projects</h2>
            ${
              projects.items.length
                ? html`<ul>
                    ${projects.items.map(
                      (p) =>
                        html`<li>
                          <a href="${UI}/projects/${p.id}">${p.name}</a>
                          <small>${p.serviceDeskAddress}</small>
                        </li>`,
                    )}
                  </ul>`
                : html`<p>No projects in this group.</p>`
            }
          </section>`,
      });
    };

    app.get('/groups/:id', (request, reply) => groupPage(request, reply, noErrors()));

    app.post('/groups/:id/crm-settings', async (request, reply) => {
      const { id } = idsOf(request);
      const form = formOf(request);
      const source = form.contactSourceGroupId ? Number(form.contactSourceGroupId) : null;
      const input = {
        enabled: form.enabled === 'true',
        contactSourceGroupId:
          source !== null && Number.isSafeInteger(source) && source > 0 ? source : null,
      };
      try {
        await updateCrmSettings(deps.store, request.actor!, id, input);
      } catch (err) {
        const errors = serviceErrors(err, 'contactSourceGroupId');
        if (!errors) throw err;
        return groupPage(request, reply, errors, input);
      }
      return reply.redirect(`${UI}/groups/${id}`, 303);
    });
  };
}
