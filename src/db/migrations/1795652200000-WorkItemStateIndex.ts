import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A project's open (or closed) work items, newest first: without it the list walks every work
 * item of the project in iid order to find the few open ones among years of closed tickets.
 */
export class WorkItemStateIndex1795652200000 implements MigrationInterface {
  name = 'WorkItemStateIndex1795652200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX work_items_project_state_iid_idx ON work_items (project_id, state, iid)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX work_items_project_state_iid_idx');
  }
}
