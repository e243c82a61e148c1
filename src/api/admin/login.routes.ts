import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type AuthDeps } from '../../domain/access/authenticate.service';
import { TooManyAttemptsError } from '../../errors';
import { clientOf, sentence, waitOr } from '../auth';
import { escapeHtml, sendPage } from '../html-page';
import { endSession, startSession } from '../session-cookie';

export const LOGIN_PATH = '/admin/login';
export const LOGOUT_PATH = '/admin/logout';

function loginForm(reply: FastifyReply, status: number, message?: string) {
  const error = message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '';
  return sendPage(
    reply,
    status,
    'Sign in',
    `<h1>Sign in to desk</h1>${error}<form method="post" action="${LOGIN_PATH}">` +
      `<p><label for="token">API token</label><br>` +
      `<input id="token" name="token" type="password" autocomplete="current-password" required autofocus></p>` +
      `<p><button type="submit">Sign in</button></p></form>`,
  );
}

/** Login CSRF: another site's form must not sign a browser in (or out) with a token of its choosing. */
function fromAnotherSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** The token form that starts a browser session for the admin pages, and the sign-out. */
export function adminLoginRoutes(deps: AuthDeps, landingPath: string) {
  return async (app: FastifyInstance) => {
    await app.register(fastifyFormbody);

    app.get(LOGIN_PATH, { schema: { hide: true } }, (_request, reply) => loginForm(reply, 200));

    app.post(LOGIN_PATH, { schema: { hide: true } }, async (request, reply) => {
      if (fromAnotherSite(request)) return loginForm(reply, 403, 'Sign in from this page.');
      const field = (request.body as Record<string, unknown> | undefined)?.token;
      const token = typeof field === 'string' ? field.trim() : '';
      if (!token) return loginForm(reply, 401, 'Enter an API token.');
      const actor = await authenticate(deps, token, clientOf(request)).catch(waitOr(reply));
      if (actor instanceof TooManyAttemptsError)
        return loginForm(reply, 429, sentence(actor.message));
      if (!actor) return loginForm(reply, 401, 'That token is unknown or revoked.');
      if (!actor.isAdmin)
        return loginForm(
          reply,
          403,
          'That token is valid, but these pages are for instance admins.',
        );
      startSession(reply, token);
      return reply.redirect(landingPath, 303);
    });

    app.get(LOGOUT_PATH, { schema: { hide: true } }, (_request, reply) =>
      sendPage(
        reply,
        200,
        'Sign out',
        `<h1>Sign out of desk</h1><form method="post" action="${LOGOUT_PATH}">` +
          `<button type="submit">Sign out</button></form>`,
      ),
    );

    app.post(LOGOUT_PATH, { schema: { hide: true } }, (request, reply) => {
      if (fromAnotherSite(request)) return loginForm(reply, 403, 'Sign out from this site.');
      endSession(reply);
      return reply.redirect(LOGIN_PATH, 303);
    });
  };
}
