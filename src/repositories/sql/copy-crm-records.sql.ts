/**
 * Copies contacts and organizations into a group's new contact source inside the database:
 * TypeORM's insert takes only values, so its form would carry every row through Node and split
 * it under PostgreSQL's 65535-parameter limit. A record the source already has (same name or
 * email, case-insensitively) is not copied; ON CONFLICT covers one inserted meanwhile.
 */

/** $1 organization ids, $2 target group; one row per organization copied. */
export const COPY_ORGANIZATIONS = `INSERT INTO organizations (group_id, name, description, default_rate, state)
  SELECT $2, o.name, o.description, o.default_rate, o.state FROM organizations o
   WHERE o.id = ANY($1::int[]) AND o.group_id <> $2
     AND NOT EXISTS (SELECT 1 FROM organizations t
                      WHERE t.group_id = $2 AND lower(t.name) = lower(o.name))
  ON CONFLICT DO NOTHING RETURNING 1`;

const COPY_CONTACTS = `INSERT INTO contacts (group_id, organization_id, first_name, last_name, email,
                                             phone, description, state)
  SELECT $2, m.new_id, c.first_name, c.last_name, c.email, c.phone, c.description, c.state
    FROM contacts c
    LEFT JOIN unnest($3::int[], $4::int[]) AS m(old_id, new_id) ON m.old_id = c.organization_id`;

/**
 * $1 contact ids, $2 target group, $3 old and $4 new organization ids (pairs); copies those with
 * an email; one row per contact copied.
 */
export const COPY_CONTACTS_WITH_EMAIL = `${COPY_CONTACTS}
   WHERE c.id = ANY($1::int[]) AND c.email IS NOT NULL AND c.group_id <> $2
     AND NOT EXISTS (SELECT 1 FROM contacts t
                      WHERE t.group_id = $2 AND lower(t.email) = lower(c.email))
  ON CONFLICT DO NOTHING RETURNING 1`;

/**
 * The same for one contact ($1) without an email, which nothing can duplicate: it is always
 * copied, and its new id returned (a bulk INSERT … SELECT cannot say which row came from which).
 */
export const COPY_CONTACT = `${COPY_CONTACTS} WHERE c.id = $1 RETURNING id`;
