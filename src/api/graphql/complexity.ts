import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { MAX_PAGE_SIZE } from './connection';

/** The CRM types nest 7 deep; 15 lets the introspection query of GraphiQL and of clients run. */
export const MAX_DEPTH = 15;
/** About two full pages of contacts with their organizations in one request. */
export const MAX_COMPLEXITY = 2500;

/** A field with arguments (a lookup, a list) reads the database; the rest cost 1. */
const LOOKUP_COST = 10;

/** The page size a connection field asks for: a variable counts as the largest. */
function pageSizeOf(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === 'first')?.value;
  if (first?.kind === Kind.INT) return Math.min(Number(first.value), MAX_PAGE_SIZE);
  return MAX_PAGE_SIZE;
}

interface Walk {
  context: ValidationContext;
  /** Fragments on the current path: a cycle is a validation error of its own. */
  spreading: Set<string>;
}

function costOf(
  selectionSet: SelectionSetNode | undefined,
  parent: GraphQLNamedType | undefined,
  walk: Walk,
  /** Inside a connection: how many nodes (or edges) it holds. */
  listSize = 1,
): number {
  if (!selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (name.startsWith('__')) {
        total += 1; // introspection: bounded by the schema's size and the depth limit
        continue;
      }
      const definition = parent.getFields()[name];
      if (!definition) continue; // an unknown field fails validation on its own
      const type = getNamedType(definition.type);
      const isConnection = type.name.endsWith('Connection');
      const multiplier = name === 'nodes' || name === 'edges' ? listSize : 1;
      const children = costOf(
        selection.selectionSet,
        type,
        walk,
        isConnection ? pageSizeOf(selection) : 1,
      );
      total += multiplier * ((definition.args.length > 0 ? LOOKUP_COST : 1) + children);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      const type = condition ? walk.context.getSchema().getType(condition) : parent;
      total += costOf(selection.selectionSet, type ?? undefined, walk, listSize);
    } else {
      const name = selection.name.value;
      const fragment = walk.context.getFragment(name);
      if (!fragment || walk.spreading.has(name)) continue;
      walk.spreading.add(name);
      const type = walk.context.getSchema().getType(fragment.typeCondition.name.value);
      total += costOf(fragment.selectionSet, type ?? undefined, walk, listSize);
      walk.spreading.delete(name);
    }
  }
  return total;
}

/**
 * Refuses an operation whose estimated cost is over `max`: every field costs 1, a field that
 * looks records up 10, and what a connection's nodes select counts once per node it may hold.
 */
export function complexityLimit(max: number = MAX_COMPLEXITY): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation) ?? undefined;
      const cost = costOf(operation.selectionSet, root, { context, spreading: new Set() });
      if (cost > max)
        context.reportError(
          new GraphQLError(
            `Query has complexity of ${cost}, which exceeds max complexity of ${max}`,
            { nodes: [operation] },
          ),
        );
    },
  });
}
