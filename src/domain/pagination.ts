export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** The key the previous page ended at (exclusive). */
  cursor: number | null;
  limit: number;
}

/**
 * Repositories are asked for `limit + 1` rows: the extra one only says whether more follow. The
 * cursor is the key the rows are ordered by, the id unless told.
 */
export function toPage<T extends { id: number }>(
  rows: T[],
  limit: number,
  keyOf?: (row: T) => number,
): Page<T>;
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => number): Page<T>;
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => number = (row) => (row as { id: number }).id,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(keyOf(last)) : null };
}
