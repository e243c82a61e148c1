import { createDataSource } from '../../src/db/data-source';
import { databaseTarget, namedStatementsAllowed } from '../../src/db/pooler';

describe('DATABASE_URL through a transaction-pooling PgBouncer (?pgbouncer=true)', () => {
  it('strips the flag from the URL pg connects to', () => {
    expect(databaseTarget('postgres://u@bouncer:6432/desk?pgbouncer=true&sslmode=disable')).toEqual(
      {
        url: 'postgres://u@bouncer:6432/desk?sslmode=disable',
        throughPooler: true,
      },
    );
    expect(databaseTarget('postgres://u@db:5432/desk')).toEqual({
      url: 'postgres://u@db:5432/desk',
      throughPooler: false,
    });
  });

  it('turns off named prepared statements and the options startup parameter PgBouncer refuses', () => {
    const pooled = createDataSource({
      url: 'postgres://u@b:6432/desk?pgbouncer=true',
      poolSize: 1,
    });
    const direct = createDataSource({ url: 'postgres://u@db:5432/desk', poolSize: 1 });
    expect(namedStatementsAllowed(pooled)).toBe(false);
    expect(namedStatementsAllowed(direct)).toBe(true);
    const extra = (ds: typeof pooled) => (ds.options as { extra: Record<string, unknown> }).extra;
    expect(extra(pooled).options).toBeUndefined();
    expect(extra(direct).options).toMatch(/jit=off/);
  });
});
