import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  getInboundEmail,
  listInboundEmails,
  reprocessInboundEmail,
} from '../domain/operations/inbound-emails.service';
import { contextOf, httpError } from './context';
import { csrfField, noErrors, select } from './forms';
import { html, query, table } from './html';
import { sendUiPage, UI } from './layout';
import { PAGE_SIZE } from './paging';
import type { UiDeps } from './ui-deps';

const STATUSES = ['failed', 'ignored'] as const;
const PATH = `${UI}/inbound-emails`;

function emailId(request: FastifyRequest): string {
  const id = (request.params as { id?: string }).id ?? '';
  if (!/^\d{1,19}$/.test(id)) throw httpError(404, 'inbound email not found');
  return id;
}

/** Failed and ignored mail for instance admins: the reason, the .eml, and reprocessing. */
export function inboundEmailsRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    app.get('/inbound-emails', async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const status = STATUSES.find((s) => s === q.status) ?? 'failed';
      const cursor = q.cursor && /^\d{1,19}$/.test(q.cursor) ? q.cursor : null;
      const page = await listInboundEmails(deps.store, request.actor!, {
        filter: { status },
        cursor,
        limit: PAGE_SIZE,
      });
      const context = contextOf(request, reply);
      const notice = q.queued ? `Email ${q.queued} is queued for processing again.` : '';
      return sendUiPage(reply, context, {
        title: 'Failed and ignored mail',
        body: html`<h1>Failed and ignored mail</h1>
          ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
          <form method="get" action="${PATH}" class="filters">
            ${select({ label: 'Status', name: 'status', value: status, choices: STATUSES.map((s) => ({ value: s, label: s })) }, noErrors())}
            <button type="submit">Show</button>
          </form>
          ${
            page.items.length
              ? table(
                  ['Email', 'Received', 'From', 'Reason', 'Actions'],
                  page.items.map(
                    (e) =>
                      html`<tr>
                        <td data-label="Email">${e.id}</td>
                        <td data-label="Received">
                          <time datetime="${e.receivedAt.toISOString()}"
                            >${e.receivedAt.toISOString().slice(0, 19).replace('T', ' ')}</time
                          >
                        </td>
                        <td data-label="From">${e.mailFrom ?? '(null sender)'}</td>
                        <td data-label="Reason">${e.reason ?? ''}</td>
                        <td class="actions">
                          <a
                            href="${PATH}/${e.id}/raw"
                            download
                            aria-label="Download .eml of email ${e.id}"
                            >Download .eml</a
                          >
                          <form method="post" action="${PATH}/${e.id}/reprocess" class="inline">
                            ${csrfField(context.csrf)}
                            <button
                              type="submit"
                              class="secondary"
                              aria-label="Reprocess email ${e.id}"
                            >
                              Reprocess
                            </button>
                          </form>
                        </td>
                      </tr>`,
                  ),
                )
              : html`<p>No ${status} mail.</p>`
          }
          ${page.nextCursor ? html`<p><a href="${PATH}${query({ status, cursor: page.nextCursor })}">Next page</a></p>` : ''}`,
      });
    });

    app.get('/inbound-emails/:id/raw', async (request, reply) => {
      const email = await getInboundEmail(deps.store, request.actor!, emailId(request));
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="inbound-${email.id}.eml"`)
        .send(email.raw);
    });

    app.post('/inbound-emails/:id/reprocess', async (request, reply) => {
      const id = emailId(request);
      deps.publish([await reprocessInboundEmail(deps.store, request.actor!, id)]);
      return reply.redirect(`${PATH}${query({ queued: id })}`, 303);
    });
  };
}
