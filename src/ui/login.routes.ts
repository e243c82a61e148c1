import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type AuthDeps } from '../domain/access/authenticate.service';
import { clientOf, sentence, waitOr } from '../api/auth';
import { endSession, startSession } from '../api/session-cookie';
import { TooManyAttemptsError } from '../errors';
import { contextOf, formOf } from './context';
import { csrfField, field, noErrors, type FormErrors } from './forms';
import { html } from './html';
import { sendUiPage, UI } from './layout';

export const UI_LOGIN = `${UI}/login`;
export const UI_HOME = `${UI}/groups`;

function loginPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  errors: FormErrors,
) {
  const context = { ...contextOf(request, reply), actor: null };
  return sendUiPage(reply, context, {
    status,
    title: 'Sign in',
    body: html`<section class="narrow">
      <h1>Sign in to desk</h1>
      <p>Use a personal API token. The session ends when you sign out or the token is revoked.</p>
      <form method="post" action="${UI_LOGIN}">
        ${csrfField(context.csrf)}
        ${field({ label: 'API token', name: 'token', type: 'password', required: true, autocomplete: 'current-password' }, errors)}
        <button type="submit">Sign in</button>
      </form>
    </section>`,
  });
}

/**
 * Sign-in for every user with a token (the queue dashboard's form admits admins only); the same
 * session cookie, so an admin signed in here opens /admin/queues too.
 */
export function uiLoginRoutes(deps: AuthDeps) {
  return async (app: FastifyInstance) => {
    app.get('/login', (request, reply) => loginPage(request, reply, 200, noErrors()));

    app.post('/login', async (request, reply) => {
      const token = (formOf(request).token ?? '').trim();
      const refuse = (status: number, message: string) =>
        loginPage(request, reply, status, { fields: { token: message } });
      if (!token) return refuse(400, 'Enter an API token.');
      const actor = await authenticate(deps, token, clientOf(request)).catch(waitOr(reply));
      if (actor instanceof TooManyAttemptsError) return refuse(429, sentence(actor.message));
      if (!actor) return refuse(401, 'That token is unknown or revoked.');
      startSession(reply, token);
      return reply.redirect(UI_HOME, 303);
    });

    app.post('/logout', (_request, reply) => {
      endSession(reply);
      return reply.redirect(UI_LOGIN, 303);
    });
  };
}
