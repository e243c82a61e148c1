/**
 * A typed client of the admin API, as a user of docs/openapi.json would write one: the types come
 * from openapi-typescript (npm run openapi:client), the calls from openapi-fetch. It compiles
 * with the rest of the code, so a document a generator cannot type well fails `tsc`; the
 * openapi-client e2e test runs it against the API.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../generated/desk-api';

export type Contact = components['schemas']['Contact'];
export type WorkItem = components['schemas']['WorkItem'];
export type ApiError = components['schemas']['Error'];

export const deskClient = (baseUrl: string, token: string) =>
  createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });

type DeskClient = ReturnType<typeof deskClient>;

/** Fails with the API's own error body. */
function check<T>(result: { data?: T; error?: ApiError; response: Response }): T {
  if (result.data === undefined)
    throw new Error(`${result.response.status}: ${result.error?.message ?? result.error?.error}`);
  return result.data;
}

/** A group, a project in it and its support address. */
export async function createHelpdesk(client: DeskClient, path: string) {
  const group = check(
    await client.POST('/api/v1/groups', { body: { name: path, path, parentId: null } }),
  );
  const project = check(
    await client.POST('/api/v1/projects', {
      body: { groupId: group.id, name: 'Helpdesk', path: 'helpdesk' },
    }),
  );
  const address: string = project.serviceDeskAddress;
  return { groupId: group.id, projectId: project.id, address };
}

export async function addContact(client: DeskClient, groupId: number, email: string) {
  const [firstName = 'x', lastName = 'y'] = email.split('@')[0]!.split('.');
  return check(
    await client.POST('/api/v1/groups/{id}/contacts', {
      params: { path: { id: groupId } },
      body: { firstName, lastName, email },
    }),
  );
}

/** Every contact of a group, following nextCursor. */
export async function allContacts(client: DeskClient, groupId: number): Promise<Contact[]> {
  const contacts: Contact[] = [];
  let cursor: number | undefined;
  do {
    const page = check(
      await client.GET('/api/v1/groups/{id}/contacts', {
        params: { path: { id: groupId }, query: { cursor, limit: 2 } },
      }),
    );
    contacts.push(...page.items);
    cursor = page.nextCursor === null ? undefined : Number(page.nextCursor);
  } while (cursor !== undefined);
  return contacts;
}

/** Closes a work item; a 404 comes back as the typed error body. */
export async function closeWorkItem(client: DeskClient, projectId: number, iid: number) {
  const { data, error, response } = await client.PATCH('/api/v1/projects/{id}/work-items/{iid}', {
    params: { path: { id: projectId, iid } },
    body: { state: 'closed' },
  });
  if (error) return { status: response.status, error: error.error, message: error.message };
  const closed: WorkItem = data;
  return { status: response.status, state: closed.state };
}

/** What the types refuse: checked by `tsc`, never run. */
export function misuses(client: DeskClient) {
  // @ts-expect-error an unknown path
  void client.GET('/api/v1/tickets', {});
  // @ts-expect-error the path parameter is missing
  void client.GET('/api/v1/groups/{id}/contacts', {});
  void client.POST('/api/v1/groups/{id}/contacts', {
    params: { path: { id: 1 } },
    // @ts-expect-error a contact's state is active or inactive
    body: { firstName: 'A', lastName: 'B', state: 'archived' },
  });
  return async () => {
    const { data } = await client.GET('/api/v1/projects/{id}', { params: { path: { id: 1 } } });
    // @ts-expect-error the reply key never leaves the server
    return data?.replyKey;
  };
}
