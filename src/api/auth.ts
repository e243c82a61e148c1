import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/access/actor';
import { authenticate, type AuthDeps } from '../domain/access/authenticate.service';
import { TooManyAttemptsError, UnauthorizedError } from '../errors';
import { escapeHtml, sendPage, wantsHtml } from './html-page';
import { endSession, sessionTokenOf } from './session-cookie';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const bearerTokenOf = (request: FastifyRequest): string | null =>
  BEARER.exec(request.headers.authorization ?? '')?.[1] ?? null;

/**
 * For callers that answer a client waiting out its unknown tokens themselves (pages, plugins with
 * their own error handlers): sets 429 and Retry-After, and hands the error back to be shown.
 */
export const waitOr =
  (reply: FastifyReply) =>
  (err: unknown): TooManyAttemptsError => {
    if (!(err instanceof TooManyAttemptsError)) throw err;
    void reply.status(429).header('retry-after', String(err.retryAfterSeconds));
    return err;
  };

/**
 * The address a request counts as: what a proxy beside desk forwarded (PROXY_PEERS), when that
 * is an address at all, else the peer itself.
 */
export const clientOf = (request: FastifyRequest): string =>
  isIP(request.ip) ? request.ip : (request.socket.remoteAddress ?? request.ip);

/** An error message as a sentence on a page. */
export const sentence = (message: string) => `${message[0]!.toUpperCase()}${message.slice(1)}.`;

const MISSING_TOKEN =
  'missing bearer token: send Authorization: Bearer <token> (an instance admin makes the first with ADMIN_TOKEN or npm run desk -- token create --admin)';

/**
 * Every route registered on `app` needs `Authorization: Bearer <token>`, except those `isPublic`
 * names (the GraphQL explorer's page, which a browser opens without a token).
 */
export function requireBearerToken(
  app: FastifyInstance,
  deps: AuthDeps,
  isPublic: (request: FastifyRequest) => boolean = () => false,
): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const token = bearerTokenOf(request);
    const actor = token ? await authenticate(deps, token, clientOf(request)) : null;
    if (!actor) {
      void reply.header('www-authenticate', 'Bearer');
      throw new UnauthorizedError(token ? 'invalid or revoked token' : MISSING_TOKEN);
    }
    request.actor = actor;
  });
}

export interface SignInPolicy {
  /** Where a browser without a session signs in. */
  loginPath: string;
  admit: (actor: Actor) => boolean;
  /** Why an actor `admit` refuses gets 403. */
  refusal: string;
}

/**
 * Every route registered on `app` needs a bearer token or the session cookie, and an actor the
 * policy admits. A browser without a session goes to the login form; anything else gets JSON.
 * Replies are sent here rather than thrown: plugins below (Bull Board) set their own error
 * handlers, which would answer for us.
 */
export function requireSignedIn(app: FastifyInstance, deps: AuthDeps, policy: SignInPolicy): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    const bearer = bearerTokenOf(request);
    const token = bearer ?? sessionTokenOf(request);
    const actor = token
      ? await authenticate(deps, token, clientOf(request)).catch(waitOr(reply))
      : null;
    if (actor instanceof TooManyAttemptsError) {
      if (!wantsHtml(request))
        return reply.send({ error: 'too many requests', message: actor.message });
      return sendPage(
        reply,
        429,
        'Too many attempts',
        `<h1>Too many attempts</h1><p>${escapeHtml(sentence(actor.message))}</p>`,
      );
    }
    if (!actor) {
      if (token && !bearer) endSession(reply);
      if (!bearer && wantsHtml(request)) return reply.redirect(policy.loginPath, 303);
      const message = bearer
        ? 'invalid or revoked token'
        : token
          ? 'the session ended (token revoked); sign in again'
          : 'missing bearer token or session cookie';
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message });
    }
    if (!policy.admit(actor)) {
      if (!wantsHtml(request))
        return reply.status(403).send({ error: 'forbidden', message: policy.refusal });
      const link = `<a href="${escapeHtml(policy.loginPath)}">Sign in with another token</a>`;
      return sendPage(
        reply,
        403,
        'Forbidden',
        `<h1>Forbidden</h1><p>${escapeHtml(policy.refusal)}</p><p>${link}</p>`,
      );
    }
    request.actor = actor;
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError('missing bearer token');
  return request.actor;
}
