import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApi } from '../../src/api/api-server';
import { sha256Hex } from '../../src/domain/access/api-token';
import type { RoleName } from '../../src/domain/access/roles';
import { createRootLogger } from '../../src/logger';
import { DeskMetrics } from '../../src/metrics/desk-metrics';
import { ResponseConformance } from './openapi-conformance';
import { ADDRESSING } from './seed';
import { createTestDb, type TestDb } from './test-db';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The admin API on a fresh database, listening on an ephemeral port and called over HTTP. Every
 * response is checked against the OpenAPI document: a call fails on a response that does not
 * match, and so does `close` (in afterAll) for any other request, raw fetches included.
 */
export class ApiHarness {
  private users = 0;

  private constructor(
    readonly db: TestDb,
    readonly app: FastifyInstance,
    readonly baseUrl: string,
    readonly responses: ResponseConformance,
  ) {}

  /**
   * `log` receives the API's log lines (at `info`) instead of silence; `prepare` sees the app
   * before it is ready (to add hooks).
   */
  static async start(
    log?: DestinationStream,
    prepare?: (app: FastifyInstance) => void,
  ): Promise<ApiHarness> {
    const db = await createTestDb();
    const app = buildApi({
      logger: log
        ? createRootLogger('info', log)
        : createRootLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      health: { postgres: () => db.store.ping(), redis: async () => undefined },
      store: db.store,
      addressing: ADDRESSING,
      adminTokenSha256: sha256Hex(ADMIN_TOKEN),
      publish: () => undefined, // no relay here: reprocessing is tested with a whole desk
      queues: [], // no queues either: Bull Board is tested with a whole desk
      metrics: new DeskMetrics(),
    });
    const responses = new ResponseConformance();
    responses.watch(app);
    prepare?.(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as AddressInfo;
    return new ApiHarness(db, app, `http://127.0.0.1:${address.port}`, responses);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.drop();
    this.responses.assertAllMatched();
  }

  async call(
    token: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Reply> {
    const res = await this.fetch(`/api/v1${url}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await res.text();
    this.responses.assertAllMatched();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A raw request over the real socket. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, init);
  }

  /** Like `call`, failing the test unless the status is the expected one. */
  async ok(
    expected: number,
    token: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ) {
    const reply = await this.call(token, method, url, payload);
    if (reply.status !== expected)
      throw new Error(`${method} ${url}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** A new user with a token of its own. */
  async user(prefix = 'user'): Promise<{ id: number; token: string }> {
    const n = ++this.users;
    const user = await this.ok(201, ADMIN_TOKEN, 'POST', '/users', {
      username: `${prefix}${n}`,
      name: `${prefix} ${n}`,
      email: `${prefix}${n}@staff.example`,
    });
    const { token } = await this.ok(201, ADMIN_TOKEN, 'POST', `/users/${user.id}/tokens`, {
      name: 'test',
    });
    return { id: user.id, token };
  }

  async group(path: string, parentId: number | null = null, token = ADMIN_TOKEN) {
    return this.ok(201, token, 'POST', '/groups', { name: path, path, parentId });
  }

  async member(groupId: number, userId: number, role: RoleName): Promise<void> {
    await this.ok(201, ADMIN_TOKEN, 'POST', `/groups/${groupId}/members`, { userId, role });
  }

  /** A user whose only membership is `role` in `groupId`. */
  async userWithRole(groupId: number, role: RoleName) {
    const user = await this.user(role);
    await this.member(groupId, user.id, role);
    return user;
  }

  async project(groupId: number, path = 'helpdesk') {
    return this.ok(201, ADMIN_TOKEN, 'POST', '/projects', { groupId, name: path, path });
  }

  async workItem(projectId: number, title = 'Printer on fire') {
    return this.ok(201, ADMIN_TOKEN, 'POST', `/projects/${projectId}/work-items`, { title });
  }

  async contact(groupId: number, email: string, extra: Record<string, unknown> = {}) {
    const [firstName = 'x', lastName = 'y'] = email.split('@')[0]!.split('.');
    return this.ok(201, ADMIN_TOKEN, 'POST', `/groups/${groupId}/contacts`, {
      firstName,
      lastName,
      email,
      ...extra,
    });
  }

  async organization(groupId: number, name: string) {
    return this.ok(201, ADMIN_TOKEN, 'POST', `/groups/${groupId}/organizations`, { name });
  }

  async setCrm(
    groupId: number,
    settings: { enabled?: boolean; contactSourceGroupId?: number | null },
  ) {
    return this.ok(200, ADMIN_TOKEN, 'PUT', `/groups/${groupId}/crm-settings`, settings);
  }
}
