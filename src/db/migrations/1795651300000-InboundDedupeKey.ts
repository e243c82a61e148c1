import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InboundDedupeKey1795651300000 implements MigrationInterface {
  name = 'InboundDedupeKey1795651300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inbound_emails ADD COLUMN dedupe_key varchar(1024);
      CREATE INDEX inbound_emails_project_dedupe_key_idx ON inbound_emails (project_id, dedupe_key)
        WHERE dedupe_key IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inbound_emails DROP COLUMN dedupe_key');
  }
}
