import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { workItemAbilities } from '../domain/access/abilities.service';
import { explainLinkOutcome } from '../domain/crm/explain-link-outcome';
import {
  autocompleteContacts,
  changeWorkItemContacts,
  listWorkItemContacts,
} from '../domain/crm/work-item-contacts.service';
import { getProject } from '../domain/projects/projects.service';
import { createNote, listNotes } from '../domain/work-items/notes.service';
import { listParticipants } from '../domain/work-items/participants.service';
import { getWorkItem, listWorkItems } from '../domain/work-items/work-items.service';
import { contextOf, formOf } from './context';
import { csrfField, formError, noErrors, textarea, type FormErrors } from './forms';
import { html, table } from './html';
import { sendUiPage, UI } from './layout';
import { optionalId, PAGE_SIZE, pager } from './paging';
import { idsOf } from './params';
import type { UiDeps } from './ui-deps';

const MAX_PREFIX = 255;

export function ticketsRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/projects/:id', async (request, reply) => {
      const actor = request.actor!;
      const { id } = idsOf(request);
      const q = request.query as Record<string, string | undefined>;
      const project = await getProject(deps.store, deps.addressing, actor, id);
      const page = await listWorkItems(
        deps.store,
        actor,
        id,
        {},
        {
          cursor: optionalId(q.cursor) ?? null,
          limit: PAGE_SIZE,
        },
      );
      const path = `${UI}/projects/${id}`;
      return sendUiPage(reply, contextOf(request, reply), {
        title: project.name,
        body: html`<p class="crumbs"><a href="${UI}/groups/${project.groupId}">Group</a></p>
          <h1>${project.name}</h1>
          <p>Support address: <code>${project.serviceDeskAddress}</code></p>
          <h2>Tickets</h2>
          ${
            page.items.length
              ? table(
                  ['#', 'Title', 'State', 'From'],
                  page.items.map(
                    (w) =>
                      html`<tr>
                        <td data-label="#">${w.iid}</td>
                        <td data-label="Title">
                          <a href="${path}/work-items/${w.iid}">${w.title}</a>
                        </td>
                        <td data-label="State">${w.state}</td>
                        <td data-label="From">${w.authorEmail ?? ''}</td>
                      </tr>`,
                  ),
                )
              : html`<p>No tickets yet.</p>`
          }
          ${pager(path, {}, q.cursor, page.nextCursor)}`,
      });
    });

    const ticketPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      errors: FormErrors,
      notice?: string,
    ) => {
      const actor = request.actor!;
      const { id, sub: iid } = idsOf(request);
      const workItem = await getWorkItem(deps.store, actor, id, iid);
      const can = await workItemAbilities(deps.store, actor, id, iid);
      const [notes, contacts, participants, suggestions] = await Promise.all([
        listNotes(deps.store, actor, id, iid),
        can.readContacts ? listWorkItemContacts(deps.store, actor, id, iid) : [],
        can.readParticipants ? listParticipants(deps.store, actor, id, iid) : [],
        can.changeContacts ? autocompleteContacts(deps.store, actor, id, iid, 'add', '') : [],
      ]);
      const context = contextOf(request, reply);
      const path = `${UI}/projects/${id}/work-items/${iid}`;
      const source = can.contactSource ?? undefined;
      const invalid = errors.form || Object.keys(errors.fields).length > 0;
      const contactsSection = can.readContacts
        ? html`<section aria-labelledby="contacts">
            <h2 id="contacts">Contacts</h2>
            ${source ? html`<p><small>Contact source: ${source}</small></p>` : ''}
            ${
              contacts.length
                ? table(
                    ['Name', 'Email', 'Organization', can.changeContacts && 'Actions'],
                    contacts.map(
                      (c) =>
                        html`<tr>
                          <td data-label="Name">${c.firstName} ${c.lastName}</td>
                          <td data-label="Email">${c.email ?? ''}</td>
                          <td data-label="Organization">${c.organization?.name ?? ''}</td>
                          ${
                            can.changeContacts
                              ? html`<td>
                                  <form
                                    method="post"
                                    action="${path}/contacts/remove"
                                    class="inline"
                                  >
                                    ${csrfField(context.csrf)}
                                    <input type="hidden" name="contactId" value="${c.id}" />
                                    <button
                                      type="submit"
                                      class="secondary"
                                      aria-label="Remove ${c.email ?? c.lastName}"
                                    >
                                      Remove
                                    </button>
                                  </form>
                                </td>`
                              : ''
                          }
                        </tr>`,
                    ),
                  )
                : html`<p>No contacts on this ticket.</p>`
            }
            ${
              can.changeContacts
                ? html`<form method="post" action="${path}/contacts" class="filters">
                    ${csrfField(context.csrf)}${formError(errors)}
                    <div class="field${errors.fields.email ? ' invalid' : ''}">
                      <label for="f-email">Add a contact by email</label>
                      <input
                        id="f-email"
                        name="email"
                        type="email"
                        list="contact-options"
                        autocomplete="off"
                        required
                        hx-get="${path}/autocomplete"
                        hx-trigger="input changed delay:200ms"
                        hx-target="#contact-options"
                        hx-swap="innerHTML"
                        ${errors.fields.email ? html`aria-invalid="true" aria-describedby="f-email-error"` : ''}
                      />
                      <datalist id="contact-options">
                        ${suggestions.map((s) => html`<option value="${s.email ?? ''}">${s.firstName} ${s.lastName}</option>`)}
                      </datalist>
                      ${errors.fields.email ? html`<p id="f-email-error" class="error">${errors.fields.email}</p>` : ''}
                    </div>
                    <button type="submit">Add contact</button>
                  </form>`
                : ''
            }
          </section>`
        : '';
      const participantsSection = can.readParticipants
        ? html`<section aria-labelledby="participants">
            <h2 id="participants">Email participants</h2>
            ${
              participants.length
                ? table(
                    ['Address', 'Role', 'Outcome'],
                    participants.map(
                      (p) =>
                        html`<tr>
                          <td data-label="Address">${p.email}</td>
                          <td data-label="Role">${p.role}</td>
                          <td data-label="Outcome">${explainLinkOutcome(p.linkOutcome, source)}</td>
                        </tr>`,
                    ),
                  )
                : html`<p>No email participants.</p>`
            }
          </section>`
        : '';
      return sendUiPage(reply, context, {
        status: invalid ? 422 : 200,
        title: `#${iid} ${workItem.title}`,
        htmx: can.changeContacts,
        body: html`<p class="crumbs"><a href="${UI}/projects/${id}">Tickets</a> / #${iid}</p>
          <h1>${workItem.title}</h1>
          <p>
            <span class="tag">${workItem.state}</span>
            ${workItem.authorEmail ? html`from ${workItem.authorEmail}` : ''}
          </p>
          ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
          <div class="note"><div class="text">${workItem.description}</div></div>
          ${contactsSection}${participantsSection}
          <section aria-labelledby="notes">
            <h2 id="notes">Notes</h2>
            ${notes.map(
              (n) =>
                html`<article class="note">
                  <header>
                    ${n.authorEmail ?? (n.authorUserId ? `user ${n.authorUserId}` : 'desk')} ·
                    <time datetime="${n.createdAt.toISOString()}"
                      >${n.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</time
                    >
                  </header>
                  <div class="text">${n.body}</div>
                </article>`,
            )}
            <form method="post" action="${path}/notes">
              ${csrfField(context.csrf)}
              ${textarea({ label: 'Add a note (quick actions such as /add_contacts [contact:a@b.example] run here)', name: 'body', rows: 4 }, errors)}
              <button type="submit">Add note</button>
            </form>
          </section>`,
      });
    };

    app.get('/projects/:id/work-items/:sub', (request, reply) =>
      ticketPage(request, reply, noErrors()),
    );

    app.get('/projects/:id/work-items/:sub/autocomplete', async (request, reply) => {
      const { id, sub } = idsOf(request);
      const q = request.query as Record<string, string | undefined>;
      const prefix = (q.email ?? q.q ?? '').slice(0, MAX_PREFIX);
      const found = await autocompleteContacts(deps.store, request.actor!, id, sub, 'add', prefix);
      return reply
        .type('text/html; charset=utf-8')
        .send(
          found
            .map(
              (s) => html`<option value="${s.email ?? ''}">${s.firstName} ${s.lastName}</option>`,
            )
            .join(''),
        );
    });

    const change = async (
      request: FastifyRequest,
      reply: FastifyReply,
      input: { operation: 'append' | 'remove'; emails?: string[]; contactIds?: number[] },
    ) => {
      const { id, sub } = idsOf(request);
      const outcome = await changeWorkItemContacts(deps.store, request.actor!, id, sub, input);
      if (outcome.kind === 'refused')
        return ticketPage(request, reply, { fields: { email: outcome.message } });
      return reply.redirect(`${UI}/projects/${id}/work-items/${sub}#contacts`, 303);
    };

    app.post('/projects/:id/work-items/:sub/contacts', (request, reply) => {
      const email = (formOf(request).email ?? '').trim();
      if (!email)
        return ticketPage(request, reply, { fields: { email: 'Enter an email address.' } });
      return change(request, reply, { operation: 'append', emails: [email.slice(0, 255)] });
    });

    app.post('/projects/:id/work-items/:sub/contacts/remove', (request, reply) => {
      const contactId = optionalId(formOf(request).contactId);
      if (!contactId) return ticketPage(request, reply, { form: 'No contact chosen.', fields: {} });
      return change(request, reply, { operation: 'remove', contactIds: [contactId] });
    });

    app.post('/projects/:id/work-items/:sub/notes', async (request, reply) => {
      const { id, sub } = idsOf(request);
      const body = formOf(request).body ?? '';
      if (!body.trim() || body.length > 100_000 || body.includes('\u0000'))
        return ticketPage(request, reply, {
          fields: { body: 'Write a note of at most 100,000 characters.' },
        });
      const outcome = await createNote(deps.store, request.actor!, id, sub, body);
      const failed = outcome.quickActions.failed;
      if (failed.length === 0)
        return reply.redirect(`${UI}/projects/${id}/work-items/${sub}#notes`, 303);
      const applied = outcome.quickActions.applied.map((a) => a.email).join(', ');
      return ticketPage(
        request,
        reply,
        { fields: { body: failed.map((f) => `${f.email || f.command}: ${f.message}`).join('; ') } },
        applied ? `Applied: ${applied}` : undefined,
      );
    });
  };
}
