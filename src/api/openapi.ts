import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const SCHEMA_REF = '#/components/schemas/';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The provider adds every named zod schema twice, as read (`User`) and as written (`UserInput`);
 * named schemas here are all responses, so the unused `…Input` copies would only clutter the
 * document and the clients generated from it.
 */
function withoutUnusedSchemas<T extends { paths?: unknown; components?: { schemas?: object } }>(
  document: T,
): T {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  const used = new Set<string>();
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) {
      const name = ref.slice(SCHEMA_REF.length);
      if (!used.has(name) && schemas[name] !== undefined) {
        used.add(name);
        visit(schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(document.paths as Json);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } };
}

interface Response {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string } }>;
}
type Operations = Record<string, Record<string, { responses?: Record<string, Response> }>>;

/**
 * @fastify/swagger calls a response without a description of its own "Default Response": one
 * whose body is a component takes the component's description instead.
 */
function describeResponses<T extends { paths?: unknown; components?: { schemas?: object } }>(
  document: T,
): T {
  const schemas = (document.components?.schemas ?? {}) as Record<string, { description?: string }>;
  for (const operations of Object.values((document.paths ?? {}) as Operations))
    for (const { responses = {} } of Object.values(operations))
      for (const response of Object.values(responses)) {
        const ref = response.content?.['application/json']?.schema?.$ref;
        const named = ref?.startsWith(SCHEMA_REF) && schemas[ref.slice(SCHEMA_REF.length)];
        if (response.description === 'Default Response' && named && named.description)
          response.description = named.description;
      }
  return document;
}

/**
 * OpenAPI 3.1, whose schemas are JSON Schema 2020-12 (what zod emits best), generated from the
 * routes' zod schemas. Named zod schemas (`.meta({ id })`) become components.
 */
export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'desk admin API',
      version: '1',
      description:
        'Service Desk admin API. Every route under /api/v1 needs Authorization: Bearer <token>.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  },
  transform: jsonSchemaTransform,
  transformObject: (input) =>
    describeResponses(withoutUnusedSchemas(jsonSchemaTransformObject(input))),
};
