import { GraphQLError } from 'graphql';
import type { Page, PageRequest } from '../../domain/pagination';

/** GitLab's page size when `first` is not given, and the most a client may ask for. */
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
}

/** Opaque to clients; inside, the id the next page starts after (desk's keyset cursors). */
const encodeCursor = (id: number) =>
  Buffer.from(JSON.stringify({ id: String(id) })).toString('base64url');

function decodeCursor(cursor: string): number {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { id?: unknown };
    const n = Number(id);
    if (typeof id === 'string' && Number.isSafeInteger(n) && n > 0) return n;
  } catch {
    // falls through to the client's error
  }
  throw new GraphQLError('Please provide a valid cursor');
}

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return MAX_PAGE_SIZE;
  if (first < 0) throw new GraphQLError('first must not be negative');
  return Math.min(first, MAX_PAGE_SIZE);
}

/** What a domain list service is asked for. */
export function pageRequest(args: PageArgs): PageRequest {
  return { cursor: args.after ? decodeCursor(args.after) : null, limit: pageSize(args.first) };
}

function connectionOf<T extends { id: number }>(
  items: T[],
  hasNextPage: boolean,
  args: PageArgs,
): Connection<T> {
  const edges = items.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    nodes: items,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
    },
  };
}

/** A page of a domain list service as a connection. */
export function toConnection<T extends { id: number }>(
  page: Page<T>,
  args: PageArgs,
): Connection<T> {
  return connectionOf(page.items, page.nextCursor !== null, args);
}

/** A list the domain returns whole (a work item's contacts), paged here in its own order. */
export function sliceToConnection<T extends { id: number }>(
  all: T[],
  args: PageArgs,
): Connection<T> {
  const { cursor, limit } = pageRequest(args);
  const start = cursor === null ? 0 : all.findIndex((item) => item.id === cursor) + 1;
  if (cursor !== null && start === 0) throw new GraphQLError('Please provide a valid cursor');
  return connectionOf(all.slice(start, start + limit), start + limit < all.length, args);
}
