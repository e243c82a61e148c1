import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
let group: { id: number };
let project: { id: number };
let contact: { id: number };
let org: { id: number };
let user: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  group = await api.group('input');
  project = await api.project(group.id);
  await api.workItem(project.id);
  contact = await api.contact(group.id, 'alice.adams@customer.example');
  org = await api.organization(group.id, 'Initech');
  user = await api.user();
});

afterAll(async () => {
  await api?.close();
});

const NUL = 'a\u0000b';

describe('a NUL character in text input (PostgreSQL cannot store it)', () => {
  it('is refused with 400 naming the field, in bodies and query strings alike', async () => {
    const g = () => `/groups/${group.id}`;
    const wi = () => `/projects/${project.id}/work-items/1`;
    const cases: [string, string, string, unknown][] = [
      ['POST', '/groups', 'name', { name: NUL, path: 'nul' }],
      ['POST', '/users', 'name', { username: 'nul', name: NUL, email: 'nul@staff.example' }],
      ['POST', `/users/${user.id}/tokens`, 'name', { name: NUL }],
      ['POST', '/projects', 'name', { groupId: group.id, name: NUL, path: 'nul' }],
      ['POST', `${g()}/contacts`, 'firstName', { firstName: NUL, lastName: 'x' }],
      ['POST', `${g()}/contacts`, 'phone', { firstName: 'x', lastName: 'y', phone: NUL }],
      ['PATCH', `${g()}/contacts/${contact.id}`, 'description', { description: NUL }],
      ['POST', `${g()}/organizations`, 'name', { name: NUL }],
      ['PATCH', `${g()}/organizations/${org.id}`, 'description', { description: NUL }],
      ['POST', `/projects/${project.id}/work-items`, 'title', { title: NUL }],
      [
        'POST',
        `/projects/${project.id}/work-items`,
        'description',
        { title: 't', description: NUL },
      ],
      ['POST', `${wi()}/notes`, 'body', { body: `hello ${NUL}` }],
      ['GET', `${g()}/contacts?search=a%00b`, 'search', undefined],
      ['GET', `${g()}/organizations?search=a%00b`, 'search', undefined],
      ['GET', `${wi()}/autocomplete/contacts?action=add&q=a%00b`, 'q', undefined],
    ];
    for (const [method, url, field, body] of cases) {
      const res = await api.call(ADMIN_TOKEN, method as 'POST', url, body);
      expect([method, url, res.status, res.body?.field]).toEqual([method, url, 400, field]);
    }
  });
});

describe('organization defaultRate', () => {
  const url = () => `/groups/${group.id}/organizations`;

  it('refuses more than 2 decimals, as a number or a string', async () => {
    for (const defaultRate of [1.999, '1.999', 0.001]) {
      const res = await api.call(ADMIN_TOKEN, 'POST', url(), { name: 'Rates', defaultRate });
      expect([defaultRate, res.status, res.body.field]).toEqual([defaultRate, 400, 'defaultRate']);
    }
    const patch = await api.call(ADMIN_TOKEN, 'PATCH', `${url()}/${org.id}`, {
      defaultRate: 1.999,
    });
    expect(patch.status).toBe(400);
  });

  it('echoes on create and update what it stores and reads back', async () => {
    const made = await api.ok(201, ADMIN_TOKEN, 'POST', url(), { name: 'Echo', defaultRate: 1.5 });
    expect(made.defaultRate).toBe('1.50');
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', `${url()}/${made.id}`)).defaultRate).toBe('1.50');
    const patched = await api.ok(200, ADMIN_TOKEN, 'PATCH', `${url()}/${made.id}`, {
      defaultRate: '0120.5',
    });
    expect(patched.defaultRate).toBe('120.50');
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', `${url()}/${made.id}`)).defaultRate).toBe(
      '120.50',
    );
    const whole = await api.ok(200, ADMIN_TOKEN, 'PATCH', `${url()}/${made.id}`, {
      defaultRate: 7,
    });
    expect(whole.defaultRate).toBe('7.00');
  });
});

describe('numeric ids in JSON bodies', () => {
  it('must be integers: booleans, strings and fractions are refused with 400', async () => {
    const cases: [string, string, string, unknown][] = [
      ['POST', '/projects', 'groupId', { groupId: String(group.id), name: 'p', path: 'p1' }],
      ['POST', '/projects', 'groupId', { groupId: true, name: 'p', path: 'p2' }],
      ['POST', '/groups', 'parentId', { name: 'g', path: 'g1', parentId: String(group.id) }],
      ['POST', `/groups/${group.id}/members`, 'userId', { userId: String(user.id), role: 'guest' }],
      ['POST', `/groups/${group.id}/members`, 'userId', { userId: true, role: 'guest' }],
      [
        'PUT',
        `/groups/${group.id}/crm-settings`,
        'contactSourceGroupId',
        { contactSourceGroupId: true },
      ],
      [
        'POST',
        `/groups/${group.id}/contacts`,
        'organizationId',
        { firstName: 'x', lastName: 'y', organizationId: String(org.id) },
      ],
      [
        'POST',
        `/projects/${project.id}/work-items/1/contacts`,
        'contactIds.0',
        { operation: 'append', contactIds: [true] },
      ],
      [
        'POST',
        `/projects/${project.id}/work-items/1/contacts`,
        'contactIds.0',
        { operation: 'append', contactIds: [String(contact.id)] },
      ],
      [
        'POST',
        `/projects/${project.id}/work-items/1/contacts`,
        'contactIds.0',
        { operation: 'append', contactIds: [1.5] },
      ],
    ];
    for (const [method, url, field, body] of cases) {
      const res = await api.call(ADMIN_TOKEN, method as 'POST', url, body);
      expect([url, body, res.status, res.body?.field]).toEqual([url, body, 400, field]);
    }
  });

  it('still reads ids in paths and query strings from their text', async () => {
    await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${group.id}/contacts?organizationId=${org.id}`);
    await api.ok(200, ADMIN_TOKEN, 'GET', `/projects/${project.id}/work-items/1`);
  });
});
