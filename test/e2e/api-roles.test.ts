import type { RoleName } from '../../src/domain/access/roles';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
// root (the contact source) › support › project helpdesk › work item #1 linked to alice
let root: { id: number };
let sub: { id: number };
let project: { id: number };
let alice: { id: number };
let org: { id: number };
const tokens = {} as Record<RoleName, string>;

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  sub = await api.group('support', root.id);
  project = await api.project(sub.id);
  org = await api.organization(root.id, 'Acme Corp');
  alice = await api.contact(root.id, 'alice.smith@customer.example', { organizationId: org.id });
  await api.contact(root.id, 'bob.jones@customer.example');
  await api.workItem(project.id);
  await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/work-items/1/contacts`, {
    operation: 'append',
    emails: ['alice.smith@customer.example'],
  });
  for (const role of ['guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'] as const)
    tokens[role] = (await api.userWithRole(root.id, role)).token;
});

afterAll(async () => {
  await api?.close();
});

const item = () => `/projects/${project.id}/work-items/1`;

describe('a work item’s participants: Reporter on the project, contacts for Planner+ in the source', () => {
  it('refuses a Guest and a Planner with 403, shows a Reporter the addresses', async () => {
    const url = `${item()}/participants`;
    expect((await api.call(tokens.guest, 'GET', url)).status).toBe(403);
    expect((await api.call(tokens.planner, 'GET', url)).status).toBe(403);
    expect(await api.ok(200, tokens.reporter, 'GET', url)).toEqual({ items: [] });
  });
});

describe('view contacts, organizations, their work items and a work item’s contacts: Planner', () => {
  const reads = () => [
    `/groups/${root.id}/contacts`,
    `/groups/${root.id}/contacts/${alice.id}`,
    `/groups/${root.id}/contacts/${alice.id}/work-items`,
    `/groups/${root.id}/organizations`,
    `/groups/${root.id}/organizations/${org.id}`,
    `/groups/${root.id}/organizations/${org.id}/work-items`,
    `${item()}/contacts`,
  ];

  it('refuses a Guest with 403 on every read (guests get no CRM data)', async () => {
    for (const url of reads())
      expect([url, (await api.call(tokens.guest, 'GET', url)).status]).toEqual([url, 403]);
  });

  it('lets a Planner read all of it', async () => {
    for (const url of reads())
      expect([url, (await api.call(tokens.planner, 'GET', url)).status]).toEqual([url, 200]);
    const linked = await api.ok(200, tokens.planner, 'GET', `${item()}/contacts`);
    expect(linked.items.map((c: { email: string }) => c.email)).toEqual([
      'alice.smith@customer.example',
    ]);
  });

  it('counts the role in the contact source only: Developer of the project’s group is not enough', async () => {
    const subDev = await api.userWithRole(sub.id, 'developer');
    expect((await api.call(subDev.token, 'GET', item())).status).toBe(200);
    expect((await api.call(subDev.token, 'GET', `${item()}/contacts`)).status).toBe(403);
    expect(
      (
        await api.call(subDev.token, 'POST', `${item()}/contacts`, {
          operation: 'append',
          emails: ['bob.jones@customer.example'],
        })
      ).status,
    ).toBe(403);
  });
});

describe('add / remove work-item contacts (API and quick actions): Planner', () => {
  it('refuses a Guest with 403 and reports its quick actions as forbidden', async () => {
    const res = await api.call(tokens.guest, 'POST', `${item()}/contacts`, {
      operation: 'append',
      emails: ['bob.jones@customer.example'],
    });
    expect(res.status).toBe(403);
    const note = await api.ok(201, tokens.guest, 'POST', `${item()}/notes`, {
      body: 'hello\n/add_contacts [contact:bob.jones@customer.example]',
    });
    expect(note.quickActions).toEqual({
      applied: [],
      failed: [
        expect.objectContaining({ email: 'bob.jones@customer.example', reason: 'forbidden' }),
      ],
    });
    expect(
      (await api.call(tokens.guest, 'GET', `${item()}/autocomplete/contacts?action=add`)).status,
    ).toBe(403);
  });

  it('lets a Planner add and remove, through the API and quick actions', async () => {
    const added = await api.ok(200, tokens.planner, 'POST', `${item()}/contacts`, {
      operation: 'append',
      emails: ['bob.jones@customer.example'],
    });
    expect(added.items).toHaveLength(2);
    const note = await api.ok(201, tokens.planner, 'POST', `${item()}/notes`, {
      body: '/remove_contacts [contact:bob.jones@customer.example]',
    });
    expect(note.quickActions.applied).toEqual([
      expect.objectContaining({ command: 'remove_contacts', email: 'bob.jones@customer.example' }),
    ]);
    expect(
      (await api.call(tokens.planner, 'GET', `${item()}/autocomplete/contacts?action=add`)).status,
    ).toBe(200);
  });
});

describe('create / edit contacts and organizations, change their state: Developer', () => {
  it('refuses a Reporter with 403', async () => {
    const writes = [
      [
        'POST',
        `/groups/${root.id}/contacts`,
        { firstName: 'R', lastName: 'R', email: 'r@x.example' },
      ],
      ['PATCH', `/groups/${root.id}/contacts/${alice.id}`, { state: 'inactive' }],
      ['POST', `/groups/${root.id}/organizations`, { name: 'Reporter Inc' }],
      ['PATCH', `/groups/${root.id}/organizations/${org.id}`, { state: 'inactive' }],
    ] as const;
    for (const [method, url, body] of writes)
      expect([url, (await api.call(tokens.reporter, method, url, body)).status]).toEqual([
        url,
        403,
      ]);
  });

  it('lets a Developer create and edit them', async () => {
    const c = await api.ok(201, tokens.developer, 'POST', `/groups/${root.id}/contacts`, {
      firstName: 'Dev',
      lastName: 'Made',
      email: 'dev.made@x.example',
    });
    await api.ok(200, tokens.developer, 'PATCH', `/groups/${root.id}/contacts/${c.id}`, {
      phone: '+49 30 1234',
    });
    const o = await api.ok(201, tokens.developer, 'POST', `/groups/${root.id}/organizations`, {
      name: 'Dev Org',
      defaultRate: '120.50',
    });
    expect(o.defaultRate).toBe('120.50');
    const patched = await api.ok(
      200,
      tokens.developer,
      'PATCH',
      `/groups/${root.id}/organizations/${o.id}`,
      {
        state: 'inactive',
      },
    );
    expect(patched.state).toBe('inactive');
  });
});

describe('CRM settings and members of a group: Owner', () => {
  it('refuses a Maintainer with 403', async () => {
    expect(
      (await api.call(tokens.maintainer, 'GET', `/groups/${sub.id}/crm-settings`)).status,
    ).toBe(403);
    expect(
      (
        await api.call(tokens.maintainer, 'PUT', `/groups/${sub.id}/crm-settings`, {
          enabled: true,
        })
      ).status,
    ).toBe(403);
    const someone = await api.user();
    expect(
      (
        await api.call(tokens.maintainer, 'POST', `/groups/${sub.id}/members`, {
          userId: someone.id,
          role: 'guest',
        })
      ).status,
    ).toBe(403);
  });

  it('lets an Owner (inherited from the parent group) read and change them', async () => {
    const settings = await api.ok(200, tokens.owner, 'GET', `/groups/${sub.id}/crm-settings`);
    expect(settings).toEqual({
      enabled: true,
      contactSourceGroupId: null,
      resolvedContactSourceGroupId: root.id,
      senderAuthPolicy: null,
      resolvedSenderAuthPolicy: 'off',
    });
    await api.ok(200, tokens.owner, 'PUT', `/groups/${sub.id}/crm-settings`, { enabled: true });
    const someone = await api.user();
    await api.ok(201, tokens.owner, 'POST', `/groups/${sub.id}/members`, {
      userId: someone.id,
      role: 'reporter',
    });
  });
});

describe('create a subgroup / project: Maintainer of the parent group', () => {
  it('refuses a Developer with 403', async () => {
    expect(
      (
        await api.call(tokens.developer, 'POST', '/groups', {
          name: 'x',
          path: 'dev-sub',
          parentId: root.id,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api.call(tokens.developer, 'POST', '/projects', {
          groupId: sub.id,
          name: 'p',
          path: 'dev-p',
        })
      ).status,
    ).toBe(403);
  });

  it('lets a Maintainer create both, and makes the creator of a top-level group its Owner', async () => {
    const g = await api.ok(201, tokens.maintainer, 'POST', '/groups', {
      name: 'x',
      path: 'maint-sub',
      parentId: sub.id,
    });
    expect(g.fullPath).toBe('acme/support/maint-sub');
    const p = await api.ok(201, tokens.maintainer, 'POST', '/projects', {
      groupId: g.id,
      name: 'p',
      path: 'p',
    });
    expect(p.serviceDeskAddress).toMatch(/^support\+[a-z0-9]+@desk\.localhost$/);
    const top = await api.ok(201, tokens.guest, 'POST', '/groups', {
      name: 'mine',
      path: 'guest-own',
    });
    await api.ok(200, tokens.guest, 'PUT', `/groups/${top.id}/crm-settings`, { enabled: false });
  });
});

describe('no access at all: 404, never leaking existence', () => {
  it('answers 404 for groups, projects and work items of a group the caller is not in', async () => {
    const stranger = await api.user();
    for (const url of [
      `/groups/${root.id}`,
      `/groups/${root.id}/contacts`,
      `/groups/${root.id}/contacts/${alice.id}`,
      `/groups/${root.id}/crm-settings`,
      `/projects/${project.id}`,
      `/projects/${project.id}/work-items`,
      `${item()}/contacts`,
      '/groups/999999',
    ])
      expect([url, (await api.call(stranger.token, 'GET', url)).status]).toEqual([url, 404]);
    expect(
      (
        await api.call(stranger.token, 'POST', '/projects', {
          groupId: root.id,
          name: 'p',
          path: 'p',
        })
      ).status,
    ).toBe(404);
  });

  it('never resolves another group’s contact, organization or work item through this group', async () => {
    const other = await api.group('globex');
    const otherProject = await api.project(other.id);
    await api.workItem(otherProject.id);
    const theirs = await api.contact(other.id, 'eve@globex.example');
    const theirOrg = await api.organization(other.id, 'Globex');
    const ownerOfRoot = tokens.owner;
    expect(
      (await api.call(ownerOfRoot, 'GET', `/groups/${root.id}/contacts/${theirs.id}`)).status,
    ).toBe(404);
    expect(
      (
        await api.call(ownerOfRoot, 'PATCH', `/groups/${root.id}/contacts/${theirs.id}`, {
          state: 'inactive',
        })
      ).status,
    ).toBe(404);
    expect(
      (await api.call(ownerOfRoot, 'GET', `/groups/${root.id}/contacts/${theirs.id}/work-items`))
        .status,
    ).toBe(404);
    expect(
      (await api.call(ownerOfRoot, 'GET', `/groups/${root.id}/organizations/${theirOrg.id}`))
        .status,
    ).toBe(404);
    expect(
      (await api.call(ownerOfRoot, 'GET', `/projects/${otherProject.id}/work-items/1`)).status,
    ).toBe(404);
    const link = await api.call(ownerOfRoot, 'POST', `${item()}/contacts`, {
      operation: 'append',
      contactIds: [theirs.id],
    });
    expect(link.status).toBe(422);
    expect(link.body.failures).toEqual([
      expect.objectContaining({ contactId: theirs.id, reason: 'not_found' }),
    ]);
    const withOrg = await api.call(ownerOfRoot, 'POST', `/groups/${root.id}/contacts`, {
      firstName: 'x',
      lastName: 'y',
      organizationId: theirOrg.id,
    });
    expect(withOrg.status).toBe(422);
    expect(withOrg.body.field).toBe('organizationId');
  });
});

describe('choosing a contact source: Developer+ in the new source group', () => {
  it('answers 422 alike for a source the Owner only has Guest in and for one it cannot see', async () => {
    const mine = await api.group('mine-src');
    const theirs = await api.group('theirs-src');
    const hidden = await api.group('hidden-src');
    const owner = await api.userWithRole(mine.id, 'owner');
    await api.member(theirs.id, owner.id, 'guest');
    const asGuest = await api.call(owner.token, 'PUT', `/groups/${mine.id}/crm-settings`, {
      contactSourceGroupId: theirs.id,
    });
    const unseen = await api.call(owner.token, 'PUT', `/groups/${mine.id}/crm-settings`, {
      contactSourceGroupId: hidden.id,
    });
    expect(asGuest.status).toBe(422);
    expect(asGuest.body.field).toBe('contactSourceGroupId');
    // the same answer, so a low role does not reveal that the group exists
    expect(unseen.status).toBe(422);
    expect(unseen.body.message.replace(String(hidden.id), 'N')).toBe(
      asGuest.body.message.replace(String(theirs.id), 'N'),
    );
    await api.member(theirs.id, owner.id, 'reporter');
    expect(
      (
        await api.call(owner.token, 'PUT', `/groups/${mine.id}/crm-settings`, {
          contactSourceGroupId: theirs.id,
        })
      ).status,
    ).toBe(422);
    const settings = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${mine.id}/crm-settings`);
    expect(settings.contactSourceGroupId).toBeNull();
  });

  it('accepts a source the Owner is Developer in, and any group for an instance admin', async () => {
    const mine = await api.group('mine-src2');
    const theirs = await api.group('theirs-src2');
    const owner = await api.userWithRole(mine.id, 'owner');
    await api.member(theirs.id, owner.id, 'developer');
    const res = await api.ok(200, owner.token, 'PUT', `/groups/${mine.id}/crm-settings`, {
      contactSourceGroupId: theirs.id,
    });
    expect(res.resolvedContactSourceGroupId).toBe(theirs.id);
    const other = await api.group('admin-src');
    await api.setCrm(mine.id, { contactSourceGroupId: other.id });
  });
});
