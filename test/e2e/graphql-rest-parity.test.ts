import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { gid, graphqlData } from '../support/graphql';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

/** What a client sees at the end of the scenario, in one shape for both APIs. */
interface Outcome {
  organizations: {
    name: string;
    defaultRate: number | null;
    description: string | null;
    active: boolean;
  }[];
  contacts: {
    name: string;
    email: string | null;
    phone: string | null;
    description: string | null;
    active: boolean;
    organization: string | null;
  }[];
  counts: { all: number; active: number; inactive: number };
  onWorkItem: string[];
  /** The refusals met on the way, by step. */
  refusals: Record<string, string>;
}

interface RestContact {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string;
  description: string;
  state: string;
  organizationId: number | null;
}

interface GraphqlContact {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  description: string | null;
  active: boolean;
  organization: { name: string } | null;
}

const orNull = (text: string) => (text === '' ? null : text);
/** The two groups' contacts have ids of their own. */
const withoutIds = (message: string) => message.replace(/contact \d+/g, 'contact <id>');

/** Each step through /api/v1. */
async function throughRest(root: { id: number }, projectId: number): Promise<Outcome> {
  const base = `/groups/${root.id}`;
  const org = await api.ok(201, ADMIN_TOKEN, 'POST', `${base}/organizations`, {
    name: 'Acme',
    defaultRate: 150.25,
    description: 'vip',
  });
  const create = (body: object) => api.call(ADMIN_TOKEN, 'POST', `${base}/contacts`, body);
  const alice = (
    await create({
      firstName: 'Alice',
      lastName: 'Smith',
      email: 'alice@x.example',
      phone: '555',
      organizationId: org.id,
    })
  ).body;
  const bob = (await create({ firstName: 'Bob', lastName: 'Jones', email: 'bob@x.example' })).body;
  const carol = (await create({ firstName: 'Carol', lastName: 'White', email: 'carol@x.example' }))
    .body;
  const duplicate = await create({ firstName: 'A', lastName: 'B', email: 'ALICE@x.example' });
  await api.ok(200, ADMIN_TOKEN, 'PATCH', `${base}/contacts/${bob.id}`, { description: 'changed' });
  await api.ok(200, ADMIN_TOKEN, 'PATCH', `${base}/contacts/${carol.id}`, { state: 'inactive' });
  const link = (operation: string, contactIds: number[]) =>
    api.call(ADMIN_TOKEN, 'POST', `/projects/${projectId}/work-items/1/contacts`, {
      operation,
      contactIds,
    });
  await link('append', [alice.id, bob.id]);
  const inactive = await link('append', [carol.id]);
  await link('remove', [alice.id]);

  const organizations = (await api.ok(200, ADMIN_TOKEN, 'GET', `${base}/organizations`)).items;
  const contacts = (await api.ok(200, ADMIN_TOKEN, 'GET', `${base}/contacts`)).items;
  const names = new Map(organizations.map((o: { id: number; name: string }) => [o.id, o.name]));
  const onWorkItem = (
    await api.ok(200, ADMIN_TOKEN, 'GET', `/projects/${projectId}/work-items/1/contacts`)
  ).items;
  return {
    organizations: organizations.map((o: Record<string, string>) => ({
      name: o.name,
      defaultRate: o.defaultRate === null ? null : Number(o.defaultRate),
      description: orNull(o.description!),
      active: o.state === 'active',
    })),
    contacts: contacts.map((c: RestContact) => ({
      name: `${c.firstName} ${c.lastName}`,
      email: c.email,
      phone: orNull(c.phone),
      description: orNull(c.description),
      active: c.state === 'active',
      organization: (c.organizationId && names.get(c.organizationId)) || null,
    })),
    counts: await api.ok(200, ADMIN_TOKEN, 'GET', `${base}/contacts/counts`),
    onWorkItem: onWorkItem.map((c: { email: string }) => c.email),
    refusals: { duplicate: duplicate.body.message, inactive: withoutIds(inactive.body.message) },
  };
}

/** The same steps through /api/graphql. */
async function throughGraphql(
  root: { fullPath: string; id: number },
  projectPath: string,
): Promise<Outcome> {
  const run = (query: string, variables: Record<string, unknown>) =>
    graphqlData(api, ADMIN_TOKEN, query, variables);
  const groupId = gid.group(root.id);
  const org = (
    await run(
      `mutation($input: CustomerRelationsOrganizationCreateInput!) {
        customerRelationsOrganizationCreate(input: $input) { organization { id } } }`,
      { input: { groupId, name: 'Acme', defaultRate: 150.25, description: 'vip' } },
    )
  ).customerRelationsOrganizationCreate.organization;
  const create = async (input: object) =>
    (
      await run(
        `mutation($input: CustomerRelationsContactCreateInput!) {
          customerRelationsContactCreate(input: $input) { contact { id } errors } }`,
        { input: { groupId, ...input } },
      )
    ).customerRelationsContactCreate;
  const alice = (
    await create({
      firstName: 'Alice',
      lastName: 'Smith',
      email: 'alice@x.example',
      phone: '555',
      organizationId: org.id,
    })
  ).contact;
  const bob = (await create({ firstName: 'Bob', lastName: 'Jones', email: 'bob@x.example' }))
    .contact;
  const carol = (await create({ firstName: 'Carol', lastName: 'White', email: 'carol@x.example' }))
    .contact;
  const duplicate = await create({ firstName: 'A', lastName: 'B', email: 'ALICE@x.example' });
  const update = (input: object) =>
    run(
      `mutation($input: CustomerRelationsContactUpdateInput!) {
        customerRelationsContactUpdate(input: $input) { errors } }`,
      { input },
    );
  await update({ id: bob.id, description: 'changed' });
  await update({ id: carol.id, active: false });
  const link = async (operationMode: string, contactIds: string[]) =>
    (
      await run(
        `mutation($input: IssueSetCrmContactsInput!) { issueSetCrmContacts(input: $input) { errors } }`,
        { input: { projectPath, iid: '1', operationMode, contactIds } },
      )
    ).issueSetCrmContacts;
  await link('APPEND', [alice.id, bob.id]);
  const inactive = await link('APPEND', [carol.id]);
  await link('REMOVE', [alice.id]);

  const data = await run(
    `query($group: ID!, $project: ID!) {
      group(fullPath: $group) {
        organizations { nodes { name defaultRate description active } }
        contacts { nodes { firstName lastName email phone description active organization { name } } }
        contactStateCounts { all active inactive } }
      project(fullPath: $project) { issue(iid: "1") { customerRelationsContacts { nodes { email } } } } }`,
    { group: root.fullPath, project: projectPath },
  );
  return {
    organizations: data.group.organizations.nodes,
    contacts: data.group.contacts.nodes.map(
      ({ firstName, lastName, organization, ...c }: GraphqlContact) => ({
        name: `${firstName} ${lastName}`,
        ...c,
        organization: organization?.name ?? null,
      }),
    ),
    counts: data.group.contactStateCounts,
    onWorkItem: data.project.issue.customerRelationsContacts.nodes.map(
      (c: { email: string }) => c.email,
    ),
    refusals: { duplicate: duplicate.errors[0], inactive: withoutIds(inactive.errors[0]) },
  };
}

it('gives the same contacts, organizations, links and refusals through REST and through GraphQL', async () => {
  const restRoot = await api.group('rest-co');
  const restProject = await api.project((await api.group('support', restRoot.id)).id);
  await api.workItem(restProject.id);
  const gqlRoot = await api.group('gql-co');
  await api.project((await api.group('support', gqlRoot.id)).id);
  const gqlProject = await api.ok(
    200,
    ADMIN_TOKEN,
    'GET',
    `/groups/${gqlRoot.id}/projects?includeSubgroups=true`,
  );
  await api.workItem(gqlProject.items[0].id);

  const rest = await throughRest(restRoot, restProject.id);
  const graphql = await throughGraphql(
    { id: gqlRoot.id, fullPath: 'gql-co' },
    'gql-co/support/helpdesk',
  );

  expect(graphql).toEqual(rest);
  expect(rest).toMatchObject({
    counts: { all: 3, active: 2, inactive: 1 },
    onWorkItem: ['bob@x.example'],
    refusals: {
      duplicate: 'a contact with email ALICE@x.example already exists in this group',
      inactive: expect.stringContaining(
        'the contact is inactive; only active contacts can be added',
      ),
    },
  });
  expect(rest.contacts[0]).toEqual({
    name: 'Alice Smith',
    email: 'alice@x.example',
    phone: '555',
    description: null,
    active: true,
    organization: 'Acme',
  });
});
