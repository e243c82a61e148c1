import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InboundThreadRoot1795651500000 implements MigrationInterface {
  name = 'InboundThreadRoot1795651500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE inbound_emails ADD COLUMN thread_root varchar(998);
      CREATE INDEX inbound_emails_project_thread_root_idx ON inbound_emails (project_id, thread_root)
        WHERE thread_root IS NOT NULL AND work_item_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inbound_emails DROP COLUMN thread_root');
  }
}
