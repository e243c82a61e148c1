import type { EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import { Organization } from '../../entities/organization.entity';
import { WorkItemContact } from '../../entities/work-item-contact.entity';
import {
  COPY_CONTACT,
  COPY_CONTACTS_WITH_EMAIL,
  COPY_ORGANIZATIONS,
} from './sql/copy-crm-records.sql';
import { DEFER_CONTACT_ORGANIZATION_KEY } from './sql/defer-contact-organization-key.sql';
import {
  LINK_NEW_CONTACTS,
  REPOINT_PARTICIPANTS,
  UNLINK_OLD_CONTACTS,
} from './sql/relink-contacts.sql';
import { REMAP_CONTACT_ORGANIZATIONS } from './sql/remap-contact-organizations.sql';

/** What a group transfer did to contacts and organizations in the new contact source. */
export interface MigrationCounts {
  /** Contacts moved or copied into the new source. */
  contacts: number;
  organizations: number;
  /** Contacts whose email (organizations: name) the new source already had: merged into it. */
  duplicateContacts: number;
  duplicateOrganizations: number;
}

type Pairs = { oldIds: number[]; newIds: number[] };

const toPairs = (rows: { old_id: number; new_id: number }[]): Pairs => ({
  oldIds: rows.map((r) => r.old_id),
  newIds: rows.map((r) => r.new_id),
});

/** DESIGN §3 "Moves": contacts and organizations following a transferred group. */
export class CrmMigrationRepository {
  constructor(private readonly em: EntityManager) {}

  /** How many contacts and organizations a group holds. */
  async countHeld(groupId: number): Promise<number> {
    return (
      (await this.em.countBy(Contact, { groupId })) +
      (await this.em.countBy(Organization, { groupId }))
    );
  }

  /** The contacts linked to any of these work items. */
  async contactIdsLinkedTo(workItemIds: number[]): Promise<number[]> {
    if (workItemIds.length === 0) return [];
    const rows = await this.em
      .createQueryBuilder(WorkItemContact, 'x')
      .select('x.contact_id', 'contact_id')
      .distinct(true)
      .where('x.work_item_id = ANY(:workItemIds)', { workItemIds })
      .orderBy('x.contact_id')
      .getRawMany<{ contact_id: number }>();
    return rows.map((r) => r.contact_id);
  }

  /**
   * Moves every contact and organization of `from` into `to`. Those whose email (or name) `to`
   * already has are deleted and their links, participants and contacts point at `to`'s instead.
   */
  async moveAll(from: number, to: number): Promise<MigrationCounts> {
    // organizations move before their contacts: the (group_id, organization_id) key is
    // checked at commit, when both are in `to`
    await this.em.query(DEFER_CONTACT_ORGANIZATION_KEY);
    const orgs = await this.sameIn(Organization, to, 'x.group_id = :from', { from });
    await this.em.query(REMAP_CONTACT_ORGANIZATIONS, [from, orgs.oldIds, orgs.newIds]);
    await this.deleteIds(Organization, orgs.oldIds);
    const movedOrgs = await this.em.update(Organization, { groupId: from }, { groupId: to });
    const contacts = await this.sameIn(Contact, to, 'x.group_id = :from', { from });
    await this.relink(null, contacts);
    await this.deleteIds(Contact, contacts.oldIds);
    const movedContacts = await this.em.update(Contact, { groupId: from }, { groupId: to });
    return {
      contacts: movedContacts.affected ?? 0,
      organizations: movedOrgs.affected ?? 0,
      duplicateContacts: contacts.oldIds.length,
      duplicateOrganizations: orgs.oldIds.length,
    };
  }

  /**
   * Copies the contacts linked to `workItemIds` (and their organizations) into `to`, reusing
   * the ones `to` already has by email (organizations by name), and relinks the work items.
   * The old source keeps its own.
   */
  async copyUsed(workItemIds: number[], to: number): Promise<MigrationCounts> {
    const used = await this.contactIdsLinkedTo(workItemIds);
    const usedOrgIds = (
      await this.em
        .createQueryBuilder(Contact, 'c')
        .select('c.organization_id', 'id')
        .distinct(true)
        .where('c.id = ANY(:used) AND c.organization_id IS NOT NULL', { used })
        .getRawMany<{ id: number }>()
    ).map((r) => r.id);
    const newOrgs = (await this.em.query(COPY_ORGANIZATIONS, [usedOrgIds, to])).length;
    const orgs = await this.sameIn(Organization, to, 'x.id = ANY(:usedOrgIds)', { usedOrgIds });
    const withEmail = (
      await this.em.query(COPY_CONTACTS_WITH_EMAIL, [used, to, orgs.oldIds, orgs.newIds])
    ).length;
    const pairs = await this.sameIn(Contact, to, 'x.id = ANY(:used)', { used });
    // without an email nothing can be a duplicate: each gets a copy of its own
    const withoutEmail = await this.em
      .createQueryBuilder(Contact, 'c')
      .select('c.id')
      .where('c.id = ANY(:used) AND c.email IS NULL AND c.group_id <> :to', { used, to })
      .getMany();
    for (const { id } of withoutEmail) {
      const rows: { id: number }[] = await this.em.query(COPY_CONTACT, [
        id,
        to,
        orgs.oldIds,
        orgs.newIds,
      ]);
      pairs.oldIds.push(id);
      pairs.newIds.push(rows[0]!.id);
    }
    await this.relink(workItemIds, pairs);
    return {
      contacts: withEmail + withoutEmail.length,
      organizations: newOrgs,
      duplicateContacts: pairs.oldIds.length - withEmail - withoutEmail.length,
      duplicateOrganizations: orgs.oldIds.length - newOrgs,
    };
  }

  /** Records matched by `where` paired with the one of group `to` with the same email or name. */
  private async sameIn(
    entity: typeof Contact | typeof Organization,
    to: number,
    where: string,
    params: object,
  ): Promise<Pairs> {
    const same =
      entity === Contact ? 'lower(t.email) = lower(x.email)' : 'lower(t.name) = lower(x.name)';
    return toPairs(
      await this.em
        .createQueryBuilder(entity, 'x')
        .innerJoin(entity, 't', `t.group_id = :to AND ${same}`, { to })
        .select('x.id', 'old_id')
        .addSelect('t.id', 'new_id')
        .where(where, params)
        .getRawMany<{ old_id: number; new_id: number }>(),
    );
  }

  private async deleteIds(entity: typeof Contact | typeof Organization, ids: number[]) {
    await this.em
      .createQueryBuilder()
      .delete()
      .from(entity)
      .where('id = ANY(:ids)', { ids })
      .execute();
  }

  /** Work items (`null`: all) linked to an old contact end linked to its new one instead. */
  private async relink(workItemIds: number[] | null, pairs: Pairs): Promise<void> {
    if (pairs.oldIds.length === 0) return;
    const params = [pairs.oldIds, pairs.newIds, workItemIds];
    await this.em.query(LINK_NEW_CONTACTS, params);
    await this.em.query(UNLINK_OLD_CONTACTS, params);
    await this.em.query(REPOINT_PARTICIPANTS, params);
  }
}
