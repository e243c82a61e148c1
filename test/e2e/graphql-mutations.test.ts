import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { gid, graphql, graphqlData } from '../support/graphql';
import { RESOURCE_ACCESS_ERROR } from '../../src/api/graphql/errors';

let api: ApiHarness;
let root: { id: number };
let project: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  const sub = await api.group('support', root.id);
  project = await api.project(sub.id, 'helpdesk');
  await api.workItem(project.id);
});

afterAll(async () => {
  await api?.close();
});

const CREATE_CONTACT = `mutation($input: CustomerRelationsContactCreateInput!) {
  customerRelationsContactCreate(input: $input) {
    clientMutationId contact { id firstName lastName email phone description active
      organization { id name } } errors } }`;
const UPDATE_CONTACT = `mutation($input: CustomerRelationsContactUpdateInput!) {
  customerRelationsContactUpdate(input: $input) {
    contact { id firstName email phone active organization { name } } errors } }`;
const CREATE_ORGANIZATION = `mutation($input: CustomerRelationsOrganizationCreateInput!) {
  customerRelationsOrganizationCreate(input: $input) {
    organization { id name defaultRate description active } errors } }`;
const UPDATE_ORGANIZATION = `mutation($input: CustomerRelationsOrganizationUpdateInput!) {
  customerRelationsOrganizationUpdate(input: $input) {
    organization { id name defaultRate description active } errors } }`;
const SET_CONTACTS = `mutation($input: IssueSetCrmContactsInput!) {
  issueSetCrmContacts(input: $input) {
    errors issue { iid customerRelationsContacts { nodes { email } } } } }`;

const idOf = (globalId: string) => Number(globalId.split('/').pop());

async function createContact(input: Record<string, unknown>) {
  return (
    await graphqlData(api, ADMIN_TOKEN, CREATE_CONTACT, {
      input: { groupId: gid.group(root.id), ...input },
    })
  ).customerRelationsContactCreate;
}

async function organization(name: string) {
  const payload = (
    await graphqlData(api, ADMIN_TOKEN, CREATE_ORGANIZATION, {
      input: { groupId: gid.group(root.id), name },
    })
  ).customerRelationsOrganizationCreate;
  return payload.organization as { id: string; name: string };
}

describe('customerRelationsOrganizationCreate and Update', () => {
  it('creates an organization with a default rate, then renames and deactivates it', async () => {
    const created = (
      await graphqlData(api, ADMIN_TOKEN, CREATE_ORGANIZATION, {
        input: {
          groupId: gid.group(root.id),
          name: 'Initech',
          defaultRate: 99.5,
          description: 'TPS',
        },
      })
    ).customerRelationsOrganizationCreate;
    expect(created).toEqual({
      organization: {
        id: expect.stringMatching(/^gid:\/\/gitlab\/CustomerRelations::Organization\/\d+$/),
        name: 'Initech',
        defaultRate: 99.5,
        description: 'TPS',
        active: true,
      },
      errors: [],
    });
    const updated = (
      await graphqlData(api, ADMIN_TOKEN, UPDATE_ORGANIZATION, {
        input: { id: created.organization.id, name: 'Initrode', active: false, defaultRate: 100 },
      })
    ).customerRelationsOrganizationUpdate;
    expect(updated).toEqual({
      organization: { ...created.organization, name: 'Initrode', active: false, defaultRate: 100 },
      errors: [],
    });
    const rest = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${root.id}/organizations/${idOf(created.organization.id)}`,
    );
    expect(rest).toMatchObject({ name: 'Initrode', state: 'inactive', defaultRate: '100.00' });
  });

  it('lists a duplicate name, a blank name and a rate with three decimals in errors', async () => {
    await organization('Hooli');
    const create = async (input: Record<string, unknown>) =>
      (
        await graphqlData(api, ADMIN_TOKEN, CREATE_ORGANIZATION, {
          input: { groupId: gid.group(root.id), ...input },
        })
      ).customerRelationsOrganizationCreate;
    expect(await create({ name: 'HOOLI' })).toEqual({
      organization: null,
      errors: ['an organization named HOOLI already exists in this group'],
    });
    expect((await create({ name: '  ' })).errors).toEqual([expect.stringMatching(/^name: /)]);
    expect((await create({ name: 'Rated', defaultRate: 1.999 })).errors).toEqual([
      expect.stringMatching(/^defaultRate: a decimal of at most 16 digits and 2 decimals/),
    ]);
  });

  it('answers a top-level error for an organization that does not exist', async () => {
    const res = await graphql(api, ADMIN_TOKEN, UPDATE_ORGANIZATION, {
      input: { id: gid.organization(999999), name: 'X' },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.customerRelationsOrganizationUpdate).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: RESOURCE_ACCESS_ERROR,
        path: ['customerRelationsOrganizationUpdate'],
      }),
    ]);
  });
});

describe('customerRelationsContactCreate and Update', () => {
  it('creates a contact with every field and an organization, echoing clientMutationId', async () => {
    const org = await organization('Umbrella');
    const payload = await createContact({
      clientMutationId: 'abc',
      firstName: 'Lee',
      lastName: 'Tickett',
      email: 'lee@umbrella.example',
      phone: '07777 777777',
      description: 'Managing Director',
      organizationId: org.id,
    });
    expect(payload).toEqual({
      clientMutationId: 'abc',
      contact: {
        id: expect.stringMatching(/^gid:\/\/gitlab\/CustomerRelations::Contact\/\d+$/),
        firstName: 'Lee',
        lastName: 'Tickett',
        email: 'lee@umbrella.example',
        phone: '07777 777777',
        description: 'Managing Director',
        active: true,
        organization: { id: org.id, name: 'Umbrella' },
      },
      errors: [],
    });
  });

  it('updates fields, clears the organization and deactivates, as REST then shows', async () => {
    const org = await organization('Cyberdyne');
    const { contact } = await createContact({
      firstName: 'Sarah',
      lastName: 'Connor',
      email: 'sarah@cyberdyne.example',
      phone: '555',
      organizationId: org.id,
    });
    const updated = (
      await graphqlData(api, ADMIN_TOKEN, UPDATE_CONTACT, {
        input: {
          id: contact.id,
          firstName: 'S.',
          phone: null,
          organizationId: null,
          active: false,
        },
      })
    ).customerRelationsContactUpdate;
    expect(updated).toEqual({
      contact: {
        id: contact.id,
        firstName: 'S.',
        email: 'sarah@cyberdyne.example',
        phone: null,
        active: false,
        organization: null,
      },
      errors: [],
    });
    const rest = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${root.id}/contacts/${idOf(contact.id)}`,
    );
    expect(rest).toMatchObject({
      firstName: 'S.',
      phone: '',
      organizationId: null,
      state: 'inactive',
    });
  });

  it('lists refused input in errors: blank name, duplicate email, a foreign organization', async () => {
    await createContact({ firstName: 'Dup', lastName: 'One', email: 'dup@example.com' });
    const other = await api.group('other');
    const foreign = await api.organization(other.id, 'Foreign');
    expect(await createContact({ firstName: '', lastName: 'X' })).toEqual({
      clientMutationId: null,
      contact: null,
      errors: [expect.stringMatching(/^firstName: /)],
    });
    expect(
      (await createContact({ firstName: 'A', lastName: 'B', email: 'DUP@example.com' })).errors,
    ).toEqual(['a contact with email DUP@example.com already exists in this group']);
    expect(
      (
        await createContact({
          firstName: 'A',
          lastName: 'B',
          organizationId: gid.organization(foreign.id),
        })
      ).errors,
    ).toEqual([`organization ${foreign.id} is not an organization of this group`]);
    expect(
      (await createContact({ firstName: 'A', lastName: 'B', email: 'not-an-email' })).errors,
    ).toEqual([expect.stringMatching(/^email: /)]);
  });

  it('refuses contacts in a subgroup that is nobody’s contact source, in errors', async () => {
    const sub = await api.group('team', root.id);
    const payload = (
      await graphqlData(api, ADMIN_TOKEN, CREATE_CONTACT, {
        input: { groupId: gid.group(sub.id), firstName: 'A', lastName: 'B' },
      })
    ).customerRelationsContactCreate;
    expect(payload.errors).toEqual([
      'contacts can only be added to root groups and groups configured as contact sources',
    ]);
  });

  it('answers top-level errors for an unknown contact and for a global id of another type', async () => {
    const unknown = await graphql(api, ADMIN_TOKEN, UPDATE_CONTACT, {
      input: { id: gid.contact(999999), firstName: 'X' },
    });
    expect(unknown.body.errors[0]).toMatchObject({
      message: RESOURCE_ACCESS_ERROR,
      extensions: { code: 'RESOURCE_NOT_AVAILABLE', reason: 'contact not found' },
    });
    const wrongType = await graphql(api, ADMIN_TOKEN, UPDATE_CONTACT, {
      input: { id: gid.group(root.id), firstName: 'X' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].message).toMatch(
      /gid:\/\/gitlab\/Group\/\d+ does not represent an instance of CustomerRelations::Contact/,
    );
  });
});

describe('issueSetCrmContacts', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus', 'old'])
      ids[name] = (
        await createContact({ firstName: name, lastName: 'Set', email: `${name}@set.example` })
      ).contact.id;
    await graphqlData(api, ADMIN_TOKEN, UPDATE_CONTACT, { input: { id: ids.old, active: false } });
  });

  const set = async (contactIds: string[], operationMode?: string) =>
    (
      await graphqlData(api, ADMIN_TOKEN, SET_CONTACTS, {
        input: { projectPath: 'acme/support/helpdesk', iid: '1', contactIds, operationMode },
      })
    ).issueSetCrmContacts;
  const emails = (payload: {
    issue: { customerRelationsContacts: { nodes: { email: string }[] } };
  }) => payload.issue.customerRelationsContacts.nodes.map((c) => c.email.split('@')[0]);

  it('replaces by default, then appends and removes', async () => {
    const replaced = await set([ids.ann!, ids.ben!]);
    expect(replaced.errors).toEqual([]);
    expect(emails(replaced)).toEqual(['ann', 'ben']);
    expect(emails(await set([ids.cat!], 'APPEND'))).toEqual(['ann', 'ben', 'cat']);
    expect(emails(await set([ids.ann!], 'REMOVE'))).toEqual(['ben', 'cat']);
    expect(emails(await set([ids.dan!], 'REPLACE'))).toEqual(['dan']);
  });

  it('refuses an inactive contact on APPEND in errors and changes nothing', async () => {
    await set([ids.ann!], 'REPLACE');
    const payload = await set([ids.ben!, ids.old!], 'APPEND');
    expect(payload.errors).toEqual([
      expect.stringContaining('the contact is inactive; only active contacts can be added'),
    ]);
    expect(emails(payload)).toEqual(['ann']);
  });

  it('refuses more than 6 contacts at once with GitLab’s message', async () => {
    await set([], 'REPLACE');
    const seven = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus'].map((n) => ids[n]!);
    const payload = await set(seven, 'APPEND');
    expect(payload.errors).toEqual(['You can only add up to 6 contacts at one time']);
    expect(emails(payload)).toEqual([]);
    expect(emails(await set(seven.slice(0, 6), 'APPEND'))).toHaveLength(6);
  });

  it('refuses a contact that is not in the contact source in errors', async () => {
    const payload = await set([gid.contact(999999)], 'APPEND');
    expect(payload.errors).toEqual([expect.stringContaining('contact 999999')]);
  });

  it('answers a top-level error for a project or issue that does not exist', async () => {
    for (const [projectPath, iid] of [
      ['acme/support/nope', '1'],
      ['acme/support/helpdesk', '99'],
      ['acme/support/helpdesk', 'x'],
    ]) {
      const res = await graphql(api, ADMIN_TOKEN, SET_CONTACTS, {
        input: { projectPath, iid, contactIds: [ids.ann] },
      });
      expect(res.body).toEqual({
        data: { issueSetCrmContacts: null },
        errors: [expect.objectContaining({ message: RESOURCE_ACCESS_ERROR })],
      });
    }
  });
});
