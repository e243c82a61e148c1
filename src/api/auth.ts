import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/access/actor';
import { authenticate, type AuthDeps } from '../domain/access/authenticate.service';
import { UnauthorizedError } from '../errors';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Every route registered on `app` needs `Authorization: Bearer <token>`. */
export function requireBearerToken(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    const match = BEARER.exec(request.headers.authorization ?? '');
    const actor = match?.[1] ? await authenticate(deps, match[1]) : null;
    if (!actor) {
      void reply.header('www-authenticate', 'Bearer');
      throw new UnauthorizedError(match ? 'invalid or revoked token' : 'missing bearer token');
    }
    request.actor = actor;
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthorizedError('missing bearer token');
  return request.actor;
}
