import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { MODEL, parseGid, toGid, type Model } from './global-id';

/** A global id scalar: ids in, `gid://gitlab/<Model>/<id>` out. */
function globalIdScalar(model: Model) {
  return {
    serialize: (id: unknown) => (typeof id === 'number' ? toGid(model, id) : id),
    parseValue: (value: unknown) => parseGid(model, value),
    parseLiteral: (ast: ValueNode) =>
      parseGid(model, ast.kind === Kind.STRING ? ast.value : undefined),
  };
}

/** GitLab's Time: ISO 8601 out; read as a date when a client sends one. */
const time = {
  serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : value),
  parseValue(value: unknown): Date {
    const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime()))
      throw new GraphQLError(`${JSON.stringify(value)} is not an ISO 8601 time`);
    return date;
  },
  parseLiteral(ast: ValueNode): Date {
    return time.parseValue(ast.kind === Kind.STRING ? ast.value : undefined);
  },
};

/** Resolvers of the schema's scalars, keyed by name (mercurius copies them onto the types). */
export const scalarResolvers = {
  Time: time,
  GroupID: globalIdScalar(MODEL.group),
  CustomerRelationsContactID: globalIdScalar(MODEL.contact),
  CustomerRelationsOrganizationID: globalIdScalar(MODEL.organization),
};
