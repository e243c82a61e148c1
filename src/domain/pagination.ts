export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** The id the previous page ended at (exclusive). */
  cursor: number | null;
  limit: number;
}

/** Repositories are asked for `limit + 1` rows: the extra one only says whether more follow. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? String(last.id) : null };
}
