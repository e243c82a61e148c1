import { GraphQLError } from 'graphql';

/** GitLab's model names, as its global ids spell them. */
export const MODEL = {
  group: 'Group',
  project: 'Project',
  issue: 'Issue',
  contact: 'CustomerRelations::Contact',
  organization: 'CustomerRelations::Organization',
} as const;

export type Model = (typeof MODEL)[keyof typeof MODEL];

/** desk's ids are PostgreSQL integers: a larger number names nothing. */
const MAX_ID = 2_147_483_647;

const GID = /^gid:\/\/gitlab\/([A-Za-z:]+)\/(\d{1,10})$/;

export const toGid = (model: Model, id: number): string => `gid://gitlab/${model}/${id}`;

/** The id inside a global id of `model`; anything else is a client's mistake, said plainly. */
export function parseGid(model: Model, value: unknown): number {
  const match = typeof value === 'string' ? GID.exec(value) : null;
  const id = match ? Number(match[2]) : 0;
  if (!match || id < 1 || id > MAX_ID)
    throw new GraphQLError(`${JSON.stringify(value)} is not a valid global id`);
  if (match[1] !== model)
    throw new GraphQLError(`${String(value)} does not represent an instance of ${model}`);
  return id;
}
