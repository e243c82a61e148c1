import type { PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { namedStatementsAllowed } from '../../db/pooler';

/**
 * The pg client behind an EntityManager: the transaction's own when there is one, else a pool
 * connection for the duration of `use`.
 */
export async function withClient<T>(
  em: EntityManager,
  use: (client: PoolClient) => Promise<T>,
): Promise<T> {
  if (em.queryRunner) return use((await em.queryRunner.connect()) as PoolClient);
  const runner = em.connection.createQueryRunner();
  try {
    return await use((await runner.connect()) as PoolClient);
  } finally {
    await runner.release();
  }
}

/**
 * A hot statement. With a name (unique per text) pg prepares it once per connection and
 * PostgreSQL may reuse a generic plan; without one it is parsed and planned for every call's
 * values, which a statement whose best plan depends on them (array sizes, NULLs) needs. Behind a
 * transaction-pooling PgBouncer (DATABASE_URL ?pgbouncer=true) names are dropped: the next
 * transaction may run on a server connection that never prepared it (db/pooler.ts).
 */
export interface PreparedStatement {
  name?: string;
  text: string;
}

/** Runs the statement on the EntityManager's connection; its rows. */
export async function runPrepared<R extends QueryResultRow>(
  em: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const name = namedStatementsAllowed(em.connection) ? statement.name : undefined;
  const result = await withClient(em, (client) =>
    client.query<R>({ name, text: statement.text, values }),
  );
  return result.rows;
}
