import type { Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { requireGroupRole } from '../access/group-access';
import { requireProjectRole } from '../access/project-access';
import { ACCESS_LEVELS } from '../access/roles';
import { UnprocessableError } from '../../errors';
import type { ServiceDeskAddressing } from '../mail/service-desk-address';
import { projectView, type ProjectView } from '../projects/projects.service';
import { contactSourceOf } from './contact-source-of';

export interface ProjectTransferView extends ProjectView {
  /** Work-item contact links removed because the contact source changed. */
  contactsRemoved: number;
}

/**
 * Owner of the project's group and Maintainer+ of the target (DESIGN §3). When the contact
 * source changes, the work items lose their contacts; their email participants stay.
 */
export async function transferProject(
  store: Store,
  addressing: ServiceDeskAddressing,
  actor: Actor,
  projectId: number,
  groupId: number,
): Promise<ProjectTransferView> {
  return store.transaction(async (repos) => {
    const { project } = await requireProjectRole(repos, actor, projectId, ACCESS_LEVELS.owner);
    await requireGroupRole(repos, actor, groupId, ACCESS_LEVELS.maintainer);
    if (project.groupId === groupId)
      throw new UnprocessableError('the project is already in this group', { field: 'groupId' });
    const moved = await repos.projects.moveToGroup(project, groupId);
    // read under the project's row lock, so a concurrent group transfer is wholly before or after
    const before = await contactSourceOf(repos, project.groupId);
    const after = await contactSourceOf(repos, groupId);
    // links made meanwhile by email or the API wait for these locks, then see the new group
    const workItemIds = await repos.workItems.lockInProject(projectId);
    const contactsRemoved =
      before === after ? 0 : await repos.workItemContacts.unlinkAll(workItemIds);
    return { ...projectView(addressing, moved), contactsRemoved };
  });
}
