import type { EntityManager } from 'typeorm';

export interface GroupRole {
  groupId: number;
  /** Highest access level of the user over the group and its ancestors; null without any. */
  accessLevel: number | null;
}

export class MembershipRepository {
  constructor(private readonly em: EntityManager) {}

  async upsert(groupId: number, userId: number, accessLevel: number): Promise<void> {
    await this.em.query(
      `INSERT INTO group_members (group_id, user_id, access_level) VALUES ($1, $2, $3)
       ON CONFLICT (group_id, user_id) DO UPDATE SET access_level = EXCLUDED.access_level`,
      [groupId, userId, accessLevel],
    );
  }

  /** The user's role in a group, inherited from ancestors; null when the group does not exist. */
  async roleInGroup(groupId: number, userId: number | null): Promise<GroupRole | null> {
    const rows: { id: number; access_level: number | null }[] = await this.em.query(
      `SELECT g.id,
              (SELECT max(m.access_level) FROM group_members m
                WHERE m.user_id = $2 AND m.group_id = ANY(g.traversal_ids)) AS access_level
         FROM groups g WHERE g.id = $1`,
      [groupId, userId],
    );
    const row = rows[0];
    return row ? { groupId: row.id, accessLevel: row.access_level } : null;
  }
}
