import type { DataSource, EntityManager } from 'typeorm';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, depth first. */
export function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** The nodes that read a table (scans; inserts and updates name their table too). */
export function scansOf(node: PlanNode): PlanNode[] {
  return nodesOf(node).filter((n) => n['Relation Name'] && n['Node Type'] !== 'ModifyTable');
}

/** The plan PostgreSQL picks for `sql` with these values (nothing runs). */
export async function planOf(
  db: Pick<DataSource | EntityManager, 'query'>,
  sql: string,
  params: unknown[] = [],
): Promise<PlanNode> {
  const [row] = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return (row['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
}

/**
 * Runs `use` with an EntityManager whose statements matching `pattern` are recorded, so a test
 * can look at the plan of what a TypeORM repository method sends.
 */
export async function captureQueries(
  dataSource: DataSource,
  pattern: RegExp,
  use: (em: EntityManager) => Promise<unknown>,
): Promise<{ sql: string; params: unknown[] }[]> {
  const logged: { sql: string; params: unknown[] }[] = [];
  const runner = dataSource.createQueryRunner();
  const original = runner.query.bind(runner);
  runner.query = ((sql: string, params?: unknown[], structured?: boolean) => {
    if (pattern.test(sql)) logged.push({ sql, params: params ?? [] });
    return original(sql, params, structured as true);
  }) as typeof runner.query;
  try {
    await use(runner.manager);
  } finally {
    await runner.release();
  }
  return logged;
}
