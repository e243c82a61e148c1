import { GraphQLError } from 'graphql';
import type { z } from 'zod';

/** A zod failure as GitLab's payload errors: one line per failing field. */
export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
}

/** An argument of a query checked by the REST API's own schema; a failure is the client's. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new GraphQLError(`${name}: ${result.error.issues[0]!.message}`);
  return result.data;
}

/** Optional arguments a client sent as null mean the same as not sent. */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

const MAX_INT = 2_147_483_647;

/** GitLab's iids are strings; one that is no number names no work item. */
export function iidOf(iid: string | null | undefined): number | null {
  const n = /^\d{1,10}$/.test(iid ?? '') ? Number(iid) : 0;
  return n >= 1 && n <= MAX_INT ? n : null;
}
