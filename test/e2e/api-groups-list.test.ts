import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
// acme › support › emea, acme › sales; globex apart
let acme: { id: number };
let support: { id: number };
let emea: { id: number };
let sales: { id: number };
let globex: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  acme = await api.group('acme');
  support = await api.group('support', acme.id);
  emea = await api.group('emea', support.id);
  sales = await api.group('sales', acme.id);
  globex = await api.group('globex');
});

afterAll(async () => {
  await api?.close();
});

const paths = (page: { items: { fullPath: string }[] }) => page.items.map((g) => g.fullPath);

describe('GET /groups', () => {
  it('shows an instance admin every group with its full path, paged in id order', async () => {
    const first = await api.ok(200, ADMIN_TOKEN, 'GET', '/groups?limit=3');
    expect(paths(first)).toEqual(['acme', 'acme/support', 'acme/support/emea']);
    const rest = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups?limit=3&cursor=${first.nextCursor}`,
    );
    expect(rest).toMatchObject({ nextCursor: null });
    expect(paths(rest)).toEqual(['acme/sales', 'globex']);
  });

  it('shows others only the groups they are members of, subgroups of those included', async () => {
    const user = await api.userWithRole(support.id, 'guest');
    const page = await api.ok(200, user.token, 'GET', '/groups');
    expect(paths(page)).toEqual(['acme/support', 'acme/support/emea']);
    const nobody = await api.user('nobody');
    expect(await api.ok(200, nobody.token, 'GET', '/groups')).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('finds a group by its exact full path in any case, or all under a prefix', async () => {
    const exact = await api.ok(200, ADMIN_TOKEN, 'GET', '/groups?fullPath=ACME/Support');
    expect(exact.items).toEqual([expect.objectContaining({ id: support.id, name: 'support' })]);
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', '/groups?fullPath=support')).items).toEqual([]);
    const under = await api.ok(200, ADMIN_TOKEN, 'GET', '/groups?fullPathPrefix=acme/');
    expect(paths(under)).toEqual(['acme/support', 'acme/support/emea', 'acme/sales']);
    // LIKE wildcards match themselves only
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', '/groups?fullPathPrefix=%25')).items).toEqual([]);
  });

  it('refuses a bad cursor or limit with 400 naming the field, and a missing token with 401', async () => {
    expect((await api.call(ADMIN_TOKEN, 'GET', '/groups?limit=0')).body.field).toBe('limit');
    expect((await api.call(ADMIN_TOKEN, 'GET', '/groups?cursor=x')).body.field).toBe('cursor');
    expect((await api.call(null, 'GET', '/groups')).status).toBe(401);
  });
});

describe('GET /groups/:id/subgroups', () => {
  it('lists direct subgroups only, paged', async () => {
    const first = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${acme.id}/subgroups?limit=1`);
    expect(paths(first)).toEqual(['acme/support']);
    const rest = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${acme.id}/subgroups?limit=1&cursor=${first.nextCursor}`,
    );
    expect(rest).toMatchObject({ items: [{ fullPath: 'acme/sales' }], nextCursor: null });
  });

  it('lets any member of the group read them (a Guest too), hides the group from others (404)', async () => {
    const guest = await api.userWithRole(acme.id, 'guest');
    expect(paths(await api.ok(200, guest.token, 'GET', `/groups/${support.id}/subgroups`))).toEqual(
      ['acme/support/emea'],
    );
    const outsider = await api.userWithRole(globex.id, 'owner');
    expect((await api.call(outsider.token, 'GET', `/groups/${acme.id}/subgroups`)).status).toBe(
      404,
    );
    expect((await api.call(ADMIN_TOKEN, 'GET', '/groups/999999/subgroups')).status).toBe(404);
  });
});

describe('GET /groups/:id/projects', () => {
  it('lists a group’s projects with their support addresses, its subgroups’ when asked', async () => {
    const helpdesk = await api.project(support.id, 'helpdesk');
    const billing = await api.project(emea.id, 'billing');
    const own = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${support.id}/projects`);
    expect(own).toEqual({
      items: [
        expect.objectContaining({
          id: helpdesk.id,
          serviceDeskAddress: helpdesk.serviceDeskAddress,
        }),
      ],
      nextCursor: null,
    });
    const all = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${acme.id}/projects?includeSubgroups=true&limit=1`,
    );
    expect(all.items.map((p: { id: number }) => p.id)).toEqual([helpdesk.id]);
    const next = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${acme.id}/projects?includeSubgroups=true&limit=1&cursor=${all.nextCursor}`,
    );
    expect(next).toMatchObject({ items: [{ id: billing.id }], nextCursor: null });
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${acme.id}/projects`)).items).toEqual(
      [],
    );
    const bad = await api.call(
      ADMIN_TOKEN,
      'GET',
      `/groups/${acme.id}/projects?includeSubgroups=1`,
    );
    expect(bad).toMatchObject({ status: 400, body: { field: 'includeSubgroups' } });
  });

  it('lets a Guest of an ancestor read them and answers 404 to outsiders', async () => {
    const guest = await api.userWithRole(acme.id, 'guest');
    expect((await api.call(guest.token, 'GET', `/groups/${emea.id}/projects`)).status).toBe(200);
    const outsider = await api.userWithRole(sales.id, 'owner');
    expect((await api.call(outsider.token, 'GET', `/groups/${emea.id}/projects`)).status).toBe(404);
  });
});
