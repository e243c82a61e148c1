import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a contact or organization last changed, for clients that sync them (GitLab shows it too).
 * Rows from before this migration start at their creation time rather than the migration's.
 */
export class CrmUpdatedAt1795652100000 implements MigrationInterface {
  name = 'CrmUpdatedAt1795652100000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['contacts', 'organizations']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN updated_at timestamptz`);
      await q.query(`UPDATE ${table} SET updated_at = created_at`);
      await q.query(
        `ALTER TABLE ${table} ALTER COLUMN updated_at SET DEFAULT now(), ALTER COLUMN updated_at SET NOT NULL`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE contacts DROP COLUMN updated_at');
    await q.query('ALTER TABLE organizations DROP COLUMN updated_at');
  }
}
