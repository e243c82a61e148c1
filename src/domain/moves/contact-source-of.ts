import type { Repositories } from '../../repositories/store';
import { resolveContactSource } from '../crm/contact-source';

/** The resolved contact source of a group, in one query. */
export async function contactSourceOf(repos: Repositories, groupId: number): Promise<number> {
  const crm = await repos.groups.crmChainOfGroup(groupId);
  if (!crm) throw new Error(`group ${groupId} does not exist`);
  return resolveContactSource(crm.chain);
}
