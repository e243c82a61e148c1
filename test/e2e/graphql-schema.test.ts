import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';
import { graphqlData } from '../support/graphql';

const SCHEMA_FILE = join(__dirname, '../../docs/schema.graphql');

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

describe('docs/schema.graphql', () => {
  it('is the schema the running server answers to introspection (npm run graphql:schema)', async () => {
    const introspection = await graphqlData(api, ADMIN_TOKEN, getIntrospectionQuery());
    const served = `${printSchema(buildClientSchema(introspection))}\n`;
    if (process.env.UPDATE_GRAPHQL_SCHEMA) writeFileSync(SCHEMA_FILE, served);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(served);
  });

  it('names GitLab’s CRM mutations, queries and types', () => {
    const schema = readFileSync(SCHEMA_FILE, 'utf8');
    for (const name of [
      'customerRelationsContactCreate(input: CustomerRelationsContactCreateInput!)',
      'customerRelationsContactUpdate(input: CustomerRelationsContactUpdateInput!)',
      'customerRelationsOrganizationCreate(input: CustomerRelationsOrganizationCreateInput!)',
      'customerRelationsOrganizationUpdate(input: CustomerRelationsOrganizationUpdateInput!)',
      'issueSetCrmContacts(input: IssueSetCrmContactsInput!): IssueSetCrmContactsPayload',
      'contactIds: [CustomerRelationsContactID!]!',
      'group(',
      'contactStateCounts(',
      'customerRelationsContacts(',
    ])
      expect(schema).toContain(name);
  });
});

describe('GraphiQL, the explorer', () => {
  it('opens at /api/graphql in a browser, without a token, outside production', async () => {
    const redirect = await api.fetch('/api/graphql', {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe('/api/graphiql');
    const page = await api.fetch('/api/graphiql');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const config = await (await api.fetch('/api/graphiql/config.js')).text();
    expect(config).toContain("window.GRAPHQL_ENDPOINT = '/api/graphql'");
  });

  it('is not there in production, and the endpoint still wants a token', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const production = await ApiHarness.start().finally(() => {
      process.env.NODE_ENV = saved;
    });
    try {
      expect((await production.fetch('/api/graphiql')).status).toBe(404);
      const browser = await production.fetch('/api/graphql', { headers: { accept: 'text/html' } });
      expect(browser.status).toBe(401);
    } finally {
      await production.close();
    }
  });
});
