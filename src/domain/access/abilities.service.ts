import type { Store } from '../../repositories/store';
import { CRM_ROLE, workItemCrm } from '../crm/permissions';
import { requireWorkItem } from '../work-items/work-item-access';
import type { Actor } from './actor';
import { levelInGroup } from './group-access';
import { ACCESS_LEVELS } from './roles';

/**
 * What an actor may do in a group, by the same rules the services enforce, for clients that
 * show only what can be used (the web pages). The services still check every request.
 */
export interface GroupAbilities {
  /** null: no access to the group at all. */
  level: number | null;
  crmEnabled: boolean;
  configureCrm: boolean;
  readContacts: boolean;
  manageContacts: boolean;
}

export async function groupAbilities(
  store: Store,
  actor: Actor,
  groupId: number,
): Promise<GroupAbilities> {
  return store.run(async (repos) => {
    const level = await levelInGroup(repos, actor, groupId);
    const crmEnabled = level !== null && (await repos.groups.ownCrmSettings(groupId)).enabled;
    const at = (min: number) => level !== null && level >= min;
    return {
      level,
      crmEnabled,
      configureCrm: at(ACCESS_LEVELS.owner),
      readContacts: crmEnabled && at(CRM_ROLE.read),
      manageContacts: crmEnabled && at(CRM_ROLE.manage),
    };
  });
}

export interface WorkItemAbilities {
  readContacts: boolean;
  changeContacts: boolean;
  /** Participant addresses are customers' data: Reporter on the project. */
  readParticipants: boolean;
  /** The contact source group's full path, for those who may read its contacts. */
  contactSource: string | null;
}

export async function workItemAbilities(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<WorkItemAbilities> {
  return store.run(async (repos) => {
    const { workItem, project } = await requireWorkItem(repos, actor, projectId, iid);
    const level = (await levelInGroup(repos, actor, project.groupId)) ?? 0;
    const read = await workItemCrm(repos, actor, workItem.id, 'read');
    const readContacts = read.denial === null;
    return {
      readContacts,
      changeContacts: (await workItemCrm(repos, actor, workItem.id, 'link')).denial === null,
      readParticipants: level >= ACCESS_LEVELS.reporter,
      contactSource: readContacts ? await repos.groups.fullPath(read.sourceGroupId) : null,
    };
  });
}
