import { z } from 'zod';

/**
 * What a GraphQL request over HTTP may hold (mercurius's own rules), in zod like every other
 * route of the API: the app's validator compiler reads zod, not JSON Schema.
 */
const request = {
  query: z.string().optional(),
  operationName: z.string().nullish(),
  persisted: z.boolean().optional(),
};

export const graphqlRequestSchema = {
  /** GET (queries only): variables and extensions as JSON text. */
  querystring: z.object({
    ...request,
    variables: z.string().optional(),
    extensions: z.string().optional(),
  }),
  body: z.object({
    ...request,
    variables: z.record(z.string(), z.unknown()).nullish(),
    extensions: z.record(z.string(), z.unknown()).optional(),
  }),
};

/** What every GraphQL reply holds over HTTP (the GraphQL spec's response shape). */
export const graphqlResponse = z
  .looseObject({
    data: z.record(z.string(), z.unknown()).nullish(),
    errors: z
      .array(
        z.looseObject({
          message: z.string(),
          path: z.array(z.unknown()).optional().describe('field names and list indexes'),
          extensions: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'GraphqlResponse', description: 'data, and errors when something was refused' });
