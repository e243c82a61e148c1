import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { requireSignedIn } from '../api/auth';
import { assetsRoutes } from './assets.routes';
import { httpError, uiErrorHandler } from './context';
import { contactsRoutes } from './contacts.routes';
import { groupsRoutes } from './groups.routes';
import { inboundEmailsRoutes } from './inbound-emails.routes';
import { organizationsRoutes } from './organizations.routes';
import { ticketsRoutes } from './tickets.routes';
import { UI_LOGIN, uiLoginRoutes } from './login.routes';
import { UI } from './layout';
import type { UiDeps } from './ui-deps';

export { UI };

/**
 * The web pages under /ui: server-rendered, the same domain services (and so the same rules) as
 * the API. Every POST needs the CSRF token of its form: SameSite=Strict alone leaves same-site
 * attackers (another app on a sibling subdomain) and old browsers.
 */
export function uiRoutes(deps: UiDeps) {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    await app.register(fastifyFormbody);
    await app.register(fastifyCsrf, {
      cookieKey: 'desk_csrf',
      cookieOpts: { path: UI, sameSite: 'strict', httpOnly: true, secure: 'auto' },
    });
    app.setErrorHandler(uiErrorHandler);
    app.setNotFoundHandler((request, reply) =>
      uiErrorHandler(httpError(404, 'page not found'), request, reply),
    );
    app.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'POST') app.csrfProtection(request, reply, done);
      else done();
    });
    await app.register(assetsRoutes);
    await app.register(uiLoginRoutes(deps.auth));
    await app.register(async (pages) => {
      requireSignedIn(pages, deps.auth, { loginPath: UI_LOGIN, admit: () => true, refusal: '' });
      pages.get('/', (_request, reply) => reply.redirect(`${UI}/groups`, 303));
      await pages.register(groupsRoutes(deps));
      await pages.register(contactsRoutes(deps));
      await pages.register(organizationsRoutes(deps));
      await pages.register(ticketsRoutes(deps));
      await pages.register(inboundEmailsRoutes(deps));
    });
  };
}
