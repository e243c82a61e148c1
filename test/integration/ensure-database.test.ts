import { randomBytes } from 'node:crypto';
import { DatabaseCreateError, ensureDatabase } from '../../src/db/ensure-database';
import { databaseUrl, withAdminClient } from '../support/services';

const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
const names: string[] = [];
const fresh = (label: string) => {
  const name = `desk_ensure_${label}_${suffix}`;
  names.push(name);
  return name;
};

afterAll(async () => {
  await withAdminClient(async (c) => {
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS desk_nocreate_${suffix}`);
  });
});

describe('ensureDatabase', () => {
  // several processes of a fresh deployment start together and each finds the database missing
  it('creates a missing database once when many start at the same moment', async () => {
    const name = fresh('race');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => ensureDatabase(databaseUrl(name))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const found = await withAdminClient((c) =>
      c.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]),
    );
    expect(found.rows[0].n).toBe(1);
  });

  it('says what to do when the user may not create databases', async () => {
    const role = `desk_nocreate_${suffix}`;
    await withAdminClient((c) => c.query(`CREATE ROLE ${role} LOGIN NOCREATEDB`));
    const url = new URL(databaseUrl(fresh('refused')));
    url.username = role;
    const err = await ensureDatabase(url.toString()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseCreateError);
    expect((err as Error).message).toMatch(
      /^cannot create the database "desk_ensure_refused_\w+" \(permission denied to create database\); create it yourself, or let the user in DATABASE_URL create databases \(CREATEDB\)$/,
    );
  });
});
