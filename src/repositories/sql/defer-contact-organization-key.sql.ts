/**
 * Checks a contact's (group_id, organization_id) key at commit instead of per statement, so a
 * group transfer can move organizations and their contacts to another group one table at a
 * time. A transaction setting, which TypeORM has no form for; no plan (not a query).
 */
export const DEFER_CONTACT_ORGANIZATION_KEY =
  'SET CONSTRAINTS contacts_group_id_organization_id_fkey DEFERRED';
