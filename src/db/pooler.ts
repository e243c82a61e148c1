import type { DataSource } from 'typeorm';

/**
 * `?pgbouncer=true` on DATABASE_URL says a transaction-pooling PgBouncer stands between desk and
 * PostgreSQL (the parameter Prisma uses; a URL parameter, not a variable: the config holds 25 at
 * most). Each transaction may then run on another server connection, so desk keeps no session
 * state: no named prepared statements (PgBouncer before 1.21 does not carry them over), no
 * session-level advisory locks, and no `options` startup parameter (PgBouncer refuses it; set
 * `jit = off` on the database instead: docs/deploy.md).
 */
export interface DatabaseTarget {
  /** The URL pg connects to, without the parameter. */
  url: string;
  throughPooler: boolean;
}

export function databaseTarget(url: string): DatabaseTarget {
  const u = new URL(url);
  const flag = u.searchParams.get('pgbouncer');
  if (flag === null) return { url, throughPooler: false };
  u.searchParams.delete('pgbouncer');
  return { url: u.toString(), throughPooler: flag !== 'false' && flag !== '0' };
}

const pooled = new WeakSet<DataSource>();

export function markThroughPooler(dataSource: DataSource): void {
  pooled.add(dataSource);
}

/** False behind a transaction pooler: a statement prepared by name may be gone next time. */
export function namedStatementsAllowed(dataSource: DataSource): boolean {
  return !pooled.has(dataSource);
}
