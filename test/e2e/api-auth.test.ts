import { ADMIN_TOKEN, ApiHarness, type Reply } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

describe('authentication', () => {
  it('answers 401 without a token, with a bad token, and with a malformed header', async () => {
    const missing = await api.call(null, 'GET', '/groups/1');
    expect(missing.status).toBe(401);
    expect(missing.body.message).toMatch(
      /^missing bearer token: .*npm run desk -- token create --admin/,
    );
    const bad = await api.call('nope', 'GET', '/groups/1');
    expect(bad).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'invalid or revoked token' },
    });
    const res = await api.fetch('/api/v1/groups/1', {
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets the ADMIN_TOKEN create users and tokens that authenticate afterwards', async () => {
    const user = await api.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: 'alice',
      name: 'Alice',
      email: 'alice@staff.example',
    });
    expect(user).toMatchObject({ id: expect.any(Number), username: 'alice', isAdmin: false });
    const created = await api.ok(201, ADMIN_TOKEN, 'POST', `/users/${user.id}/tokens`, {
      name: 'laptop',
    });
    expect(created.token).toMatch(/^desk_[A-Za-z0-9_-]{43}$/);
    const group = await api.group('alice-group', null, created.token);
    expect(group).toMatchObject({ fullPath: 'alice-group' });
  });

  it('stores only the sha256 of a token and records when it was used', async () => {
    const user = await api.user();
    const rows: { token_sha256: string; last_used_at: Date | null }[] =
      await api.db.dataSource.query(
        'SELECT token_sha256, last_used_at FROM api_tokens WHERE user_id = $1',
        [user.id],
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_sha256).not.toContain(user.token);
    expect(rows[0]!.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    await api.ok(201, user.token, 'POST', '/groups', { name: 'g', path: 'used' });
    const [after] = await api.db.dataSource.query(
      'SELECT last_used_at FROM api_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(after.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses a revoked token', async () => {
    const user = await api.user();
    await api.db.dataSource.query('UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1', [
      user.id,
    ]);
    expect((await api.call(user.token, 'POST', '/groups', { name: 'g', path: 'x' })).status).toBe(
      401,
    );
  });

  it('lets only admins create users, and users create tokens only for themselves', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const asUser = await api.call(alice.token, 'POST', '/users', {
      username: 'mallory',
      name: 'M',
      email: 'm@example.com',
    });
    expect(asUser.status).toBe(403);
    expect(
      (await api.call(alice.token, 'POST', `/users/${bob.id}/tokens`, { name: 'x' })).status,
    ).toBe(403);
    expect(
      (await api.call(alice.token, 'POST', `/users/${alice.id}/tokens`, { name: 'x' })).status,
    ).toBe(201);
  });

  it('gives an admin user’s token the admin’s powers', async () => {
    const admin = await api.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: 'root2',
      name: 'Root',
      email: 'root2@staff.example',
      isAdmin: true,
    });
    const { token } = await api.ok(201, ADMIN_TOKEN, 'POST', `/users/${admin.id}/tokens`, {
      name: 't',
    });
    const other = await api.group('someone-elses');
    expect((await api.call(token, 'GET', `/groups/${other.id}`)).status).toBe(200);
  });

  it('answers 409 for a duplicate username or email, case-insensitively', async () => {
    await api.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: 'Dup',
      name: 'D',
      email: 'dup@x.example',
    });
    const again = await api.call(ADMIN_TOKEN, 'POST', '/users', {
      username: 'dup',
      name: 'D',
      email: 'other@x.example',
    });
    expect(again.status).toBe(409);
    const sameEmail = await api.call(ADMIN_TOKEN, 'POST', '/users', {
      username: 'dup2',
      name: 'D',
      email: 'DUP@x.example',
    });
    expect(sameEmail.status).toBe(409);
  });

  it('answers 400 naming the failing field, without a stack trace', async () => {
    const bad = await api.call(ADMIN_TOKEN, 'POST', '/users', {
      username: 'ok',
      name: 'ok',
      email: 'not-an-email',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid request', field: 'email' });
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.ts:\d+/);
    const badParam = await api.call(ADMIN_TOKEN, 'GET', '/groups/abc');
    expect(badParam.body).toMatchObject({ error: 'invalid request', field: 'id' });
    const badJson = await api.fetch('/api/v1/groups', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: 'invalid request' });
  });

  it('serves the OpenAPI document generated from the zod schemas at /docs', async () => {
    const res = await api.fetch('/docs/json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Reply['body'];
    expect(doc.openapi).toMatch(/^3\./);
    const createContact = doc.paths['/api/v1/groups/{id}/contacts'].post;
    const schema = createContact.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['firstName', 'lastName']));
    expect(schema.properties.phone.maxLength).toBe(32);
    expect((await api.fetch('/docs')).status).toBe(200);
  });
});
