import { RESOURCE_ACCESS_ERROR } from '../../src/api/graphql/errors';
import type { RoleName } from '../../src/domain/access/roles';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { gid, graphql } from '../support/graphql';

let api: ApiHarness;
// acme (contact source) › support › helpdesk, issue #1 linked to alice; roles are held in acme
let root: { id: number };
let alice: { id: number };
let bob: { id: number };
const tokens = {} as Record<RoleName | 'outsider' | 'supportOnly', string>;

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  const sub = await api.group('support', root.id);
  const project = await api.project(sub.id, 'helpdesk');
  alice = await api.contact(root.id, 'alice@customer.example');
  bob = await api.contact(root.id, 'bob@customer.example');
  await api.workItem(project.id);
  await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/work-items/1/contacts`, {
    operation: 'append',
    contactIds: [alice.id],
  });
  for (const role of ['guest', 'planner', 'reporter', 'developer'] as const)
    tokens[role] = (await api.userWithRole(root.id, role)).token;
  tokens.outsider = (await api.user('outsider')).token;
  // GitLab's rule: a role on the project's group alone does not reach the contact source
  tokens.supportOnly = (await api.userWithRole(sub.id, 'reporter')).token;
});

afterAll(async () => {
  await api?.close();
});

const READ = `{
  group(fullPath: "acme") { contacts { nodes { email } } contactStateCounts { all }
    organizations { nodes { name } } }
  project(fullPath: "acme/support/helpdesk") { issue(iid: "1") {
    title customerRelationsContacts { nodes { email } } } } }`;

const SET = `mutation($ids: [CustomerRelationsContactID!]!) { issueSetCrmContacts(input: {
  projectPath: "acme/support/helpdesk", iid: "1", contactIds: $ids, operationMode: REPLACE }) {
  errors issue { title } } }`;

const CREATE = `mutation($group: GroupID!) { customerRelationsContactCreate(input: {
  groupId: $group, firstName: "New", lastName: "Contact" }) { contact { firstName } errors } }`;

const UPDATE = `mutation($id: CustomerRelationsContactID!) { customerRelationsContactUpdate(input: {
  id: $id, description: "seen" }) { contact { description } errors } }`;

const ORGANIZATION = `mutation($group: GroupID!, $name: String!) {
  customerRelationsOrganizationCreate(input: { groupId: $group, name: $name }) {
    organization { name } errors } }`;

const accessError = (path: string) =>
  expect.objectContaining({ message: RESOURCE_ACCESS_ERROR, path: [path] });

describe('reading: Planner in the contact source (DESIGN §3)', () => {
  it('shows a Guest the group and the issue but none of their CRM data (null, as GitLab)', async () => {
    const { body } = await graphql(api, tokens.guest, READ);
    expect(body).toEqual({
      data: {
        group: { contacts: null, contactStateCounts: null, organizations: null },
        project: { issue: { title: 'Printer on fire', customerRelationsContacts: null } },
      },
    });
  });

  it.each(['planner', 'reporter', 'developer'] as const)('shows a %s everything', async (role) => {
    const { body } = await graphql(api, tokens[role], READ);
    expect(body.errors).toBeUndefined();
    expect(body.data.group.contacts.nodes).toHaveLength(2);
    expect(body.data.group.contactStateCounts).toEqual({ all: 2 });
    expect(body.data.project.issue.customerRelationsContacts.nodes).toEqual([
      { email: 'alice@customer.example' },
    ]);
  });

  it('shows a user without access nothing at all: the group and project are null', async () => {
    const { body } = await graphql(api, tokens.outsider, READ);
    expect(body).toEqual({ data: { group: null, project: null } });
  });

  it('shows a Reporter of the project’s group only the issue, not its contacts', async () => {
    const { body } = await graphql(api, tokens.supportOnly, READ);
    expect(body.data).toEqual({
      group: null,
      project: { issue: { title: 'Printer on fire', customerRelationsContacts: null } },
    });
  });
});

describe('issueSetCrmContacts: Planner in the contact source', () => {
  it.each(['planner', 'reporter'] as const)('lets a %s replace the contacts', async (role) => {
    const { body } = await graphql(api, tokens[role], SET, {
      ids: [gid.contact(alice.id), gid.contact(bob.id)],
    });
    expect(body).toEqual({
      data: { issueSetCrmContacts: { errors: [], issue: { title: 'Printer on fire' } } },
    });
  });

  it('lists a role too low in the contact source in errors, as GitLab’s service does', async () => {
    for (const token of [tokens.guest, tokens.supportOnly]) {
      const { body } = await graphql(api, token, SET, { ids: [] });
      expect(body.data.issueSetCrmContacts.errors).toEqual([
        'this action needs the planner role in the contact source group',
      ]);
    }
    const still = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${root.id}/contacts/${bob.id}/work-items`,
    );
    expect(still.items).toHaveLength(1);
  });

  it('answers a top-level error to a user who cannot see the issue', async () => {
    const { body } = await graphql(api, tokens.outsider, SET, { ids: [] });
    expect(body).toEqual({
      data: { issueSetCrmContacts: null },
      errors: [accessError('issueSetCrmContacts')],
    });
  });
});

describe('creating and editing contacts and organizations: Developer', () => {
  it('answers a top-level error to a Guest, a Planner and a Reporter, and changes nothing', async () => {
    for (const token of [tokens.guest, tokens.planner, tokens.reporter, tokens.outsider]) {
      const created = await graphql(api, token, CREATE, { group: gid.group(root.id) });
      expect(created.body).toEqual({
        data: { customerRelationsContactCreate: null },
        errors: [accessError('customerRelationsContactCreate')],
      });
      const updated = await graphql(api, token, UPDATE, { id: gid.contact(alice.id) });
      expect(updated.body.errors).toEqual([accessError('customerRelationsContactUpdate')]);
      const org = await graphql(api, token, ORGANIZATION, { group: gid.group(root.id), name: 'X' });
      expect(org.body.errors).toEqual([accessError('customerRelationsOrganizationCreate')]);
    }
    const counts = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${root.id}/contacts/counts`);
    expect(counts.all).toBe(2);
  });

  it('lets a Developer create and edit', async () => {
    const created = await graphql(api, tokens.developer, CREATE, { group: gid.group(root.id) });
    expect(created.body.data.customerRelationsContactCreate).toEqual({
      contact: { firstName: 'New' },
      errors: [],
    });
    const updated = await graphql(api, tokens.developer, UPDATE, { id: gid.contact(alice.id) });
    expect(updated.body.data.customerRelationsContactUpdate.contact).toEqual({
      description: 'seen',
    });
    const org = await graphql(api, tokens.developer, ORGANIZATION, {
      group: gid.group(root.id),
      name: 'Dev Org',
    });
    expect(org.body.data.customerRelationsOrganizationCreate.errors).toEqual([]);
  });
});

describe('customer relations disabled on the contact source', () => {
  let beta: { id: number };
  let carol: { id: number };

  beforeAll(async () => {
    beta = await api.group('beta');
    const project = await api.project(beta.id, 'desk');
    carol = await api.contact(beta.id, 'carol@customer.example');
    await api.workItem(project.id);
    await api.setCrm(beta.id, { enabled: false });
  });

  it('hides the contacts (null) and refuses every change with a top-level error', async () => {
    const read = await graphql(
      api,
      ADMIN_TOKEN,
      `
        {
          group(fullPath: "beta") {
            contacts {
              nodes {
                id
              }
            }
          }
          project(fullPath: "beta/desk") {
            issue(iid: "1") {
              customerRelationsContacts {
                nodes {
                  id
                }
              }
            }
          }
        }
      `,
    );
    expect(read.body).toEqual({
      data: {
        group: { contacts: null },
        project: { issue: { customerRelationsContacts: null } },
      },
    });
    const set = await graphql(
      api,
      ADMIN_TOKEN,
      `mutation { issueSetCrmContacts(input: { projectPath: "beta/desk", iid: "1",
        contactIds: ["${gid.contact(carol.id)}"] }) { errors } }`,
    );
    expect(set.body.errors).toEqual([
      expect.objectContaining({
        message: RESOURCE_ACCESS_ERROR,
        extensions: {
          code: 'RESOURCE_NOT_AVAILABLE',
          reason: 'customer relations is not enabled for this group',
        },
      }),
    ]);
    const created = await graphql(api, ADMIN_TOKEN, CREATE, { group: gid.group(beta.id) });
    expect(created.body.errors).toEqual([accessError('customerRelationsContactCreate')]);
  });
});
