import type { EntityManager } from 'typeorm';
import { Group } from '../../entities/group.entity';
import { GroupMember } from '../../entities/group-member.entity';
import { User } from '../../entities/user.entity';

export interface GroupRole {
  groupId: number;
  /** Highest access level of the user over the group and its ancestors; null without any. */
  accessLevel: number | null;
}

/** A user's effective membership of a group, and the group it comes from. */
export interface EffectiveMember {
  userId: number;
  username: string;
  name: string;
  accessLevel: number;
  membershipGroupId: number;
}

export class MembershipRepository {
  constructor(private readonly em: EntityManager) {}

  async upsert(groupId: number, userId: number, accessLevel: number): Promise<void> {
    await this.em.upsert(GroupMember, { groupId, userId, accessLevel }, ['groupId', 'userId']);
  }

  async remove(groupId: number, userId: number): Promise<void> {
    await this.em.delete(GroupMember, { groupId, userId });
  }

  /** The user's own membership of exactly this group (not inherited), locked until commit. */
  async lockDirect(groupId: number, userId: number): Promise<number | null> {
    const row = await this.em
      .createQueryBuilder(GroupMember, 'm')
      .where('m.group_id = :groupId AND m.user_id = :userId', { groupId, userId })
      .setLock('pessimistic_write')
      .getOne();
    return row?.accessLevel ?? null;
  }

  /**
   * Every Owner membership of these groups (a group and its ancestors), locked in one order so
   * two removals of owners wait for each other instead of both seeing the other remain.
   */
  async lockOwners(groupIds: number[], ownerLevel: number): Promise<GroupMember[]> {
    return this.em
      .createQueryBuilder(GroupMember, 'm')
      .where('m.group_id = ANY(:groupIds) AND m.access_level = :ownerLevel', {
        groupIds,
        ownerLevel,
      })
      .orderBy('m.group_id')
      .addOrderBy('m.user_id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * One page of a group's members in user id order, each with its highest level over the group
   * and its ancestors (`groupIds`); on a tie the group's own membership is the one shown.
   */
  async listEffective(
    groupId: number,
    groupIds: number[],
    afterUserId: number | null,
    limit: number,
  ): Promise<EffectiveMember[]> {
    const q = this.em
      .createQueryBuilder(GroupMember, 'm')
      .innerJoin(User, 'u', 'u.id = m.user_id')
      .distinctOn(['m.user_id'])
      .select('m.user_id', 'userId')
      .addSelect('u.username', 'username')
      .addSelect('u.name', 'name')
      .addSelect('m.access_level', 'accessLevel')
      .addSelect('m.group_id', 'membershipGroupId')
      .where('m.group_id = ANY(:groupIds)', { groupIds })
      .orderBy('m.user_id')
      .addOrderBy('m.access_level', 'DESC')
      .addOrderBy('m.group_id = :groupId', 'DESC')
      .setParameter('groupId', groupId)
      .limit(limit);
    if (afterUserId !== null) q.andWhere('m.user_id > :afterUserId', { afterUserId });
    return q.getRawMany<EffectiveMember>();
  }

  /**
   * The user's access level (inherited from ancestors; null: none) in each of several groups, in
   * one query; groups that do not exist are left out.
   */
  async levelsInGroups(
    groupIds: readonly number[],
    userId: number | null,
  ): Promise<Map<number, number | null>> {
    const levels = new Map<number, number | null>();
    if (groupIds.length === 0) return levels;
    const rows = await this.em
      .createQueryBuilder(Group, 'g')
      .leftJoin(GroupMember, 'm', 'm.user_id = :userId AND m.group_id = ANY(g.traversal_ids)', {
        userId,
      })
      .select('g.id', 'id')
      .addSelect('max(m.access_level)', 'access_level')
      .where('g.id = ANY(:groupIds::int[])', { groupIds: [...groupIds] })
      .groupBy('g.id')
      .getRawMany<{ id: number; access_level: number | null }>();
    for (const row of rows) levels.set(row.id, row.access_level);
    return levels;
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
