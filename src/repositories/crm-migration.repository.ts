import type { EntityManager } from 'typeorm';

/** What a group transfer did to contacts and organizations in the new contact source. */
export interface MigrationCounts {
  /** Contacts moved or copied into the new source. */
  contacts: number;
  organizations: number;
  /** Contacts whose email (organizations: name) the new source already had: merged into it. */
  duplicateContacts: number;
  duplicateOrganizations: number;
}

type Pairs = { oldIds: number[]; newIds: number[] };

const toPairs = (rows: { old_id: number; new_id: number }[]): Pairs => ({
  oldIds: rows.map((r) => r.old_id),
  newIds: rows.map((r) => r.new_id),
});

/** The SQL of DESIGN §3 "Moves": contacts and organizations following a transferred group. */
export class CrmMigrationRepository {
  constructor(private readonly em: EntityManager) {}

  /** How many contacts and organizations a group holds. */
  async countHeld(groupId: number): Promise<number> {
    const rows: { n: number }[] = await this.em.query(
      `SELECT (SELECT count(*) FROM contacts WHERE group_id = $1)
            + (SELECT count(*) FROM organizations WHERE group_id = $1) AS n`,
      [groupId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The contacts linked to any of these work items. */
  async contactIdsLinkedTo(workItemIds: number[]): Promise<number[]> {
    if (workItemIds.length === 0) return [];
    const rows: { contact_id: number }[] = await this.em.query(
      `SELECT DISTINCT contact_id FROM work_item_contacts
        WHERE work_item_id = ANY($1::int[]) ORDER BY contact_id`,
      [workItemIds],
    );
    return rows.map((r) => r.contact_id);
  }

  /**
   * Moves every contact and organization of `from` into `to`. Those whose email (or name) `to`
   * already has are deleted and their links, participants and contacts point at `to`'s instead.
   */
  async moveAll(from: number, to: number): Promise<MigrationCounts> {
    // organizations move before their contacts: the (group_id, organization_id) key is
    // checked at commit, when both are in `to`
    await this.em.query('SET CONSTRAINTS contacts_group_id_organization_id_fkey DEFERRED');
    const orgs = toPairs(
      await this.em.query(
        `SELECT o.id AS old_id, t.id AS new_id FROM organizations o
           JOIN organizations t ON t.group_id = $2 AND lower(t.name) = lower(o.name)
          WHERE o.group_id = $1`,
        [from, to],
      ),
    );
    await this.em.query(
      `UPDATE contacts c SET organization_id = m.new_id
         FROM unnest($2::int[], $3::int[]) AS m(old_id, new_id)
        WHERE c.group_id = $1 AND c.organization_id = m.old_id`,
      [from, orgs.oldIds, orgs.newIds],
    );
    await this.em.query('DELETE FROM organizations WHERE id = ANY($1::int[])', [orgs.oldIds]);
    const movedOrgs = await this.count(
      'UPDATE organizations SET group_id = $2 WHERE group_id = $1 RETURNING 1',
      [from, to],
    );
    const contacts = toPairs(
      await this.em.query(
        `SELECT c.id AS old_id, t.id AS new_id FROM contacts c
           JOIN contacts t ON t.group_id = $2 AND lower(t.email) = lower(c.email)
          WHERE c.group_id = $1`,
        [from, to],
      ),
    );
    await this.relink(null, contacts);
    await this.em.query('DELETE FROM contacts WHERE id = ANY($1::int[])', [contacts.oldIds]);
    const movedContacts = await this.count(
      'UPDATE contacts SET group_id = $2 WHERE group_id = $1 RETURNING 1',
      [from, to],
    );
    return {
      contacts: movedContacts,
      organizations: movedOrgs,
      duplicateContacts: contacts.oldIds.length,
      duplicateOrganizations: orgs.oldIds.length,
    };
  }

  /**
   * Copies the contacts linked to `workItemIds` (and their organizations) into `to`, reusing
   * the ones `to` already has by email (organizations by name), and relinks the work items.
   * The old source keeps its own.
   */
  async copyUsed(workItemIds: number[], to: number): Promise<MigrationCounts> {
    const used = await this.contactIdsLinkedTo(workItemIds);
    const usedOrgIds: number[] = (
      await this.em.query(
        `SELECT DISTINCT organization_id AS id FROM contacts
          WHERE id = ANY($1::int[]) AND organization_id IS NOT NULL`,
        [used],
      )
    ).map((r: { id: number }) => r.id);
    const newOrgs = await this.count(
      `INSERT INTO organizations (group_id, name, description, default_rate, state)
       SELECT $2, o.name, o.description, o.default_rate, o.state FROM organizations o
        WHERE o.id = ANY($1::int[]) AND o.group_id <> $2
          AND NOT EXISTS (SELECT 1 FROM organizations t
                           WHERE t.group_id = $2 AND lower(t.name) = lower(o.name))
       ON CONFLICT DO NOTHING RETURNING 1`,
      [usedOrgIds, to],
    );
    const orgs = toPairs(
      await this.em.query(
        `SELECT o.id AS old_id, t.id AS new_id FROM organizations o
           JOIN organizations t ON t.group_id = $2 AND lower(t.name) = lower(o.name)
          WHERE o.id = ANY($1::int[])`,
        [usedOrgIds, to],
      ),
    );
    const copy = `INSERT INTO contacts (group_id, organization_id, first_name, last_name, email,
                                        phone, description, state)
                  SELECT $2, m.new_id, c.first_name, c.last_name, c.email, c.phone,
                         c.description, c.state
                    FROM contacts c
                    LEFT JOIN unnest($3::int[], $4::int[]) AS m(old_id, new_id)
                      ON m.old_id = c.organization_id`;
    const withEmail = await this.count(
      `${copy}
        WHERE c.id = ANY($1::int[]) AND c.email IS NOT NULL AND c.group_id <> $2
          AND NOT EXISTS (SELECT 1 FROM contacts t
                           WHERE t.group_id = $2 AND lower(t.email) = lower(c.email))
       ON CONFLICT DO NOTHING RETURNING 1`,
      [used, to, orgs.oldIds, orgs.newIds],
    );
    const pairs: { old_id: number; new_id: number }[] = await this.em.query(
      `SELECT c.id AS old_id, t.id AS new_id FROM contacts c
         JOIN contacts t ON t.group_id = $2 AND lower(t.email) = lower(c.email)
        WHERE c.id = ANY($1::int[])`,
      [used, to],
    );
    // without an email nothing can be a duplicate: each gets a copy of its own
    const withoutEmail: { id: number }[] = await this.em.query(
      'SELECT id FROM contacts WHERE id = ANY($1::int[]) AND email IS NULL AND group_id <> $2',
      [used, to],
    );
    for (const { id } of withoutEmail) {
      const rows: { id: number }[] = await this.em.query(`${copy} WHERE c.id = $1 RETURNING id`, [
        id,
        to,
        orgs.oldIds,
        orgs.newIds,
      ]);
      pairs.push({ old_id: id, new_id: rows[0]!.id });
    }
    await this.relink(workItemIds, toPairs(pairs));
    return {
      contacts: withEmail + withoutEmail.length,
      organizations: newOrgs,
      duplicateContacts: pairs.length - withEmail - withoutEmail.length,
      duplicateOrganizations: orgs.oldIds.length - newOrgs,
    };
  }

  /** Work items (`null`: all) linked to an old contact end linked to its new one instead. */
  private async relink(workItemIds: number[] | null, pairs: Pairs): Promise<void> {
    if (pairs.oldIds.length === 0) return;
    const scope = workItemIds === null ? 'TRUE' : 'x.work_item_id = ANY($3::int[])';
    const params: unknown[] = [pairs.oldIds, pairs.newIds];
    if (workItemIds !== null) params.push(workItemIds);
    await this.em.query(
      `INSERT INTO work_item_contacts (work_item_id, contact_id, added_via)
       SELECT x.work_item_id, m.new_id, 'move'
         FROM work_item_contacts x JOIN unnest($1::int[], $2::int[]) AS m(old_id, new_id)
           ON m.old_id = x.contact_id AND m.old_id <> m.new_id
        WHERE ${scope}
       ON CONFLICT DO NOTHING`,
      params,
    );
    await this.em.query(
      `DELETE FROM work_item_contacts x USING unnest($1::int[], $2::int[]) AS m(old_id, new_id)
        WHERE m.old_id = x.contact_id AND m.old_id <> m.new_id AND ${scope}`,
      params,
    );
    await this.em.query(
      `UPDATE email_participants x SET contact_id = m.new_id
         FROM unnest($1::int[], $2::int[]) AS m(old_id, new_id)
        WHERE x.contact_id = m.old_id AND ${scope}`,
      params,
    );
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await this.em.query(
      `WITH changed AS (${sql}) SELECT count(*)::int AS n FROM changed`,
      params,
    );
    return rows[0]?.n ?? 0;
  }
}
