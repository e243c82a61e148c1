import type { ApiHarness, Reply } from './api';

/** A GraphQL request to /api/graphql over the real socket, as GitLab clients send one. */
export async function graphql(
  api: ApiHarness,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Reply> {
  const res = await api.fetch('/api/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Like `graphql`, failing the test on any top-level error; answers `data`. */
export async function graphqlData(
  api: ApiHarness,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const reply = await graphql(api, token, query, variables);
  if (reply.status !== 200 || reply.body.errors)
    throw new Error(`GraphQL ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.data;
}

export const gid = {
  group: (id: number) => `gid://gitlab/Group/${id}`,
  contact: (id: number) => `gid://gitlab/CustomerRelations::Contact/${id}`,
  organization: (id: number) => `gid://gitlab/CustomerRelations::Organization/${id}`,
};
