import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/repositories/store';
import { serviceDeskAddress } from '../../src/domain/mail/service-desk-address';

export const ADDRESSING = { localPart: 'support', domain: 'desk.localhost' };

export async function seedGroup(store: Store, path: string, parentId: number | null = null) {
  return store.repos.groups.create({ name: path, path, parentId });
}

export async function seedProject(store: Store, groupId: number, path = 'helpdesk') {
  const project = await store.repos.projects.create({
    groupId,
    name: path,
    path,
    serviceDeskKey: randomBytes(8).toString('hex'),
  });
  return { project, address: serviceDeskAddress(ADDRESSING, project.serviceDeskKey) };
}

export async function seedContact(
  store: Store,
  groupId: number,
  email: string,
  state: 'active' | 'inactive' = 'active',
) {
  const [firstName = 'x', lastName = 'y'] = email.split('@')[0]!.split('.');
  return store.repos.contacts.create({ groupId, firstName, lastName, email, state });
}
