import type { FastifyReply } from 'fastify';
import type { Actor } from '../domain/access/actor';
import { html, type Html } from './html';

export const UI = '/ui';
export const ASSETS = `${UI}/assets`;

/** Scripts and styles only from desk itself: nothing inline, nothing from elsewhere. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface PageContext {
  actor: Actor | null;
  csrf: string;
}

export interface PageOptions {
  title: string;
  body: Html;
  status?: number;
  /** Pages with autocomplete load htmx; the others run no script at all. */
  htmx?: boolean;
}

function header(context: PageContext): Html {
  if (!context.actor) return html`<header class="top"><strong>desk</strong></header>`;
  return html`<header class="top">
    <a class="brand" href="${UI}/groups">desk</a>
    <nav aria-label="Main">
      <a href="${UI}/groups">Groups</a>
      ${context.actor.isAdmin ? html`<a href="${UI}/inbound-emails">Failed mail</a><a href="/admin/queues">Queues</a>` : ''}
    </nav>
    <form method="post" action="${UI}/logout" class="inline">
      <input type="hidden" name="_csrf" value="${context.csrf}" />
      <button type="submit" class="link">Sign out</button>
    </form>
  </header>`;
}

export function sendUiPage(reply: FastifyReply, context: PageContext, options: PageOptions) {
  const scripts = options.htmx
    ? html`<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <script src="${ASSETS}/htmx.min.js" defer></script>`
    : '';
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · desk</title>
        <link rel="stylesheet" href="${ASSETS}/desk.css" />
        ${scripts}
      </head>
      <body>
        ${header(context)}
        <main id="main">${options.body}</main>
      </body>
    </html>`;
  return reply
    .status(options.status ?? 200)
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.value);
}
