import { DatabaseUnavailableError } from '../errors';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '40001', // serialization_failure: retrying succeeds
  '40P01', // deadlock_detected: likewise
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|terminating connection|the database system is (starting|shutting) up|Query runner already released/i;

interface MaybePgError {
  code?: string;
  message?: string;
  driverError?: MaybePgError;
  errors?: MaybePgError[];
}

/** True when the error is the database being away or busy, not a fault of the request. */
export function isTransientDbError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as MaybePgError;
  if (e.code && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (e.message && CONNECTION_MESSAGES.test(e.message)) return true;
  if (e.driverError && isTransientDbError(e.driverError)) return true;
  return Array.isArray(e.errors) && e.errors.some(isTransientDbError);
}

/** Re-throws transient database failures as the domain's temporary error. */
export function translateDbError(err: unknown): never {
  if (isTransientDbError(err)) throw new DatabaseUnavailableError(err);
  throw err;
}
