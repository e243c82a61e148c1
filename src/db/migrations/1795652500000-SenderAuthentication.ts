import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sender authentication (issue 21): each email's SPF/DKIM/DMARC/ARC results, a policy per group
 * (null inherits), and why an address was not linked when the policy said no.
 */
export class SenderAuthentication1795652500000 implements MigrationInterface {
  name = 'SenderAuthentication1795652500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inbound_emails ADD COLUMN auth_results jsonb');
    await q.query('ALTER TABLE email_participants ADD COLUMN link_reason text');
    await q.query(
      `ALTER TABLE group_crm_settings ADD COLUMN sender_auth_policy varchar(16),
         ADD CONSTRAINT group_crm_settings_sender_auth_policy_check
           CHECK (sender_auth_policy IN ('off', 'dmarc', 'dkim-or-spf'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE group_crm_settings DROP COLUMN sender_auth_policy');
    await q.query('ALTER TABLE email_participants DROP COLUMN link_reason');
    await q.query('ALTER TABLE inbound_emails DROP COLUMN auth_results');
  }
}
