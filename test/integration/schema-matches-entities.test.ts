import type { EntityMetadata, QueryRunner } from 'typeorm';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

/** Every key, unique, check and index of a table as PostgreSQL prints it, plus identity columns. */
async function definitionsOf(qr: QueryRunner, table: string): Promise<string[]> {
  const rows: { line: string }[] = await qr.query(
    `SELECT conname || ': ' || pg_get_constraintdef(oid) AS line
       FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f', 'c')
     UNION ALL
     SELECT i.relname || ': ' || regexp_replace(pg_get_indexdef(i.oid), ' ON \\S+ USING ', ' USING ')
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.conrelid = $1::regclass)
     UNION ALL
     SELECT attname || ': identity ' || CASE attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END
       FROM pg_attribute WHERE attrelid = $1::regclass AND attidentity <> ''`,
    [table],
  );
  return rows.map((r) => r.line).sort();
}

/**
 * The same definitions built from the entity's decorators on an empty copy of the table (in a
 * schema the test rolls back), so PostgreSQL normalizes both sides. Indexes TypeORM cannot describe (synchronize: false) are
 * taken from the migrated table: the entity only names them.
 */
async function entityDefinitionsOf(qr: QueryRunner, meta: EntityMetadata): Promise<string[]> {
  const copy = `entity_copy.${meta.tableName}`;
  const cols = (names: string[]) => names.join(', ');
  await qr.query(`CREATE TABLE ${copy} (LIKE ${meta.tableName})`);
  const pk = meta.primaryColumns.map((c) => c.databaseName);
  const pkName =
    meta.primaryColumns[0]?.primaryKeyConstraintName ??
    db.dataSource.namingStrategy.primaryKeyName(meta.tablePath, pk);
  await qr.query(`ALTER TABLE ${copy} ADD CONSTRAINT ${pkName} PRIMARY KEY (${cols(pk)})`);
  // typed without 'identity', which PrimaryGeneratedColumn('identity') stores all the same
  for (const c of meta.columns.filter((c) => (c.generationStrategy as string) === 'identity'))
    await qr.query(
      `ALTER TABLE ${copy} ALTER COLUMN ${c.databaseName} ADD GENERATED ${c.generatedIdentity ?? 'BY DEFAULT'} AS IDENTITY`,
    );
  for (const u of meta.uniques)
    await qr.query(
      `ALTER TABLE ${copy} ADD CONSTRAINT ${u.name} UNIQUE (${cols(u.columns.map((c) => c.databaseName))})`,
    );
  for (const ch of meta.checks)
    await qr.query(`ALTER TABLE ${copy} ADD CONSTRAINT ${ch.name} CHECK (${ch.expression})`);
  for (const fk of meta.foreignKeys)
    await qr.query(
      `ALTER TABLE ${copy} ADD CONSTRAINT ${fk.name} FOREIGN KEY (${cols(fk.columnNames)})
         REFERENCES ${fk.referencedTablePath} (${cols(fk.referencedColumnNames)})
         ON DELETE ${fk.onDelete ?? 'NO ACTION'} ON UPDATE ${fk.onUpdate ?? 'NO ACTION'}
         ${fk.deferrable ? `DEFERRABLE ${fk.deferrable}` : ''}`,
    );
  const described = new Set<string>();
  for (const ix of meta.indices.filter((ix) => ix.synchronize !== false)) {
    described.add(ix.name);
    await qr.query(
      `CREATE ${ix.isUnique ? 'UNIQUE ' : ''}INDEX ${ix.name} ON ${copy}
         USING ${ix.type ?? 'btree'} (${cols(ix.columns.map((c) => c.databaseName))})
         ${ix.where ? `WHERE ${ix.where}` : ''}`,
    );
  }
  const fromTable = (await definitionsOf(qr, meta.tableName)).filter((line) =>
    meta.indices.some((ix) => ix.synchronize === false && line.startsWith(`${ix.name}: `)),
  );
  return [...(await definitionsOf(qr, copy)), ...fromTable].sort();
}

describe('entities and migrations', () => {
  it('describe the same schema: TypeORM has nothing to change after migrating', async () => {
    const { upQueries } = await db.dataSource.driver.createSchemaBuilder().log();
    // the statements in full (unquoted, to read), so a failure says what to fix
    const pending = upQueries.map((q) => `${q.query.trim().replace(/"/g, '')};`);
    expect(pending.join('\n')).toBe('');
  });

  // the schema builder matches indexes, checks and uniques by name only and ignores where
  // clauses, column order, deferrable keys and identity columns
  it('agree on what the schema builder does not compare', async () => {
    const qr = db.dataSource.createQueryRunner();
    await qr.startTransaction();
    await qr.query('CREATE SCHEMA entity_copy');
    try {
      const entities: Record<string, string[]> = {};
      const migrated: Record<string, string[]> = {};
      for (const meta of db.dataSource.entityMetadatas) {
        entities[meta.tableName] = await entityDefinitionsOf(qr, meta);
        migrated[meta.tableName] = await definitionsOf(qr, meta.tableName);
      }
      // in the diff, - is what the migrations created and + what the entities describe
      expect(entities).toEqual(migrated);
    } finally {
      await qr.rollbackTransaction();
      await qr.release();
    }
  });
});
