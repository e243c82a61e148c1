import type { Repositories } from '../../repositories/store';
import { UnprocessableError } from '../../errors';

/**
 * Contacts and organizations live in top-level groups without a configured source and in groups
 * some group uses as its contact source (GitLab's rule); anywhere else nobody would see them.
 */
export async function assertHoldsContacts(
  repos: Repositories,
  groupId: number,
  what: 'contacts' | 'organizations',
): Promise<void> {
  const group = await repos.groups.findById(groupId);
  const own = await repos.groups.ownCrmSettings(groupId);
  if (group?.parentId === null && own.sourceGroupId === null) return;
  if (await repos.groups.isConfiguredSource(groupId)) return;
  throw new UnprocessableError(
    `${what} can only be added to root groups and groups configured as contact sources`,
  );
}
