import { withAdminClient } from './services';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.DESK_TEST_TEMPLATE;
  if (template)
    await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
}
