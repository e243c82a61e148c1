import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteOptions } from 'fastify';
import { documentText, openApiDocument } from '../../bin/openapi-document';
import { ApiHarness } from '../support/api';
import {
  DocumentSchemas,
  openApiPath,
  type OpenApiDocument,
  type OpenApiOperation,
} from '../support/openapi-conformance';
import { ROOT } from '../support/run-tsx';

/** Left out of the document on purpose: browser pages, Prometheus, the document itself. */
const HIDDEN = /^\/(admin|metrics|docs|api\/graphiql)(\/|$)/;

let api: ApiHarness;
const routes: RouteOptions[] = [];
let document: OpenApiDocument;

const operations = () =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      where: `${method.toUpperCase()} ${path}`,
      operation: operation as OpenApiOperation,
    })),
  );

beforeAll(async () => {
  api = await ApiHarness.start(undefined, (app) =>
    app.addHook('onRoute', (route) => void routes.push(route)),
  );
  document = (await (await api.fetch('/docs/json')).json()) as OpenApiDocument;
});

afterAll(async () => {
  await api?.close();
});

describe('the OpenAPI document at /docs/json', () => {
  it('is valid OpenAPI 3.1 for @seriousme/openapi-schema-validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const dir = mkdtempSync(join(tmpdir(), 'desk-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const cli = join(
        ROOT,
        'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
      );
      const output = await new Promise<string>((resolve) =>
        execFile(process.execPath, [cli, file], (_err, stdout) => resolve(stdout)),
      );
      expect(JSON.parse(output)).toEqual({ valid: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations().map(({ where, operation }) => [where, operation.operationId]);
    for (const [where, id] of ids)
      expect([where, id]).toEqual([where, expect.stringMatching(/^[a-z][a-zA-Z]+$/)]);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
  });

  it('describes every status, with a body schema Ajv compiles (2020-12, strict) but for 204 and 303', () => {
    const schemas = new DocumentSchemas(document);
    for (const { where, operation } of operations()) {
      const statuses = Object.keys(operation.responses);
      expect([where, statuses.some((s) => /^2\d\d$/.test(s))]).toEqual([where, true]);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect([where, status, typeof response.description]).toEqual([where, status, 'string']);
        if (status === '204' || status === '303') {
          expect([where, status, response.content]).toEqual([where, status, undefined]);
          continue;
        }
        const media = Object.values(response.content ?? {});
        expect([where, status, media.length]).toEqual([where, status, 1]);
        expect(() => schemas.validator(media[0]!.schema!)).not.toThrow();
      }
    }
  });

  it('answers every error status of the admin API with the shared Error body', () => {
    for (const { where, operation } of operations()) {
      if (!where.includes(' /api/v1/')) continue;
      for (const status of ['400', '401', '500', '503'])
        expect([where, status, operation.responses[status]?.content]).toEqual([
          where,
          status,
          { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        ]);
    }
  });

  it('documents every route but the hidden ones, and none of those', () => {
    const served = routes
      .filter((r) => r.method !== 'HEAD')
      .flatMap((r) => [r.method].flat().map((m) => `${m.toLowerCase()} ${openApiPath(r.url)}`));
    const documented = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.keys(byMethod).map((method) => `${method} ${path}`),
    );
    const hidden = (route: string) => HIDDEN.test(route.split(' ')[1]!);
    expect(served.filter((r) => !hidden(r)).sort()).toEqual([...documented].sort());
    expect(documented.filter(hidden)).toEqual([]);
    expect(served.filter(hidden)).toEqual(
      expect.arrayContaining(['get /metrics', 'get /admin/login', 'get /docs/json']),
    );
    expect(documented).toEqual(expect.arrayContaining(['get /healthz', 'get /readyz']));
  });

  it('lets the health routes be called without a token', () => {
    expect(document.paths['/healthz']!.get).toMatchObject({ security: [] });
    expect(document.paths['/readyz']!.get).toMatchObject({ security: [] });
  });

  it('is docs/openapi.json as committed (npm run openapi:client rewrites it)', async () => {
    const committed = readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8');
    const generated = documentText(await openApiDocument());
    expect(JSON.parse(generated)).toEqual(document);
    if (committed !== generated)
      throw new Error('docs/openapi.json is out of date: run npm run openapi:client, commit it');
  });
});
