import type { WorkItem } from '../../../entities/work-item.entity';
import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
import { NotFoundError, UnprocessableError } from '../../errors';
import { contactSourceOf } from './contact-source-of';

/** DESIGN names no role for this; GitLab's "admin issue" in both projects is Reporter. */
export const MOVE_WORK_ITEM_ROLE = ACCESS_LEVELS.reporter;

export interface MovedWorkItem {
  workItem: WorkItem;
  contactsRemoved: number;
}

/**
 * Moves a work item to another project under that project's next iid, with its notes,
 * attachments and participants. Contacts stay when both projects share a contact source.
 */
export async function moveWorkItem(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
  targetProjectId: number,
): Promise<MovedWorkItem> {
  return store.transaction(async (repos) => {
    const { project } = await requireProjectRole(repos, actor, projectId, MOVE_WORK_ITEM_ROLE);
    const { project: target } = await requireProjectRole(
      repos,
      actor,
      targetProjectId,
      MOVE_WORK_ITEM_ROLE,
    );
    if (target.id === project.id)
      throw new UnprocessableError('the work item is already in this project', {
        field: 'projectId',
      });
    // project row before work item, as group transfers lock them; sources read under the locks
    const newIid = await repos.projects.nextWorkItemIid(target.id);
    const item = await repos.workItems.lockByIid(projectId, iid);
    if (!item) throw new NotFoundError('work item not found');
    const before = await contactSourceOf(repos, project.groupId);
    const after = await contactSourceOf(repos, target.groupId);
    const workItem = await repos.workItems.moveToProject(item.id, target.id, newIid);
    const contactsRemoved =
      before === after ? 0 : await repos.workItemContacts.unlinkAll([item.id]);
    return { workItem, contactsRemoved };
  });
}
