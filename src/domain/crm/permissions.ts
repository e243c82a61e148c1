import type { GroupCrmChain } from '../../repositories/group.repository';
import type { Repositories } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { assertLevel, levelInGroup } from '../access/group-access';
import { ACCESS_LEVELS, roleName } from '../access/roles';
import { ForbiddenError, NotFoundError } from '../../errors';
import { resolveContactSource } from './contact-source';

/** Minimum role in the contact-source group (DESIGN §3; GitLab's rule). */
export const CRM_ROLE = {
  read: ACCESS_LEVELS.planner,
  link: ACCESS_LEVELS.planner,
  manage: ACCESS_LEVELS.developer,
} as const;

export const CRM_DISABLED = 'customer relations is not enabled for this group';

/**
 * Contacts and organizations of a group: 404 without access to the group or with CRM disabled
 * on it, 403 below `minLevel`.
 */
export async function requireCrmGroup(
  repos: Repositories,
  actor: Actor,
  groupId: number,
  minLevel: number,
): Promise<void> {
  const level = await levelInGroup(repos, actor, groupId);
  if (level === null) throw new NotFoundError('group not found');
  if (!(await repos.groups.ownCrmSettings(groupId)).enabled) throw new NotFoundError(CRM_DISABLED);
  assertLevel(level, minLevel, 'group');
}

export type CrmDenial =
  { kind: 'crm_disabled'; message: string } | { kind: 'forbidden'; message: string };

export interface WorkItemCrm {
  sourceGroupId: number;
  /** Why the actor may not do this on the work item's contacts; null when it may. */
  denial: CrmDenial | null;
}

/**
 * What the actor may do with a work item's contacts. Reading needs CRM on the contact source;
 * linking needs it on the project's own group too. The role counts in the contact source only.
 */
export async function workItemCrm(
  repos: Repositories,
  actor: Actor,
  workItemId: number,
  need: 'read' | 'link',
): Promise<WorkItemCrm> {
  return decide(repos, actor, (await repos.groups.crmChainOfWorkItem(workItemId))!, need);
}

/** The same for the work items of a project's group (filtering them by contact, say). */
export async function projectGroupCrm(
  repos: Repositories,
  actor: Actor,
  groupId: number,
  need: 'read' | 'link',
): Promise<WorkItemCrm> {
  return decide(repos, actor, (await repos.groups.crmChainOfGroup(groupId))!, need);
}

async function decide(
  repos: Repositories,
  actor: Actor,
  crm: GroupCrmChain,
  need: 'read' | 'link',
): Promise<WorkItemCrm> {
  const sourceGroupId = resolveContactSource(crm.chain);
  const sourceEnabled = (await repos.groups.ownCrmSettings(sourceGroupId)).enabled;
  if (!sourceEnabled || (need === 'link' && !crm.crmEnabled))
    return { sourceGroupId, denial: { kind: 'crm_disabled', message: CRM_DISABLED } };
  const level = (await levelInGroup(repos, actor, sourceGroupId)) ?? 0;
  if (level < CRM_ROLE[need]) {
    const message = `this action needs the ${roleName(CRM_ROLE[need])} role in the contact source group`;
    return { sourceGroupId, denial: { kind: 'forbidden', message } };
  }
  return { sourceGroupId, denial: null };
}

/** For the API's contact endpoints: a disabled CRM answers 404, a low role 403. */
export function throwDenial(denial: CrmDenial | null): void {
  if (denial?.kind === 'crm_disabled') throw new NotFoundError(denial.message);
  if (denial?.kind === 'forbidden') throw new ForbiddenError(denial.message);
}
