/**
 * Work items linked to an old contact end linked to its new one, by (old id, new id) pairs, when
 * a group transfer merges or copies contacts into another contact source. Each is one statement
 * for any number of pairs; TypeORM's insert takes no SELECT and its update and delete no FROM or
 * USING, so its form would take a statement a pair or carry every link through Node.
 * $1 old contact ids, $2 new contact ids (same length), $3 work item ids (null: all of them).
 */

const SCOPE = '($3::int[] IS NULL OR x.work_item_id = ANY($3::int[]))';

export const LINK_NEW_CONTACTS = `INSERT INTO work_item_contacts (work_item_id, contact_id, added_via)
  SELECT x.work_item_id, m.new_id, 'move'
    FROM work_item_contacts x JOIN unnest($1::int[], $2::int[]) AS m(old_id, new_id)
      ON m.old_id = x.contact_id AND m.old_id <> m.new_id
   WHERE ${SCOPE}
  ON CONFLICT DO NOTHING`;

export const UNLINK_OLD_CONTACTS = `DELETE FROM work_item_contacts x
   USING unnest($1::int[], $2::int[]) AS m(old_id, new_id)
   WHERE m.old_id = x.contact_id AND m.old_id <> m.new_id AND ${SCOPE}`;

/** Participants matched to an old contact are matched to its new one. */
export const REPOINT_PARTICIPANTS = `UPDATE email_participants x SET contact_id = m.new_id
    FROM unnest($1::int[], $2::int[]) AS m(old_id, new_id)
   WHERE x.contact_id = m.old_id AND ${SCOPE}`;
