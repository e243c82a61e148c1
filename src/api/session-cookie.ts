import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser session of /admin (and later /ui). The cookie holds the API token itself rather
 * than a session id: revoking the token ends every session at once, and there is no session
 * store to keep. HttpOnly keeps it from scripts, SameSite=Strict from requests other sites
 * start, and Secure (on TLS requests) from plain HTTP.
 */
export const SESSION_COOKIE = 'desk_session';

const OPTIONS: CookieSerializeOptions = {
  httpOnly: true,
  sameSite: 'strict',
  path: '/',
  secure: 'auto',
};

export function sessionTokenOf(request: FastifyRequest): string | null {
  return request.cookies[SESSION_COOKIE] || null;
}

export function startSession(reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, OPTIONS);
}

export function endSession(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, OPTIONS);
}
