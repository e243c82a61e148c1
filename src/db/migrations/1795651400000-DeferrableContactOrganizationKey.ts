import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A group transfer moves a group's contacts and organizations to another group in one
 * transaction; the composite key (group_id, organization_id) is valid again only once both
 * have moved, so the move defers its check to commit. Everywhere else it stays immediate.
 */
export class DeferrableContactOrganizationKey1795651400000 implements MigrationInterface {
  name = 'DeferrableContactOrganizationKey1795651400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts ALTER CONSTRAINT contacts_group_id_organization_id_fkey
                   DEFERRABLE INITIALLY IMMEDIATE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contacts ALTER CONSTRAINT contacts_group_id_organization_id_fkey
                   NOT DEFERRABLE`);
  }
}
