import {
  addContact,
  allContacts,
  closeWorkItem,
  createHelpdesk,
  deskClient,
} from '../client/desk-client';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

describe('a client typed from docs/openapi.json (openapi-typescript, openapi-fetch)', () => {
  it('creates a helpdesk and contacts, and pages through them', async () => {
    const client = deskClient(api.baseUrl, ADMIN_TOKEN);
    const { groupId, address } = await createHelpdesk(client, 'typed');
    expect(address).toMatch(/^support\+[a-z0-9]+@desk\.localhost$/);
    for (const email of ['a.one@customer.example', 'b.two@customer.example', 'c.three@x.example'])
      await addContact(client, groupId, email);
    const contacts = await allContacts(client, groupId);
    expect(contacts.map((c) => c.email).sort()).toEqual([
      'a.one@customer.example',
      'b.two@customer.example',
      'c.three@x.example',
    ]);
    expect(Date.parse(contacts[0]!.createdAt)).not.toBeNaN();
  });

  it('closes a work item, and gets the typed error body for one that does not exist', async () => {
    const client = deskClient(api.baseUrl, ADMIN_TOKEN);
    const { projectId } = await createHelpdesk(client, 'typed-items');
    const item = await api.workItem(projectId);
    expect(await closeWorkItem(client, projectId, item.iid)).toEqual({
      status: 200,
      state: 'closed',
    });
    expect(await closeWorkItem(client, projectId, 999)).toEqual({
      status: 404,
      error: 'not found',
      message: 'work item not found',
    });
  });
});
