import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

describe('GET /users (instance admins)', () => {
  it('lists users in id order, paged, and searches username, name and email', async () => {
    const ann = await api.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: 'ann',
      name: 'Ann Archer',
      email: 'ann@staff.example',
    });
    const bo = await api.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: 'bo_b',
      name: 'Bo Baker',
      email: 'bo@partner.example',
      isAdmin: true,
    });
    const first = await api.ok(200, ADMIN_TOKEN, 'GET', '/users?limit=1');
    expect(first.items).toEqual([
      expect.objectContaining({ id: ann.id, username: 'ann', isAdmin: false }),
    ]);
    const rest = await api.ok(200, ADMIN_TOKEN, 'GET', `/users?limit=1&cursor=${first.nextCursor}`);
    expect(rest).toMatchObject({ items: [{ id: bo.id, isAdmin: true }], nextCursor: null });

    const search = async (q: string) =>
      (await api.ok(200, ADMIN_TOKEN, 'GET', `/users?search=${encodeURIComponent(q)}`)).items.map(
        (u: { username: string }) => u.username,
      );
    expect(await search('PARTNER.example')).toEqual(['bo_b']);
    expect(await search('archer')).toEqual(['ann']);
    expect(await search('AN')).toEqual(['ann']);
    expect(await search('_')).toEqual(['bo_b']); // a literal underscore, not LIKE's any-character
  });

  it('refuses everyone else with 403, and bad paging with 400', async () => {
    const user = await api.user();
    expect((await api.call(user.token, 'GET', '/users')).status).toBe(403);
    expect((await api.call(ADMIN_TOKEN, 'GET', '/users?limit=101')).body.field).toBe('limit');
  });
});

describe('a user’s tokens', () => {
  it('lists them without any secret, to the user and to admins', async () => {
    const user = await api.user();
    const second = await api.ok(201, user.token, 'POST', `/users/${user.id}/tokens`, {
      name: 'ci',
    });
    // the token just used has a lastUsedAt; the new one has not been used yet
    const page = await api.ok(200, user.token, 'GET', `/users/${user.id}/tokens`);
    expect(page).toEqual({
      items: [
        {
          id: expect.any(Number),
          name: 'test',
          createdAt: expect.any(String),
          lastUsedAt: expect.any(String),
          revokedAt: null,
        },
        {
          id: second.id,
          name: 'ci',
          createdAt: second.createdAt,
          lastUsedAt: null,
          revokedAt: null,
        },
      ],
      nextCursor: null,
    });
    expect(JSON.stringify(page)).not.toContain(second.token);
    expect(JSON.stringify(page)).not.toMatch(/sha256|[0-9a-f]{64}/);
    const paged = await api.ok(200, ADMIN_TOKEN, 'GET', `/users/${user.id}/tokens?limit=1`);
    expect(paged.items).toHaveLength(1);
    expect(paged.nextCursor).toEqual(expect.any(String));
  });

  it('refuses another user with 403 and an unknown user with 404', async () => {
    const alice = await api.user();
    const bob = await api.user();
    expect((await api.call(bob.token, 'GET', `/users/${alice.id}/tokens`)).status).toBe(403);
    const tokens = await api.ok(200, alice.token, 'GET', `/users/${alice.id}/tokens`);
    const url = `/users/${alice.id}/tokens/${tokens.items[0].id}`;
    expect((await api.call(bob.token, 'DELETE', url)).status).toBe(403);
    expect((await api.call(ADMIN_TOKEN, 'GET', '/users/999999/tokens')).status).toBe(404);
    expect((await api.call(ADMIN_TOKEN, 'DELETE', '/users/999999/tokens/1')).status).toBe(404);
  });

  it('revokes a token: refused with 401 on the very next request, listed with revokedAt', async () => {
    const user = await api.user();
    const spare = await api.ok(201, ADMIN_TOKEN, 'POST', `/users/${user.id}/tokens`, {
      name: 'spare',
    });
    expect((await api.call(spare.token, 'GET', '/groups')).status).toBe(200);
    const url = `/users/${user.id}/tokens/${spare.id}`;
    expect(await api.call(user.token, 'DELETE', url)).toEqual({ status: 204, body: null });
    expect(await api.call(spare.token, 'GET', '/groups')).toMatchObject({
      status: 401,
      body: { message: 'invalid or revoked token' },
    });
    const listed = await api.ok(200, user.token, 'GET', `/users/${user.id}/tokens`);
    const revokedAt = listed.items.find((t: { id: number }) => t.id === spare.id).revokedAt;
    expect(revokedAt).toEqual(expect.any(String));
    // again: nothing changes, the first revocation time stays
    expect((await api.call(ADMIN_TOKEN, 'DELETE', url)).status).toBe(204);
    const again = await api.ok(200, user.token, 'GET', `/users/${user.id}/tokens`);
    expect(again.items.find((t: { id: number }) => t.id === spare.id).revokedAt).toBe(revokedAt);
  });

  it('lets a user revoke the token it is calling with', async () => {
    const user = await api.user();
    const [own] = (await api.ok(200, user.token, 'GET', `/users/${user.id}/tokens`)).items;
    expect(
      (await api.call(user.token, 'DELETE', `/users/${user.id}/tokens/${own.id}`)).status,
    ).toBe(204);
    expect((await api.call(user.token, 'GET', `/users/${user.id}/tokens`)).status).toBe(401);
  });

  it('answers 404 for another user’s token id, and 400 for a bad one', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const [bobs] = (await api.ok(200, bob.token, 'GET', `/users/${bob.id}/tokens`)).items;
    expect(
      (await api.call(ADMIN_TOKEN, 'DELETE', `/users/${alice.id}/tokens/${bobs.id}`)).status,
    ).toBe(404);
    expect((await api.call(bob.token, 'GET', '/groups')).status).toBe(200);
    expect((await api.call(ADMIN_TOKEN, 'DELETE', `/users/${alice.id}/tokens/x`)).body.field).toBe(
      'tokenId',
    );
  });
});
