import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { gid, graphql, graphqlData } from '../support/graphql';

let api: ApiHarness;
// acme (contact source) › support › project helpdesk › issue #1 linked to alice and bob
let root: { id: number };
let org: { id: number };
const contacts: Record<string, { id: number }> = {};

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  const sub = await api.group('support', root.id);
  const project = await api.project(sub.id, 'helpdesk');
  org = await api.organization(root.id, 'Acme Corp');
  await api.ok(200, ADMIN_TOKEN, 'PATCH', `/groups/${root.id}/organizations/${org.id}`, {
    defaultRate: '120.5',
    description: 'key account',
  });
  contacts.alice = await api.contact(root.id, 'alice.smith@customer.example', {
    organizationId: org.id,
    phone: '+1 555 0100',
    description: 'VIP',
  });
  contacts.bob = await api.contact(root.id, 'bob.jones@customer.example');
  contacts.carol = await api.contact(root.id, 'carol.white@customer.example', {
    state: 'inactive',
  });
  await api.workItem(project.id);
  await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/work-items/1/contacts`, {
    operation: 'append',
    contactIds: [contacts.bob!.id, contacts.alice!.id],
  });
});

afterAll(async () => {
  await api?.close();
});

const CONTACT_FIELDS = `id firstName lastName email phone description active createdAt updatedAt
  organization { id name defaultRate description active createdAt updatedAt }`;

describe('group(fullPath) { contacts }', () => {
  it('answers every field of a contact as GitLab names it, with its organization', async () => {
    const data = await graphqlData(
      api,
      ADMIN_TOKEN,
      `query($path: ID!) { group(fullPath: $path) { id fullPath contacts { nodes { ${CONTACT_FIELDS} } } } }`,
      { path: 'ACME' },
    );
    expect(data.group).toMatchObject({ id: gid.group(root.id), fullPath: 'acme' });
    const [alice, bob, carol] = data.group.contacts.nodes;
    expect(alice).toEqual({
      id: gid.contact(contacts.alice!.id),
      firstName: 'alice',
      lastName: 'smith',
      email: 'alice.smith@customer.example',
      phone: '+1 555 0100',
      description: 'VIP',
      active: true,
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      organization: {
        id: gid.organization(org.id),
        name: 'Acme Corp',
        defaultRate: 120.5,
        description: 'key account',
        active: true,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      },
    });
    expect(bob).toMatchObject({ phone: null, description: null, organization: null });
    expect(carol).toMatchObject({ email: 'carol.white@customer.example', active: false });
  });

  it('filters by search, state and ids', async () => {
    const query = `query($search: String, $state: CustomerRelationsContactState,
        $ids: [CustomerRelationsContactID!]) {
      group(fullPath: "acme") { contacts(search: $search, state: $state, ids: $ids) { nodes { email } } } }`;
    const emails = async (variables: Record<string, unknown>) =>
      (await graphqlData(api, ADMIN_TOKEN, query, variables)).group.contacts.nodes.map(
        (c: { email: string }) => c.email,
      );
    expect(await emails({ search: 'JONES' })).toEqual(['bob.jones@customer.example']);
    expect(await emails({ state: 'inactive' })).toEqual(['carol.white@customer.example']);
    expect(await emails({ state: 'all' })).toHaveLength(3);
    expect(await emails({ ids: [gid.contact(contacts.carol!.id), gid.contact(999999)] })).toEqual([
      'carol.white@customer.example',
    ]);
  });

  it('pages with first and after, GitLab’s cursor connection', async () => {
    const page = async (after: string | null) =>
      (
        await graphqlData(
          api,
          ADMIN_TOKEN,
          `query($after: String) { group(fullPath: "acme") { contacts(first: 2, after: $after) {
            edges { cursor node { email } } nodes { email }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
          { after },
        )
      ).group.contacts;
    const first = await page(null);
    expect(first.nodes).toHaveLength(2);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);
    const second = await page(first.pageInfo.endCursor);
    expect(second.nodes).toEqual([{ email: 'carol.white@customer.example' }]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const bad = await graphql(
      api,
      ADMIN_TOKEN,
      '{ group(fullPath: "acme") { contacts(after: "nonsense") { nodes { id } } } }',
    );
    expect(bad.body.errors[0].message).toBe('Please provide a valid cursor');
  });

  it('counts contacts by state, matching search', async () => {
    const data = await graphqlData(
      api,
      ADMIN_TOKEN,
      `{ group(fullPath: "acme") { all: contactStateCounts { all active inactive }
          white: contactStateCounts(search: "white") { all active inactive } } }`,
    );
    expect(data.group.all).toEqual({ all: 3, active: 2, inactive: 1 });
    expect(data.group.white).toEqual({ all: 1, active: 0, inactive: 1 });
  });

  it('answers null for a group that does not exist', async () => {
    expect(await graphqlData(api, ADMIN_TOKEN, '{ group(fullPath: "nope") { id } }')).toEqual({
      group: null,
    });
  });
});

describe('group(fullPath) { organizations }', () => {
  it('lists organizations with search, state and ids filters', async () => {
    const other = await api.organization(root.id, 'Globex');
    await api.ok(200, ADMIN_TOKEN, 'PATCH', `/groups/${root.id}/organizations/${other.id}`, {
      state: 'inactive',
    });
    const names = async (args: string) =>
      (
        await graphqlData(
          api,
          ADMIN_TOKEN,
          `{ group(fullPath: "acme") { organizations${args} { nodes { name active } } } }`,
        )
      ).group.organizations.nodes;
    expect(await names('')).toEqual([
      { name: 'Acme Corp', active: true },
      { name: 'Globex', active: false },
    ]);
    expect(await names('(search: "glob")')).toEqual([{ name: 'Globex', active: false }]);
    expect(await names('(state: active)')).toEqual([{ name: 'Acme Corp', active: true }]);
    expect(await names(`(ids: ["${gid.organization(other.id)}"])`)).toEqual([
      { name: 'Globex', active: false },
    ]);
  });
});

describe('project(fullPath) { issue(iid) { customerRelationsContacts } }', () => {
  const query = `query($path: ID!, $iid: String) { project(fullPath: $path) {
      fullPath issue(iid: $iid) { iid title state customerRelationsContacts {
        nodes { email organization { name } } } } } }`;

  it('lists an issue’s contacts in last-name order, with their organizations', async () => {
    const data = await graphqlData(api, ADMIN_TOKEN, query, {
      path: 'acme/support/helpdesk',
      iid: '1',
    });
    expect(data.project).toEqual({
      fullPath: 'acme/support/helpdesk',
      issue: {
        iid: '1',
        title: 'Printer on fire',
        state: 'opened',
        customerRelationsContacts: {
          nodes: [
            { email: 'bob.jones@customer.example', organization: null },
            { email: 'alice.smith@customer.example', organization: { name: 'Acme Corp' } },
          ],
        },
      },
    });
  });

  it('pages an issue’s contacts too', async () => {
    const data = await graphqlData(
      api,
      ADMIN_TOKEN,
      `{ project(fullPath: "acme/support/helpdesk") { issue(iid: "1") {
          customerRelationsContacts(first: 1) { nodes { email } pageInfo { hasNextPage endCursor } } } } }`,
    );
    const { nodes, pageInfo } = data.project.issue.customerRelationsContacts;
    expect(nodes).toEqual([{ email: 'bob.jones@customer.example' }]);
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await graphqlData(
      api,
      ADMIN_TOKEN,
      `query($after: String) { project(fullPath: "acme/support/helpdesk") { issue(iid: "1") {
          customerRelationsContacts(after: $after) { nodes { email } pageInfo { hasNextPage } } } } }`,
      { after: pageInfo.endCursor },
    );
    expect(next.project.issue.customerRelationsContacts).toEqual({
      nodes: [{ email: 'alice.smith@customer.example' }],
      pageInfo: { hasNextPage: false },
    });
  });

  it('answers null for an unknown project or issue', async () => {
    expect(
      (await graphqlData(api, ADMIN_TOKEN, query, { path: 'acme/support/nope', iid: '1' })).project,
    ).toBeNull();
    const data = await graphqlData(api, ADMIN_TOKEN, query, {
      path: 'acme/support/helpdesk',
      iid: '42',
    });
    expect(data.project.issue).toBeNull();
  });
});
