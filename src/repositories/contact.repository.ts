import type { EntityManager } from 'typeorm';
import { Contact } from '../../entities/contact.entity';
import { Organization } from '../../entities/organization.entity';
import { ConflictError } from '../errors';
import { likePattern } from './like-pattern';
import { uniqueViolation } from './unique-violation';
import type { CrmState } from '../../entities/organization.entity';
import { WorkItemContact, type ContactLinkSource } from '../../entities/work-item-contact.entity';

export interface ContactMatch {
  id: number;
  email: string;
  state: CrmState;
}

export interface NewContact {
  groupId: number;
  firstName: string;
  lastName: string;
  email?: string | null;
  organizationId?: number | null;
  phone?: string;
  description?: string;
  state?: CrmState;
}

export type ContactChanges = Partial<Omit<NewContact, 'groupId'>>;

export interface ContactFilter {
  search?: string;
  state?: CrmState;
  organizationId?: number;
  /** Only these contacts (GitLab's `ids` filter). */
  ids?: number[];
}

/** A contact as suggested or listed on a work item, with its organization's name. */
export interface ContactSummary {
  id: number;
  email: string | null;
  firstName: string;
  lastName: string;
  state: CrmState;
  organization: { id: number; name: string } | null;
}

interface SummaryRow {
  id: number;
  email: string | null;
  first_name: string;
  last_name: string;
  state: CrmState;
  organization_id: number | null;
  organization_name: string | null;
}

export const SUMMARY_COLUMNS = `c.id, c.email, c.first_name, c.last_name, c.state,
  o.id AS organization_id, o.name AS organization_name`;

export function toSummary(r: SummaryRow): ContactSummary {
  return {
    id: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    state: r.state,
    organization:
      r.organization_id === null
        ? null
        : { id: r.organization_id, name: r.organization_name ?? '' },
  };
}

const SEARCH = `(c.email ILIKE :s OR c.first_name ILIKE :s OR c.last_name ILIKE :s
  OR c.first_name || ' ' || c.last_name ILIKE :s)`;

function duplicateEmail(err: unknown, email: string | null | undefined): never {
  if (uniqueViolation(err) === 'contacts_group_email_key')
    throw new ConflictError(`a contact with email ${email} already exists in this group`);
  throw err;
}

export class ContactRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewContact): Promise<Contact> {
    return this.em
      .save(this.em.create(Contact, { state: 'active', ...input }))
      .catch((err: unknown) => duplicateEmail(err, input.email));
  }

  async update(contact: Contact, changes: ContactChanges): Promise<Contact> {
    return this.em
      .save(Object.assign(contact, changes))
      .catch((err: unknown) => duplicateEmail(err, changes.email));
  }

  findInGroup(groupId: number, id: number): Promise<Contact | null> {
    return this.em.findOne(Contact, { where: { groupId, id } });
  }

  /** The group a contact belongs to; null when there is no such contact. */
  async groupIdOf(id: number): Promise<number | null> {
    const row = await this.em.findOne(Contact, { select: { groupId: true }, where: { id } });
    return row?.groupId ?? null;
  }

  /** One page in id order; `search` matches email and names case-insensitively. */
  async list(
    groupId: number,
    filter: ContactFilter,
    afterId: number | null,
    limit: number,
  ): Promise<Contact[]> {
    const q = this.em
      .createQueryBuilder(Contact, 'c')
      .where('c.group_id = :groupId', { groupId })
      .orderBy('c.id', 'ASC')
      .limit(limit);
    if (filter.search) q.andWhere(SEARCH, { s: `%${likePattern(filter.search)}%` });
    if (filter.state) q.andWhere('c.state = :state', { state: filter.state });
    if (filter.organizationId !== undefined)
      q.andWhere('c.organization_id = :org', { org: filter.organizationId });
    if (filter.ids !== undefined) q.andWhere('c.id = ANY(:ids)', { ids: filter.ids });
    if (afterId !== null) q.andWhere('c.id > :afterId', { afterId });
    return q.getMany();
  }

  /** How many contacts the list would show in all and in each state (GitLab's contactStateCounts). */
  async countByState(
    groupId: number,
    search: string | undefined,
  ): Promise<{ all: number; active: number; inactive: number }> {
    const q = this.em
      .createQueryBuilder(Contact, 'c')
      .select('count(*)::int', 'all')
      .addSelect(`count(*) FILTER (WHERE c.state = 'active')::int`, 'active')
      .addSelect(`count(*) FILTER (WHERE c.state = 'inactive')::int`, 'inactive')
      .where('c.group_id = :groupId', { groupId });
    if (search) q.andWhere(SEARCH, { s: `%${likePattern(search)}%` });
    return (await q.getRawOne<{ all: number; active: number; inactive: number }>())!;
  }

  /** Contacts of one group among `ids`; ids of other groups are simply not found. */
  async findByIds(groupId: number, ids: number[]): Promise<ContactMatch[]> {
    if (ids.length === 0) return [];
    const rows = await this.em
      .createQueryBuilder(Contact, 'c')
      .select('c.id', 'id')
      .addSelect('lower(c.email)', 'email')
      .addSelect('c.state', 'state')
      .where('c.group_id = :groupId AND c.id = ANY(:ids)', { groupId, ids })
      .getRawMany<{ id: number; email: string | null; state: CrmState }>();
    return rows.map((r) => ({ id: r.id, email: r.email ?? '', state: r.state }));
  }

  /**
   * Autocomplete: contacts of the group (active ones not on the work item for `add`, the ones on
   * it for `remove`) whose email, first or last name starts with `prefix`.
   */
  async suggest(
    action: 'add' | 'remove',
    groupId: number,
    workItemId: number,
    prefix: string,
    limit: number,
  ): Promise<ContactSummary[]> {
    const q = this.em
      .createQueryBuilder(Contact, 'c')
      .leftJoin(Organization, 'o', 'o.id = c.organization_id')
      .select(SUMMARY_COLUMNS)
      .where('c.group_id = :groupId', { groupId });
    const onItem = `EXISTS ${q
      .subQuery()
      .select('1')
      .from(WorkItemContact, 'w')
      .where('w.work_item_id = :workItemId AND w.contact_id = c.id', { workItemId })
      .getQuery()}`;
    if (action === 'add') q.andWhere(`c.state = 'active' AND NOT ${onItem}`);
    else q.andWhere(onItem);
    const rows = await q
      .andWhere(
        '(lower(c.email) LIKE :p OR lower(c.first_name) LIKE :p OR lower(c.last_name) LIKE :p)',
        { p: `${likePattern(prefix.toLowerCase())}%` },
      )
      .orderBy('c.last_name')
      .addOrderBy('c.first_name')
      .addOrderBy('c.id')
      .limit(limit)
      .getRawMany<SummaryRow>();
    return rows.map(toSummary);
  }

  /** Contacts of one group whose email equals one of `emails` (already lower-cased). */
  async findByEmails(groupId: number, emails: string[]): Promise<ContactMatch[]> {
    if (emails.length === 0) return [];
    const rows = await this.em
      .createQueryBuilder(Contact, 'c')
      .select(['c.id', 'c.email', 'c.state'])
      .where('c.group_id = :groupId AND lower(c.email) IN (:...emails)', { groupId, emails })
      .getMany();
    return rows.map((c) => ({ id: c.id, email: c.email!.toLowerCase(), state: c.state }));
  }

  async link(workItemId: number, contactIds: number[], addedVia: ContactLinkSource): Promise<void> {
    if (contactIds.length === 0) return;
    await this.em
      .createQueryBuilder()
      .insert()
      .into(WorkItemContact)
      .values(contactIds.map((contactId) => ({ workItemId, contactId, addedVia })))
      .orIgnore()
      .execute();
  }
}
