import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweeper looks every second for rows the relay missed. Through the index of unprocessed rows
 * it walked the whole backlog to find none (~150 ms per sweep with 1M rows waiting for workers);
 * the rows it looks for are few, and this index holds only them.
 */
export class OutboxUnpublishedIndex1795651900000 implements MigrationInterface {
  name = 'OutboxUnpublishedIndex1795651900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL AND processed_at IS NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX outbox_unpublished_idx');
  }
}
