/**
 * Hands out the next iid of a project from its own sequence (migration WorkItemIidSequences):
 * never twice, and a failed attempt skips one. A function call touching no table, which TypeORM
 * can only wrap, not express. $1 project id; one row, `iid`.
 */
export const NEXT_WORK_ITEM_IID = 'SELECT next_work_item_iid($1) AS iid';
