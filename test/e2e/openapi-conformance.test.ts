import type { FastifyReply, FastifyRequest, RouteHandlerMethod, RouteOptions } from 'fastify';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';

/**
 * The check every api-*.test.ts runs through the harness (test/support/openapi-conformance.ts):
 * here GET /groups/:id is made to answer wrongly, and the check must fail the test.
 */
type Corruption = 'extra field' | 'wrong type' | 'undocumented status' | null;
let corruption: Corruption = null;

function corrupt(route: RouteOptions): void {
  if (route.url !== '/api/v1/groups/:id' || route.method !== 'GET') return;
  const original = route.handler as (...args: unknown[]) => Promise<Record<string, unknown>>;
  route.handler = async function (this: unknown, request: FastifyRequest, reply: FastifyReply) {
    const group = await original.call(this, request, reply);
    switch (corruption) {
      case 'extra field':
        return { ...group, secret: 'not in the document' };
      case 'wrong type':
        return { ...group, id: String(group.id) };
      case 'undocumented status':
        return reply.status(418).send({ error: 'teapot' });
      default:
        return group;
    }
  } as RouteHandlerMethod;
}

let api: ApiHarness | null;
let groupId: number;

beforeAll(async () => {
  api = await ApiHarness.start(undefined, (app) => app.addHook('onRoute', corrupt));
  groupId = (await api.group('checked')).id;
});

afterEach(() => {
  corruption = null;
});

afterAll(async () => {
  await api?.close();
});

describe('responses checked against the OpenAPI document', () => {
  it('lets a response through that matches its schema', async () => {
    const group = await api!.ok(200, ADMIN_TOKEN, 'GET', `/groups/${groupId}`);
    expect(group).toMatchObject({ id: groupId, fullPath: 'checked' });
    expect(api!.responses.checked).toBeGreaterThan(0);
  });

  it('fails on a field the document does not name, which the serializer would drop unseen', async () => {
    corruption = 'extra field';
    await expect(api!.call(ADMIN_TOKEN, 'GET', `/groups/${groupId}`)).rejects.toThrow(
      /GET \/api\/v1\/groups\/\d+ → 200: handler value .*must NOT have additional properties/,
    );
  });

  it('fails on a value of the wrong type, which the serializer turns into a 500', async () => {
    corruption = 'wrong type';
    const res = await api!.fetch(`/api/v1/groups/${groupId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(500);
    expect(() => api!.responses.assertAllMatched()).toThrow(
      /→ 200: handler value .*data\/id must be integer/,
    );
  });

  it('fails on a status the operation does not document', async () => {
    corruption = 'undocumented status';
    await expect(api!.call(ADMIN_TOKEN, 'GET', `/groups/${groupId}`)).rejects.toThrow(
      /→ 418: the status is not documented/,
    );
  });

  it('fails close(), and so the file’s afterAll, for a request made around the harness', async () => {
    corruption = 'extra field';
    const res = await api!.fetch(`/api/v1/groups/${groupId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const harness = api!;
    api = null;
    await expect(harness.close()).rejects.toThrow(/1 response\(s\) did not match/);
  });
});
