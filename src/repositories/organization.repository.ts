import type { EntityManager } from 'typeorm';
import { Organization, type CrmState } from '../../entities/organization.entity';
import { ConflictError } from '../errors';
import { likePattern } from './like-pattern';
import { uniqueViolation } from './unique-violation';

export interface NewOrganization {
  groupId: number;
  name: string;
  description?: string;
  defaultRate?: string | null;
  state?: CrmState;
}

export interface OrganizationFilter {
  search?: string;
  state?: CrmState;
  /** Only these organizations (GitLab's `ids` filter). */
  ids?: number[];
}

export type OrganizationChanges = Partial<Omit<NewOrganization, 'groupId'>>;

function duplicateName(err: unknown, name: string | undefined): never {
  if (uniqueViolation(err) === 'organizations_group_name_key')
    throw new ConflictError(`an organization named ${name} already exists in this group`);
  throw err;
}

export class OrganizationRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewOrganization): Promise<Organization> {
    return this.em
      .save(this.em.create(Organization, { state: 'active', ...input }))
      .catch((err: unknown) => duplicateName(err, input.name));
  }

  async update(organization: Organization, changes: OrganizationChanges): Promise<Organization> {
    return this.em
      .save(Object.assign(organization, changes))
      .catch((err: unknown) => duplicateName(err, changes.name));
  }

  findInGroup(groupId: number, id: number): Promise<Organization | null> {
    return this.em.findOne(Organization, { where: { groupId, id } });
  }

  /** The group an organization belongs to; null when there is no such organization. */
  async groupIdOf(id: number): Promise<number | null> {
    const row = await this.em.findOne(Organization, { select: { groupId: true }, where: { id } });
    return row?.groupId ?? null;
  }

  async list(
    groupId: number,
    filter: OrganizationFilter,
    afterId: number | null,
    limit: number,
  ): Promise<Organization[]> {
    const q = this.em
      .createQueryBuilder(Organization, 'o')
      .where('o.group_id = :groupId', { groupId })
      .orderBy('o.id', 'ASC')
      .limit(limit);
    if (filter.search) q.andWhere('o.name ILIKE :s', { s: `%${likePattern(filter.search)}%` });
    if (filter.state) q.andWhere('o.state = :state', { state: filter.state });
    if (filter.ids !== undefined) q.andWhere('o.id = ANY(:ids)', { ids: filter.ids });
    if (afterId !== null) q.andWhere('o.id > :afterId', { afterId });
    return q.getMany();
  }
}
