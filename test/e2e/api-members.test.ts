import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

const members = (groupId: number, token = ADMIN_TOKEN) =>
  api.ok(200, token, 'GET', `/groups/${groupId}/members`);

describe('GET /groups/:id/members', () => {
  it('lists direct and inherited members with their effective role, paged by user id', async () => {
    const root = await api.group('list-root');
    const sub = await api.group('sub', root.id);
    const owner = await api.userWithRole(root.id, 'owner');
    const dev = await api.userWithRole(sub.id, 'developer');
    // a direct Guest membership below an inherited Maintainer: the higher role counts
    const both = await api.userWithRole(root.id, 'maintainer');
    await api.member(sub.id, both.id, 'guest');

    const page = await api.ok(200, dev.token, 'GET', `/groups/${sub.id}/members?limit=2`);
    expect(page.items).toEqual([
      expect.objectContaining({
        userId: owner.id,
        username: expect.any(String),
        name: expect.any(String),
        role: 'owner',
        accessLevel: 50,
        inherited: true,
        membershipGroupId: root.id,
      }),
      expect.objectContaining({ userId: dev.id, role: 'developer', inherited: false }),
    ]);
    const rest = await api.ok(
      200,
      dev.token,
      'GET',
      `/groups/${sub.id}/members?limit=2&cursor=${page.nextCursor}`,
    );
    expect(rest).toEqual({
      items: [expect.objectContaining({ userId: both.id, role: 'maintainer', inherited: true })],
      nextCursor: null,
    });
    // the parent knows nothing of the subgroup's members
    expect((await members(root.id)).items.map((m: { userId: number }) => m.userId)).toEqual([
      owner.id,
      both.id,
    ]);
  });

  it('hides a group’s members from non-members (404)', async () => {
    const group = await api.group('private');
    const outsider = await api.user('outsider');
    expect((await api.call(outsider.token, 'GET', `/groups/${group.id}/members`)).status).toBe(404);
  });
});

describe('PATCH and DELETE /groups/:id/members/:userId (Owner)', () => {
  it('changes a role and removes a member; the member list follows', async () => {
    const group = await api.group('team');
    const owner = await api.userWithRole(group.id, 'owner');
    const dev = await api.userWithRole(group.id, 'developer');
    const url = `/groups/${group.id}/members/${dev.id}`;
    expect(await api.ok(200, owner.token, 'PATCH', url, { role: 'maintainer' })).toEqual({
      groupId: group.id,
      userId: dev.id,
      role: 'maintainer',
      accessLevel: 40,
    });
    expect((await members(group.id)).items).toContainEqual(
      expect.objectContaining({ userId: dev.id, role: 'maintainer' }),
    );
    expect(await api.call(owner.token, 'DELETE', url)).toEqual({ status: 204, body: null });
    expect((await members(group.id)).items.map((m: { userId: number }) => m.userId)).toEqual([
      owner.id,
    ]);
    // the removed member lost access at once
    expect((await api.call(dev.token, 'GET', `/groups/${group.id}`)).status).toBe(404);
    expect((await api.call(owner.token, 'DELETE', url)).status).toBe(404);
  });

  it('refuses a Maintainer (403) and an outsider (404); bad roles and ids are 400', async () => {
    const group = await api.group('guarded');
    const maintainer = await api.userWithRole(group.id, 'maintainer');
    const guest = await api.userWithRole(group.id, 'guest');
    const outsider = await api.user('outsider');
    const url = `/groups/${group.id}/members/${guest.id}`;
    expect((await api.call(maintainer.token, 'PATCH', url, { role: 'reporter' })).status).toBe(403);
    expect((await api.call(maintainer.token, 'DELETE', url)).status).toBe(403);
    expect((await api.call(outsider.token, 'PATCH', url, { role: 'reporter' })).status).toBe(404);
    expect((await api.call(outsider.token, 'DELETE', url)).status).toBe(404);
    expect(await api.call(ADMIN_TOKEN, 'PATCH', url, { role: 'boss' })).toMatchObject({
      status: 400,
      body: { field: 'role' },
    });
    expect(
      (await api.call(ADMIN_TOKEN, 'DELETE', `/groups/${group.id}/members/abc`)).body.field,
    ).toBe('userId');
  });

  it('changes only direct memberships: an inherited one is 404 here', async () => {
    const root = await api.group('inherit-root');
    const sub = await api.group('sub', root.id);
    const dev = await api.userWithRole(root.id, 'developer');
    const url = `/groups/${sub.id}/members/${dev.id}`;
    expect((await api.call(ADMIN_TOKEN, 'PATCH', url, { role: 'owner' })).status).toBe(404);
    expect((await api.call(ADMIN_TOKEN, 'DELETE', url)).status).toBe(404);
  });
});

describe('a group keeps an Owner', () => {
  it('refuses to remove or demote the last Owner (409), by any route, even for an admin', async () => {
    const group = await api.group('solo');
    const owner = await api.userWithRole(group.id, 'owner');
    const url = `/groups/${group.id}/members/${owner.id}`;
    const demote = await api.call(owner.token, 'PATCH', url, { role: 'maintainer' });
    expect(demote).toEqual({
      status: 409,
      body: {
        error: 'conflict',
        message: 'the last Owner of a group cannot be demoted: make another member Owner first',
      },
    });
    expect((await api.call(ADMIN_TOKEN, 'DELETE', url)).body.message).toBe(
      'the last Owner of a group cannot be removed: make another member Owner first',
    );
    const viaPost = await api.call(ADMIN_TOKEN, 'POST', `/groups/${group.id}/members`, {
      userId: owner.id,
      role: 'developer',
    });
    expect(viaPost.status).toBe(409);
    expect((await members(group.id)).items).toEqual([
      expect.objectContaining({ userId: owner.id, role: 'owner' }),
    ]);
  });

  it('lets an Owner go once another Owner exists, here or inherited', async () => {
    const root = await api.group('pair');
    const first = await api.userWithRole(root.id, 'owner');
    const second = await api.userWithRole(root.id, 'owner');
    await api.ok(200, second.token, 'PATCH', `/groups/${root.id}/members/${first.id}`, {
      role: 'developer',
    });
    expect(
      (await api.call(second.token, 'DELETE', `/groups/${root.id}/members/${second.id}`)).status,
    ).toBe(409);

    const sub = await api.group('sub', root.id);
    const subOwner = await api.userWithRole(sub.id, 'owner');
    // the subgroup still has root's Owner through inheritance
    expect(
      (await api.call(subOwner.token, 'DELETE', `/groups/${sub.id}/members/${subOwner.id}`)).status,
    ).toBe(204);
  });

  it('lets two Owners removing each other at once leave exactly one, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const group = await api.group(`race${round}`);
      const a = await api.userWithRole(group.id, 'owner');
      const b = await api.userWithRole(group.id, 'owner');
      const results = await Promise.all([
        api.call(a.token, 'DELETE', `/groups/${group.id}/members/${b.id}`),
        api.call(b.token, 'DELETE', `/groups/${group.id}/members/${a.id}`),
      ]);
      // the loser waited for the winner and found itself removed: no access any more
      expect(results.map((r) => r.status).sort()).toEqual([204, 404]);
      const left = (await members(group.id)).items;
      expect(left).toEqual([expect.objectContaining({ role: 'owner' })]);
    }
  });
});
