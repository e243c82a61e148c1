/**
 * Points the contacts of a group at other organizations, by (old id, new id) pairs: the merge of
 * a moved organization into the same-named one the new contact source already has. One statement
 * for any number of pairs; TypeORM's update has no FROM, so it would take one statement a pair.
 * $1 group id, $2 old organization ids, $3 new organization ids (same length).
 */
export const REMAP_CONTACT_ORGANIZATIONS = `UPDATE contacts c SET organization_id = m.new_id
    FROM unnest($2::int[], $3::int[]) AS m(old_id, new_id)
   WHERE c.group_id = $1 AND c.organization_id = m.old_id`;
