/**
 * Serializes group transfers: two crossing ones could each pass the other's cycle check. An
 * advisory lock is a function call, not a row lock, and TypeORM has no form for it.
 */
export const LOCK_GROUP_TRANSFERS = "SELECT pg_advisory_xact_lock(hashtext('desk.group-transfer'))";
