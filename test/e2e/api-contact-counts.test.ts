import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
let root: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  await api.contact(root.id, 'alice.adams@customer.example');
  await api.contact(root.id, 'bob.baker@customer.example');
  await api.contact(root.id, 'carol.adams@customer.example', { state: 'inactive' });
});

afterAll(async () => {
  await api?.close();
});

describe('GET /groups/:id/contacts/counts', () => {
  const counts = (query = '', token = ADMIN_TOKEN) =>
    api.call(token, 'GET', `/groups/${root.id}/contacts/counts${query}`);

  it('counts all, active and inactive contacts, matching search like the list', async () => {
    expect(await counts()).toEqual({ status: 200, body: { all: 3, active: 2, inactive: 1 } });
    expect((await counts('?search=ADAMS')).body).toEqual({ all: 2, active: 1, inactive: 1 });
    const listed = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${root.id}/contacts?search=ADAMS`,
    );
    expect(listed.items).toHaveLength(2);
    expect((await counts('?search=nobody')).body).toEqual({ all: 0, active: 0, inactive: 0 });
  });

  it('needs Planner like the list: a Guest gets 403, an outsider 404', async () => {
    const planner = await api.userWithRole(root.id, 'planner');
    const guest = await api.userWithRole(root.id, 'guest');
    const other = await api.group('globex');
    const outsider = await api.userWithRole(other.id, 'owner');
    expect((await counts('', planner.token)).status).toBe(200);
    expect((await counts('', guest.token)).status).toBe(403);
    expect((await counts('', outsider.token)).status).toBe(404);
  });

  it('answers 404 when CRM is disabled on the group, and 400 for a bad search', async () => {
    const off = await api.group('crm-off');
    await api.setCrm(off.id, { enabled: false });
    expect((await api.call(ADMIN_TOKEN, 'GET', `/groups/${off.id}/contacts/counts`)).status).toBe(
      404,
    );
    expect((await counts(`?search=${'x'.repeat(256)}`)).body.field).toBe('search');
  });
});

describe('updatedAt on contacts and organizations', () => {
  it('starts at createdAt and moves on every change, shown wherever they are', async () => {
    const contact = await api.contact(root.id, 'dan.drake@customer.example');
    expect(contact.updatedAt).toBe(contact.createdAt);
    await new Promise((r) => setTimeout(r, 20));
    const changed = await api.ok(
      200,
      ADMIN_TOKEN,
      'PATCH',
      `/groups/${root.id}/contacts/${contact.id}`,
      {
        state: 'inactive',
      },
    );
    expect(changed.createdAt).toBe(contact.createdAt);
    expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse(contact.updatedAt));
    const got = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${root.id}/contacts/${contact.id}`);
    expect(got.updatedAt).toBe(changed.updatedAt);

    const org = await api.organization(root.id, 'Drake Ltd');
    expect(org.updatedAt).toBe(org.createdAt);
    await new Promise((r) => setTimeout(r, 20));
    const renamed = await api.ok(
      200,
      ADMIN_TOKEN,
      'PATCH',
      `/groups/${root.id}/organizations/${org.id}`,
      { name: 'Drake Limited' },
    );
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThan(Date.parse(org.updatedAt));
    const listed = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${root.id}/organizations`);
    expect(listed.items).toContainEqual(
      expect.objectContaining({ id: org.id, updatedAt: renamed.updatedAt }),
    );
  });
});
