import type { EntityManager } from 'typeorm';
import { Group } from '../../entities/group.entity';
import { GroupCrmSettings } from '../../entities/group-crm-settings.entity';
import { ConflictError } from '../errors';
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
}

export interface ChainRow {
  group_id: number;
  source_group_id: number | null;
  enabled: boolean | null;
}

export class GroupRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: { name: string; path: string; parentId: number | null }): Promise<Group> {
    const rows: { id: number }[] = await this.em
      .query(
        `INSERT INTO groups (name, path, parent_id, traversal_ids)
         SELECT $1, $2, $3,
                -- FOR SHARE waits for a transfer of the parent and reads its new ancestors
                coalesce((SELECT traversal_ids FROM groups WHERE id = $3 FOR SHARE), '{}')
         RETURNING id`,
        [input.name, input.path, input.parentId],
      )
      .catch((err: unknown) => {
        if (uniqueViolation(err) === 'groups_parent_path_key')
          throw new ConflictError(`the path ${input.path} is already taken at this level`);
        throw err;
      });
    const id = rows[0]?.id as number;
    await this.em.query('UPDATE groups SET traversal_ids = traversal_ids || id WHERE id = $1', [
      id,
    ]);
    return this.em.findOneOrFail(Group, { where: { id } });
  }

  /** One group transfer at a time: two crossing ones could each pass the other's cycle check. */
  async lockTransfers(): Promise<void> {
    await this.em.query("SELECT pg_advisory_xact_lock(hashtext('desk.group-transfer'))");
  }

  /** The group and all its descendants with their own configured source, locked until commit. */
  async lockSubtree(groupId: number): Promise<SubtreeGroup[]> {
    const rows: { id: number; traversal_ids: number[]; source_group_id: number | null }[] =
      await this.em.query(
        `SELECT g.id, g.traversal_ids, s.source_group_id
           FROM groups g LEFT JOIN group_crm_settings s ON s.group_id = g.id
          WHERE g.traversal_ids @> ARRAY[$1]::int[]
          ORDER BY g.id
            FOR UPDATE OF g`,
        [groupId],
      );
    return rows.map((r) => ({
      groupId: r.id,
      traversalIds: r.traversal_ids,
      sourceGroupId: r.source_group_id,
    }));
  }

  /** Moves a group under `parentId` (null: top level); the subtree's traversal ids follow. */
  async reparent(groupId: number, parentId: number | null, path: string): Promise<void> {
    await this.em
      .query('UPDATE groups SET parent_id = $2 WHERE id = $1', [groupId, parentId])
      .catch((err: unknown) => {
        if (uniqueViolation(err) === 'groups_parent_path_key')
          throw new ConflictError(`the path ${path} is already taken at this level`);
        throw err;
      });
    await this.em.query(
      `UPDATE groups
          SET traversal_ids = coalesce((SELECT traversal_ids FROM groups WHERE id = $2), '{}')
                              || traversal_ids[array_position(traversal_ids, $1):]
        WHERE traversal_ids @> ARRAY[$1]::int[]`,
      [groupId, parentId],
    );
  }

  findById(id: number): Promise<Group | null> {
    return this.em.findOne(Group, { where: { id } });
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
    const rows: { full_path: string }[] = await this.em.query(
      `SELECT string_agg(a.path, '/' ORDER BY t.depth) AS full_path
         FROM groups g
         CROSS JOIN LATERAL unnest(g.traversal_ids) WITH ORDINALITY AS t(gid, depth)
         JOIN groups a ON a.id = t.gid
        WHERE g.id = $1`,
      [id],
    );
    return rows[0]?.full_path ?? null;
  }

  /** The group's own CRM settings (not inherited), with the defaults when none are stored. */
  async ownCrmSettings(
    groupId: number,
  ): Promise<{ enabled: boolean; sourceGroupId: number | null }> {
    const row = await this.em.findOne(GroupCrmSettings, { where: { groupId } });
    return { enabled: row?.enabled ?? true, sourceGroupId: row?.sourceGroupId ?? null };
  }

  /** True when some group has this one configured as its contact source. */
  async isConfiguredSource(groupId: number): Promise<boolean> {
    const rows: unknown[] = await this.em.query(
      'SELECT 1 FROM group_crm_settings WHERE source_group_id = $1 LIMIT 1',
      [groupId],
    );
    return rows.length > 0;
  }

  /** True when a work item of a project in the group's subtree has a contact of `sourceGroupId`. */
  async subtreeUsesContactsOf(groupId: number, sourceGroupId: number): Promise<boolean> {
    const rows: unknown[] = await this.em.query(
      `SELECT 1 FROM work_item_contacts wic
         JOIN contacts c ON c.id = wic.contact_id
         JOIN work_items w ON w.id = wic.work_item_id
         JOIN projects p ON p.id = w.project_id
         JOIN groups g ON g.id = p.group_id
        WHERE g.traversal_ids @> ARRAY[$1]::int[] AND c.group_id = $2
        LIMIT 1`,
      [groupId, sourceGroupId],
    );
    return rows.length > 0;
  }

  /** The CRM settings of a group and all its ancestors, in one query. */
  async crmChainOfGroup(groupId: number): Promise<GroupCrmChain | null> {
    return toChain(await this.em.query(chainQuery('groups g', 'g.id = $1'), [groupId]));
  }

  /** The same for the group of a work item's project, in one query. */
  async crmChainOfWorkItem(workItemId: number): Promise<GroupCrmChain | null> {
    const from =
      'work_items w JOIN projects p ON p.id = w.project_id JOIN groups g ON g.id = p.group_id';
    return toChain(await this.em.query(chainQuery(from, 'w.id = $1'), [workItemId]));
  }
}

/**
 * Settings of every group on the path root → g (ancestors from traversal_ids), root first, as
 * ChainRow and its depth (1 for the top-level group).
 */
export function chainQuery(from: string, where: string): string {
  return `SELECT t.gid AS group_id, s.source_group_id, s.enabled, t.depth
            FROM ${from}
            CROSS JOIN LATERAL unnest(g.traversal_ids) WITH ORDINALITY AS t(gid, depth)
            LEFT JOIN group_crm_settings s ON s.group_id = t.gid
           WHERE ${where}
           ORDER BY t.depth`;
}

export function toChain(rows: ChainRow[]): GroupCrmChain | null {
  const own = rows[rows.length - 1];
  if (!own) return null;
  return {
    chain: rows.map((r) => ({ groupId: r.group_id, sourceGroupId: r.source_group_id })),
    crmEnabled: own.enabled ?? true,
  };
}
