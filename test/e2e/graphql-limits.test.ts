import { MAX_COMPLEXITY, MAX_DEPTH } from '../../src/api/graphql/complexity';
import { ADMIN_TOKEN, ApiHarness, type Reply } from '../support/api';
import { graphql, graphqlData } from '../support/graphql';
import { captureLogs } from '../support/log-capture';

let api: ApiHarness;
const logs = captureLogs();
let root: { id: number };
let project: { id: number };

/** Contacts spread over this many organizations, every one linked to issue #1. */
const ORGANIZATIONS = 5;
const CONTACTS = 60;

beforeAll(async () => {
  api = await ApiHarness.start(logs.stream);
  root = await api.group('acme');
  project = await api.project(root.id, 'helpdesk');
  await api.workItem(project.id);
  const orgs = [];
  for (let i = 0; i < ORGANIZATIONS; i++) orgs.push(await api.organization(root.id, `Org ${i}`));
  const ids: number[] = [];
  for (let i = 0; i < CONTACTS; i++) {
    const contact = await api.contact(root.id, `c${i}.n${i}@customer.example`, {
      organizationId: orgs[i % ORGANIZATIONS]!.id,
    });
    ids.push(contact.id);
  }
  for (let i = 0; i < ids.length; i += 6)
    await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/work-items/1/contacts`, {
      operation: 'append',
      contactIds: ids.slice(i, i + 6),
    });
});

afterAll(async () => {
  await api?.close();
});

/** Runs `query` and counts the SQL statements the API sent to PostgreSQL meanwhile. */
async function statementsOf(query: string): Promise<{ count: number; data: Reply['body'] }> {
  const logger = api.db.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  let count = 0;
  logger.logQuery = (...args) => {
    count++;
    return original(...args);
  };
  try {
    return { data: await graphqlData(api, ADMIN_TOKEN, query), count };
  } finally {
    logger.logQuery = original;
  }
}

describe('batched loads: no query per node', () => {
  const groupContacts = (first: number) => `{ group(fullPath: "acme") {
    contacts(first: ${first}) { nodes { id email organization { id name } } } } }`;
  const issueContacts = (first: number) => `{ project(fullPath: "acme/helpdesk") {
    issue(iid: "1") { customerRelationsContacts(first: ${first}) {
      nodes { id email organization { id name } } } } } }`;

  it('reads 60 contacts and their organizations in as many statements as 2', async () => {
    const few = await statementsOf(groupContacts(2));
    const many = await statementsOf(groupContacts(CONTACTS));
    expect(few.data.group.contacts.nodes).toHaveLength(2);
    expect(many.data.group.contacts.nodes).toHaveLength(CONTACTS);
    expect(
      many.data.group.contacts.nodes.every(
        (c: { organization: { name: string } | null }) => c.organization?.name,
      ),
    ).toBe(true);
    console.log(`group.contacts: ${few.count} statements for 2 contacts, ${many.count} for 60`);
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(8);
  });

  it('does the same for an issue’s contacts', async () => {
    const few = await statementsOf(issueContacts(2));
    const many = await statementsOf(issueContacts(CONTACTS));
    expect(many.data.project.issue.customerRelationsContacts.nodes).toHaveLength(CONTACTS);
    console.log(
      `issue.customerRelationsContacts: ${few.count} statements for 2 contacts, ${many.count} for 60`,
    );
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(16);
  });
});

describe('query depth and complexity', () => {
  it(`refuses a query deeper than ${MAX_DEPTH} with 400 and runs nothing`, async () => {
    // the CRM types nest 7 deep at most; introspection nests as deep as a client likes
    const nested = (levels: number) =>
      `{ __schema { types { fields { type ${'{ ofType '.repeat(levels)}{ name }${' }'.repeat(levels)} } } } }`;
    expect((await graphql(api, ADMIN_TOKEN, nested(MAX_DEPTH - 5))).status).toBe(200);
    const res = await graphql(api, ADMIN_TOKEN, nested(MAX_DEPTH - 4));
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].message).toMatch(/exceeds the query depth limit of 15/);
  });

  it(`refuses an operation costlier than ${MAX_COMPLEXITY}, whatever its aliases`, async () => {
    const page = (alias: string) =>
      `${alias}: contacts(first: 100) { nodes { id firstName lastName email phone description
        active createdAt updatedAt organization { id name } } }`;
    const ok = await graphql(api, ADMIN_TOKEN, `{ group(fullPath: "acme") { ${page('a')} } }`);
    expect(ok.status).toBe(200);
    const res = await graphql(
      api,
      ADMIN_TOKEN,
      `{ group(fullPath: "acme") { ${['a', 'b', 'c'].map(page).join(' ')} } }`,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(
      /^Query has complexity of \d+, which exceeds max complexity of 2500$/,
    );
  });

  it('counts a page size given as a variable as the largest page', async () => {
    const aliases = ['a', 'b', 'c', 'd']
      .map(
        (a) =>
          `${a}: contacts(first: $n) { nodes { id firstName lastName email organization { id name } } }`,
      )
      .join(' ');
    const query = `query($n: Int) { group(fullPath: "acme") { ${aliases} } }`;
    const res = await graphql(api, ADMIN_TOKEN, query, { n: 1 });
    expect(res.status).toBe(400);
    const literal = query.replace('query($n: Int)', '').replaceAll('$n', '1');
    expect((await graphql(api, ADMIN_TOKEN, literal)).status).toBe(200);
  });
});

describe('failures', () => {
  it('answers 401 without a token, and with a revoked one, as GraphQL errors', async () => {
    const none = await graphql(api, null, '{ group(fullPath: "acme") { id } }');
    expect(none.status).toBe(401);
    expect(none.body.errors[0].message).toMatch(/^missing bearer token/);
    const bad = await graphql(api, 'not-a-token', '{ group(fullPath: "acme") { id } }');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      data: null,
      errors: [
        {
          message: 'invalid or revoked token',
          extensions: { code: 'UnauthorizedError', status: 401 },
        },
      ],
    });
  });

  it('answers a syntax error with 400 and where it is', async () => {
    const res = await graphql(api, ADMIN_TOKEN, '{ group(fullPath: "acme") { id ');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ locations: [expect.any(Object)] });
  });

  it('hides what failed inside (no stack, no SQL) and logs it without the statement', async () => {
    await api.db.dataSource.query('ALTER TABLE contacts RENAME COLUMN phone TO phone_gone');
    try {
      const res = await graphql(
        api,
        ADMIN_TOKEN,
        '{ group(fullPath: "acme") { contacts { nodes { id } } } }',
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: { group: { contacts: null } },
        errors: [
          {
            message: 'Internal server error',
            locations: [expect.any(Object)],
            path: ['group', 'contacts'],
          },
        ],
      });
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/stack|SELECT|phone|at \w+ \(/);
    } finally {
      await api.db.dataSource.query('ALTER TABLE contacts RENAME COLUMN phone_gone TO phone');
    }
    const line = logs.lines().find((l) => l.msg === 'graphql request failed');
    expect(line).toMatchObject({ error: { name: 'QueryFailedError' } });
    expect(JSON.stringify(line)).not.toMatch(/SELECT|stack/);
  });
});
