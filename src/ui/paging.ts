import { html, query, type Html } from './html';

export const PAGE_SIZE = 20;

/** Keyset paging: a link to the first page and to the one after this. */
export function pager(
  path: string,
  params: Record<string, string | number | undefined>,
  cursor: string | undefined,
  nextCursor: string | null,
): Html {
  if (!cursor && !nextCursor) return html``;
  return html`<nav class="actions" aria-label="Pages">
    ${cursor ? html`<a href="${path}${query(params)}">First page</a>` : ''}
    ${nextCursor ? html`<a href="${path}${query({ ...params, cursor: nextCursor })}">Next page</a>` : ''}
  </nav>`;
}

/** A positive id from a query string, or undefined. */
export function optionalId(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
