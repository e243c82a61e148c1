interface MaybePgError {
  code?: string;
  constraint?: string;
  driverError?: MaybePgError;
}

/** The name of the unique index a failed INSERT/UPDATE ran into, or null for any other error. */
export function uniqueViolation(err: unknown): string | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as MaybePgError;
  if (e.code === '23505') return e.constraint ?? '';
  return e.driverError ? uniqueViolation(e.driverError) : null;
}
