import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

export interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: object }>;
}
export interface OpenApiOperation {
  operationId?: string;
  responses: Record<string, OpenApiResponse>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, object> };
}

/** Where the components live for Ajv: `#/components/schemas/X` is rewritten to point there. */
const COMPONENTS_ID = 'urn:desk:openapi-components';
const withAjvRefs = <T>(schema: T): T =>
  JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`),
  ) as T;

/** The response schemas of a document, compiled by Ajv as JSON Schema 2020-12 (strict). */
export class DocumentSchemas {
  private readonly ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv.addSchema({
      $id: COMPONENTS_ID,
      $defs: withAjvRefs(document.components?.schemas ?? {}),
    });
  }

  validator(schema: object): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(withAjvRefs(schema));
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  errorsOf(validate: ValidateFunction): string {
    return this.ajv.errorsText(validate.errors);
  }
}

/** `/api/v1/groups/:id` as OpenAPI spells it: `/api/v1/groups/{id}`. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The reply's media type; before serialization a reply without one is going to be JSON. */
const mediaType = (reply: FastifyReply) =>
  String(reply.getHeader('content-type') ?? 'application/json')
    .split(';')[0]!
    .trim();

interface Exchange {
  method: string;
  url: string;
  status: number;
}

/**
 * Checks every response of an app against its own OpenAPI document: the status must be
 * documented for the operation, and the body must match that status's schema. Each response is
 * looked at twice: the handler's value before the zod serializer (which would drop an
 * undocumented field without a word, or turn a wrong type into a 500), and the bytes sent.
 * Routes the document leaves out are skipped, except under /api/v1, where all must be in it.
 */
export class ResponseConformance {
  private readonly mismatches: string[] = [];
  private reported = 0;
  private app: FastifyInstance | null = null;
  private schemas: DocumentSchemas | null = null;
  /** Responses looked at, so a test can tell the checks ran. */
  checked = 0;

  /** Watches the routes `app` registers from now on: call it before the app is ready. */
  readonly watch = (app: FastifyInstance): void => {
    this.app = app;
    app.addHook('onRoute', (route: RouteOptions) => {
      route.preSerialization = [
        ...[route.preSerialization ?? []].flat(),
        async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
          this.checkValue(request, reply, payload);
          return payload;
        },
      ];
      route.onSend = [
        ...[route.onSend ?? []].flat(),
        async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
          this.checkSent(request, reply, payload);
          return payload;
        },
      ];
    });
  };

  /** Throws for the mismatches seen since the last call; each is reported once. */
  assertAllMatched(): void {
    const fresh = this.mismatches.slice(this.reported);
    this.reported = this.mismatches.length;
    if (fresh.length > 0)
      throw new Error(
        `${fresh.length} response(s) did not match the OpenAPI document:\n${fresh.join('\n')}`,
      );
  }

  private checkValue(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const found = this.responseOf(request, reply, false);
    const schema = found?.response.content?.['application/json']?.schema;
    if (!found || !schema || typeof payload !== 'object') return;
    // the handler's value as JSON would carry it (dates as ISO strings), before zod strips it
    this.validate(found, schema, JSON.parse(JSON.stringify(payload)), 'handler value');
  }

  private checkSent(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const found = this.responseOf(request, reply, true);
    if (!found) return;
    this.checked++;
    const { content } = found.response;
    const length = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload.length : 0;
    if (!content) {
      if (length > 0) this.record(found, 'a body where none is documented');
      return;
    }
    const type = mediaType(reply);
    const schema = content[type]?.schema;
    if (!schema) {
      this.record(found, `content type ${type}; documented: ${Object.keys(content).join(', ')}`);
      return;
    }
    if (type === 'application/json' && typeof payload === 'string')
      this.validate(found, schema, payload === '' ? undefined : JSON.parse(payload), 'body sent');
  }

  /** The documented response for this request's status; `report` records why there is none. */
  private responseOf(request: FastifyRequest, reply: FastifyReply, report: boolean) {
    const url = request.routeOptions.url;
    if (!url || !this.app) return null;
    this.schemas ??= new DocumentSchemas(this.app.swagger() as unknown as OpenApiDocument);
    const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
    const exchange = { method: request.method, url: request.url, status: reply.statusCode };
    const operation = this.schemas.document.paths[openApiPath(url)]?.[method];
    if (!operation) {
      if (report && url.startsWith('/api/v1/')) this.record(exchange, 'undocumented operation');
      return null;
    }
    const response = operation.responses[String(reply.statusCode)];
    if (!response) {
      if (report) this.record(exchange, 'the status is not documented');
      return null;
    }
    return { ...exchange, response };
  }

  private validate(exchange: Exchange, schema: object, value: unknown, what: string): void {
    const validate = this.schemas!.validator(schema);
    if (!validate(value))
      this.record(
        exchange,
        `${what} ${JSON.stringify(value)?.slice(0, 300)}: ${this.schemas!.errorsOf(validate)}`,
      );
  }

  private record(exchange: Exchange, what: string): void {
    this.mismatches.push(`${exchange.method} ${exchange.url} → ${exchange.status}: ${what}`);
  }
}
