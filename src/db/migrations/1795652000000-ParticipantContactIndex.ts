import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Participants by the contact they name: a group transfer repoints them when it moves every
 * contact, and deleting a duplicate contact sets theirs to NULL; both read the whole table
 * without this index.
 */
export class ParticipantContactIndex1795652000000 implements MigrationInterface {
  name = 'ParticipantContactIndex1795652000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX email_participants_contact_idx ON email_participants (contact_id) WHERE contact_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX email_participants_contact_idx');
  }
}
