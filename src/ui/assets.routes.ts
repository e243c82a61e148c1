import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { DESK_CSS } from './desk-css';

/** Served by desk itself, since the CSP allows nothing else: the stylesheet and htmx. */
export async function assetsRoutes(app: FastifyInstance): Promise<void> {
  const htmx = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'));
  const cache = 'public, max-age=3600';
  app.get('/assets/desk.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', cache).send(DESK_CSS),
  );
  app.get('/assets/htmx.min.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(htmx),
  );
}
