import type { EntityManager } from 'typeorm';
import { Group } from '../../entities/group.entity';
import { GroupMember } from '../../entities/group-member.entity';

export interface GroupRole {
  groupId: number;
  /** Highest access level of the user over the group and its ancestors; null without any. */
  accessLevel: number | null;
}

export class MembershipRepository {
  constructor(private readonly em: EntityManager) {}

  async upsert(groupId: number, userId: number, accessLevel: number): Promise<void> {
    await this.em.upsert(GroupMember, { groupId, userId, accessLevel }, ['groupId', 'userId']);
  }

  /** The user's role in a group, inherited from ancestors; null when the group does not exist. */
  async roleInGroup(groupId: number, userId: number | null): Promise<GroupRole | null> {
    const row = await this.em
      .createQueryBuilder(Group, 'g')
      .leftJoin(GroupMember, 'm', 'm.user_id = :userId AND m.group_id = ANY(g.traversal_ids)', {
        userId,
      })
      .select('g.id', 'id')
      .addSelect('max(m.access_level)', 'access_level')
      .where('g.id = :groupId', { groupId })
      .groupBy('g.id')
      .getRawOne<{ id: number; access_level: number | null }>();
    return row ? { groupId: row.id, accessLevel: row.access_level } : null;
  }
}
