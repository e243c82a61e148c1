import type { EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import { Group } from '../../entities/group.entity';
import { GroupCrmSettings, type SenderAuthPolicy } from '../../entities/group-crm-settings.entity';
import { Project } from '../../entities/project.entity';
import { WorkItem } from '../../entities/work-item.entity';
import { WorkItemContact } from '../../entities/work-item-contact.entity';
import { ConflictError } from '../errors';
import { likePattern } from './like-pattern';
import { LOCK_GROUP_TRANSFERS } from './sql/group-transfer-lock.sql';
import { uniqueViolation } from './unique-violation';

/** One group on the path from the top-level group down to the group whose source is wanted. */
export interface AncestorSetting {
  groupId: number;
  sourceGroupId: number | null;
}

/** A group of a subtree with its own configured contact source (null: none). */
export interface SubtreeGroup {
  groupId: number;
  /** Root first, ending with the group itself. */
  traversalIds: number[];
  sourceGroupId: number | null;
}

export interface GroupCrmChain {
  /** Root first, ending with the group itself. */
  chain: AncestorSetting[];
  /** The group's own flag: CRM enablement is not inherited. */
  crmEnabled: boolean;
  /** Each group's own sender-authentication policy (null: none set), root first. */
  senderAuthPolicies: (SenderAuthPolicy | null)[];
}

export interface ChainRow {
  group_id: number;
  source_group_id: number | null;
  enabled: boolean | null;
  sender_auth_policy: SenderAuthPolicy | null;
}

/** A group with the paths of its ancestors and its own joined by `/`. */
export interface GroupWithPath extends Group {
  fullPath: string;
}

export interface GroupFilter {
  /** Only groups this user is a member of, directly or through an ancestor; null: all. */
  visibleTo: number | null;
  /** Direct children of this group. */
  parentId?: number;
  /** Case-insensitive, like paths themselves. */
  fullPath?: string;
  fullPathPrefix?: string;
}

const FULL_PATH = `(SELECT string_agg(a.path, '/' ORDER BY array_position(g.traversal_ids, a.id))
  FROM groups a WHERE a.id = ANY(g.traversal_ids))`;

export class GroupRepository {
  constructor(private readonly em: EntityManager) {}

  /** Its own transaction (a savepoint inside the caller's): the parent stays locked until done. */
  create(input: { name: string; path: string; parentId: number | null }): Promise<Group> {
    return this.em.transaction(async (em) => {
      // FOR SHARE waits for a transfer of the parent and reads its new ancestors
      const parent =
        input.parentId === null
          ? null
          : await em
              .createQueryBuilder(Group, 'g')
              .where('g.id = :id', { id: input.parentId })
              .setLock('pessimistic_read')
              .getOne();
      const ancestors = parent?.traversalIds ?? [];
      const { identifiers } = await em
        .insert(Group, { ...input, traversalIds: ancestors })
        .catch((err: unknown) => pathTaken(err, input.path));
      const id = identifiers[0]!.id as number;
      await em.update(Group, { id }, { traversalIds: [...ancestors, id] });
      return em.findOneOrFail(Group, { where: { id } });
    });
  }

  /** One group transfer at a time: two crossing ones could each pass the other's cycle check. */
  async lockTransfers(): Promise<void> {
    await this.em.query(LOCK_GROUP_TRANSFERS);
  }

  /** The group and all its descendants with their own configured source, locked until commit. */
  async lockSubtree(groupId: number): Promise<SubtreeGroup[]> {
    const rows = await this.em
      .createQueryBuilder(Group, 'g')
      .leftJoin(GroupCrmSettings, 's', 's.group_id = g.id')
      .select('g.id', 'id')
      .addSelect('g.traversal_ids', 'traversal_ids')
      .addSelect('s.source_group_id', 'source_group_id')
      .where(inSubtree('g'), { groupId })
      .orderBy('g.id')
      .setLock('pessimistic_write', undefined, ['g'])
      .getRawMany<{ id: number; traversal_ids: number[]; source_group_id: number | null }>();
    return rows.map((r) => ({
      groupId: r.id,
      traversalIds: r.traversal_ids,
      sourceGroupId: r.source_group_id,
    }));
  }

  /** Moves a group under `parentId` (null: top level); the subtree's traversal ids follow. */
  async reparent(groupId: number, parentId: number | null, path: string): Promise<void> {
    await this.em
      .update(Group, { id: groupId }, { parentId })
      .catch((err: unknown) => pathTaken(err, path));
    const parent = parentId === null ? null : await this.findById(parentId);
    await this.em
      .createQueryBuilder()
      .update(Group)
      .set({
        traversalIds: () =>
          ':ancestors::int[] || traversal_ids[array_position(traversal_ids, :groupId):]',
      })
      .where(inSubtree('groups'), { groupId, ancestors: parent?.traversalIds ?? [] })
      .execute();
  }

  findById(id: number): Promise<Group | null> {
    return this.em.findOne(Group, { where: { id } });
  }

  /** One page in id order. */
  async list(filter: GroupFilter, afterId: number | null, limit: number): Promise<GroupWithPath[]> {
    const q = this.em
      .createQueryBuilder(Group, 'g')
      .addSelect(FULL_PATH, 'full_path')
      .orderBy('g.id', 'ASC')
      .limit(limit);
    if (filter.visibleTo !== null)
      // && rather than a join, so the GIN index on traversal_ids finds the subtrees
      q.andWhere(
        'g.traversal_ids && ARRAY(SELECT m.group_id FROM group_members m WHERE m.user_id = :userId)',
        { userId: filter.visibleTo },
      );
    // coalesce: the expression groups_parent_path_key indexes
    if (filter.parentId !== undefined)
      q.andWhere('coalesce(g.parent_id, 0) = :parentId', { parentId: filter.parentId });
    if (filter.fullPath !== undefined) {
      const segments = filter.fullPath.toLowerCase().split('/');
      q.andWhere(`lower(g.path) = :last AND cardinality(g.traversal_ids) = :depth`, {
        last: segments[segments.length - 1],
        depth: segments.length,
      }).andWhere(`lower(${FULL_PATH}) = :fullPath`, { fullPath: segments.join('/') });
    }
    if (filter.fullPathPrefix !== undefined)
      q.andWhere(`lower(${FULL_PATH}) LIKE :prefix`, {
        prefix: `${likePattern(filter.fullPathPrefix.toLowerCase())}%`,
      });
    if (afterId !== null) q.andWhere('g.id > :afterId', { afterId });
    const { entities, raw } = await q.getRawAndEntities<{ full_path: string }>();
    return entities.map((group, i) => ({ ...group, fullPath: raw[i]!.full_path }));
  }

  async setCrmSettings(
    groupId: number,
    enabled: boolean,
    sourceGroupId: number | null,
  ): Promise<void> {
    await this.em.upsert(GroupCrmSettings, { groupId, enabled, sourceGroupId }, ['groupId']);
  }

  /** The path of every ancestor and the group itself, joined by `/`. */
  async fullPath(id: number): Promise<string | null> {
    const rows = await this.ancestorsOf(Group, 'g.id = :id', { id })
      .select('a.path', 'path')
      .getRawMany<{ path: string }>();
    return rows.length === 0 ? null : rows.map((r) => r.path).join('/');
  }

  /** Null: the group inherits its policy. The other settings keep their values. */
  async setSenderAuthPolicy(groupId: number, policy: SenderAuthPolicy | null): Promise<void> {
    await this.em
      .createQueryBuilder()
      .insert()
      .into(GroupCrmSettings)
      .values({ groupId, senderAuthPolicy: policy })
      .orUpdate(['sender_auth_policy', 'updated_at'], ['group_id'])
      .updateEntity(false)
      .execute();
  }

  /** The group's own CRM settings (not inherited), with the defaults when none are stored. */
  async ownCrmSettings(groupId: number): Promise<{
    enabled: boolean;
    sourceGroupId: number | null;
    senderAuthPolicy: SenderAuthPolicy | null;
  }> {
    const row = await this.em.findOne(GroupCrmSettings, { where: { groupId } });
    return {
      enabled: row?.enabled ?? true,
      sourceGroupId: row?.sourceGroupId ?? null,
      senderAuthPolicy: row?.senderAuthPolicy ?? null,
    };
  }

  /** True when some group has this one configured as its contact source. */
  isConfiguredSource(groupId: number): Promise<boolean> {
    return this.em.existsBy(GroupCrmSettings, { sourceGroupId: groupId });
  }

  /** True when a work item of a project in the group's subtree has a contact of `sourceGroupId`. */
  subtreeUsesContactsOf(groupId: number, sourceGroupId: number): Promise<boolean> {
    return this.em
      .createQueryBuilder(WorkItemContact, 'wic')
      .innerJoin(Contact, 'c', 'c.id = wic.contact_id')
      .innerJoin(WorkItem, 'w', 'w.id = wic.work_item_id')
      .innerJoin(Project, 'p', 'p.id = w.project_id')
      .innerJoin(Group, 'g', 'g.id = p.group_id')
      .where(inSubtree('g'), { groupId })
      .andWhere('c.group_id = :sourceGroupId', { sourceGroupId })
      .getExists();
  }

  /** The CRM settings of a group and all its ancestors, in one query. */
  async crmChainOfGroup(groupId: number): Promise<GroupCrmChain | null> {
    return toChain(await this.chain(Group, 'g.id = :groupId', { groupId }));
  }

  /**
   * The CRM settings chains of several groups in one query (the groups tree), keyed by group id;
   * a group that does not exist is left out.
   */
  async crmChainsOfGroups(groupIds: readonly number[]): Promise<Map<number, GroupCrmChain>> {
    const chains = new Map<number, GroupCrmChain>();
    if (groupIds.length === 0) return chains;
    const rows = await this.em
      .createQueryBuilder(Group, 'g')
      .innerJoin(Group, 'a', 'a.id = ANY(g.traversal_ids)')
      .leftJoin(GroupCrmSettings, 's', 's.group_id = a.id')
      .select('g.id', 'of_group_id')
      .addSelect('a.id', 'group_id')
      .addSelect('s.source_group_id', 'source_group_id')
      .addSelect('s.enabled', 'enabled')
      .addSelect('s.sender_auth_policy', 'sender_auth_policy')
      .where('g.id = ANY(:groupIds::int[])', { groupIds: [...groupIds] })
      .orderBy('g.id')
      .addOrderBy('array_position(g.traversal_ids, a.id)')
      .getRawMany<ChainRow & { of_group_id: number }>();
    const byGroup = new Map<number, ChainRow[]>();
    for (const row of rows) {
      const list = byGroup.get(row.of_group_id) ?? [];
      list.push(row);
      byGroup.set(row.of_group_id, list);
    }
    for (const [id, list] of byGroup) chains.set(id, toChain(list)!);
    return chains;
  }

  /** The same for the group of a work item's project, in one query. */
  async crmChainOfWorkItem(workItemId: number): Promise<GroupCrmChain | null> {
    return toChain(await this.chain(WorkItem, 'w.id = :workItemId', { workItemId }));
  }

  private chain(from: typeof Group | typeof WorkItem, where: string, params: object) {
    return this.ancestorsOf(from, where, params)
      .leftJoin(GroupCrmSettings, 's', 's.group_id = a.id')
      .select('a.id', 'group_id')
      .addSelect('s.source_group_id', 'source_group_id')
      .addSelect('s.enabled', 'enabled')
      .addSelect('s.sender_auth_policy', 'sender_auth_policy')
      .getRawMany<ChainRow>();
  }

  /**
   * Every group `a` on the path root → g, root first, where g is the group itself or (from a
   * work item `w`) its project's group.
   */
  private ancestorsOf(from: typeof Group | typeof WorkItem, where: string, params: object) {
    const q =
      from === Group
        ? this.em.createQueryBuilder(Group, 'g')
        : this.em
            .createQueryBuilder(WorkItem, 'w')
            .innerJoin(Project, 'p', 'p.id = w.project_id')
            .innerJoin(Group, 'g', 'g.id = p.group_id');
    return q
      .innerJoin(Group, 'a', 'a.id = ANY(g.traversal_ids)')
      .where(where, params)
      .orderBy('array_position(g.traversal_ids, a.id)');
  }
}

/** `@>` rather than `= ANY`, so the GIN index on traversal_ids finds the subtree. */
function inSubtree(alias: string): string {
  return `${alias}.traversal_ids @> ARRAY[:groupId]::int[]`;
}

function pathTaken(err: unknown, path: string): never {
  if (uniqueViolation(err) === 'groups_parent_path_key')
    throw new ConflictError(`the path ${path} is already taken at this level`);
  throw err;
}

export function toChain(rows: ChainRow[]): GroupCrmChain | null {
  const own = rows[rows.length - 1];
  if (!own) return null;
  return {
    chain: rows.map((r) => ({ groupId: r.group_id, sourceGroupId: r.source_group_id })),
    crmEnabled: own.enabled ?? true,
    senderAuthPolicies: rows.map((r) => r.sender_auth_policy ?? null),
  };
}
