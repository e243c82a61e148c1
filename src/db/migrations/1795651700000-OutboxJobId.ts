import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Several outbox rows now share one BullMQ job; the sweeper looks a row's job up by this id. */
export class OutboxJobId1795651700000 implements MigrationInterface {
  name = 'OutboxJobId1795651700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN job_id varchar(64)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN job_id');
  }
}
