import type { DemoApi } from './demo-api';
import type { DemoPeople } from './demo-mails';

export interface DemoSetup {
  group: { id: number; name: string };
  project: { id: number; name: string; serviceDeskAddress: string };
  organization: { id: number; name: string };
  people: DemoPeople;
}

/**
 * Everything through the admin API: a group of its own (a unique name per run), customer
 * relations enabled on it, a Service Desk project, an organization and three contacts, one of
 * them inactive. Dave writes in too but is nobody's contact.
 */
export async function setUpDemo(api: DemoApi, run: string): Promise<DemoSetup> {
  const group = await api.post<{ id: number; name: string }>('/groups', {
    name: `Demo ${run}`,
    path: `demo-${run}`,
  });
  await api.put(`/groups/${group.id}/crm-settings`, { enabled: true });
  const project = await api.post<DemoSetup['project']>('/projects', {
    groupId: group.id,
    name: 'Helpdesk',
    path: 'helpdesk',
  });
  const organization = await api.post<{ id: number; name: string }>(
    `/groups/${group.id}/organizations`,
    { name: 'Acme Corp' },
  );
  const people: DemoPeople = {
    alice: 'alice@customer.example',
    bob: 'bob@customer.example',
    carol: 'carol@customer.example',
    dave: 'dave@customer.example',
  };
  const contact = (firstName: string, lastName: string, email: string, state = 'active') =>
    api.post(`/groups/${group.id}/contacts`, {
      firstName,
      lastName,
      email,
      organizationId: organization.id,
      state,
    });
  await contact('Alice', 'Anders', people.alice);
  await contact('Bob', 'Brown', people.bob);
  await contact('Carol', 'Clark', people.carol, 'inactive');
  return { group, project, organization, people };
}
