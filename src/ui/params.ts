import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { idParam } from '../api/schemas';
import { httpError } from './context';

const ids = z.object({ id: idParam, sub: idParam.optional() });

/** The numeric ids of a /ui path (`:id`, `:sub`); a malformed one is a 404 like a missing one. */
export function idsOf(request: FastifyRequest): { id: number; sub: number } {
  const parsed = ids.safeParse(request.params);
  if (!parsed.success) throw httpError(404, 'page not found');
  return { id: parsed.data.id, sub: parsed.data.sub ?? 0 };
}
