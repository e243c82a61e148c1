import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
// root (the contact source) › support › project helpdesk
let root: { id: number };
let sub: { id: number };
let project: { id: number };
let alice: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  root = await api.group('acme');
  sub = await api.group('support', root.id);
  project = await api.project(sub.id);
  alice = await api.contact(root.id, 'alice.adams@customer.example');
});

afterAll(async () => {
  await api?.close();
});

const items = () => `/projects/${project.id}/work-items`;

describe('PATCH /projects/:id/work-items/:iid', () => {
  it('renames, closes and reopens a work item', async () => {
    const wi = await api.workItem(project.id, 'Printer on fire');
    const url = `${items()}/${wi.iid}`;
    const closed = await api.ok(200, ADMIN_TOKEN, 'PATCH', url, {
      title: 'Printer fixed',
      state: 'closed',
    });
    expect(closed).toMatchObject({ iid: wi.iid, title: 'Printer fixed', state: 'closed' });
    expect(closed).not.toHaveProperty('replyKey');
    expect(await api.ok(200, ADMIN_TOKEN, 'GET', url)).toMatchObject({ state: 'closed' });
    expect(await api.ok(200, ADMIN_TOKEN, 'PATCH', url, { state: 'open' })).toMatchObject({
      title: 'Printer fixed',
      state: 'open',
    });
  });

  it('needs Planner: a Guest gets 403, an outsider 404; a Planner of an ancestor may', async () => {
    const wi = await api.workItem(project.id);
    const url = `${items()}/${wi.iid}`;
    const guest = await api.userWithRole(sub.id, 'guest');
    const planner = await api.userWithRole(root.id, 'planner');
    const other = await api.group('globex');
    const outsider = await api.userWithRole(other.id, 'owner');
    expect((await api.call(guest.token, 'PATCH', url, { state: 'closed' })).status).toBe(403);
    expect((await api.call(outsider.token, 'PATCH', url, { state: 'closed' })).status).toBe(404);
    expect(await api.ok(200, planner.token, 'PATCH', url, { state: 'closed' })).toMatchObject({
      state: 'closed',
    });
  });

  it('answers 404 for an unknown work item and 400 naming a bad field', async () => {
    const wi = await api.workItem(project.id);
    expect(
      (await api.call(ADMIN_TOKEN, 'PATCH', `${items()}/9999`, { state: 'closed' })).status,
    ).toBe(404);
    const url = `${items()}/${wi.iid}`;
    expect((await api.call(ADMIN_TOKEN, 'PATCH', url, { state: 'done' })).body.field).toBe('state');
    expect((await api.call(ADMIN_TOKEN, 'PATCH', url, { title: '' })).body.field).toBe('title');
  });
});

describe('filters on GET /projects/:id/work-items', () => {
  let p: { id: number };
  const list = (query: string, token = ADMIN_TOKEN) =>
    api.call(token, 'GET', `/projects/${p.id}/work-items?${query}`);
  const listed = async (query: string, token = ADMIN_TOKEN) =>
    (await list(query, token)).body.items.map((w: { title: string }) => w.title);

  beforeAll(async () => {
    p = await api.project(sub.id, 'filters');
    await api.workItem(p.id, 'staff open');
    const done = await api.workItem(p.id, 'staff closed');
    await api.ok(200, ADMIN_TOKEN, 'PATCH', `/projects/${p.id}/work-items/${done.iid}`, {
      state: 'closed',
    });
    // what ingest writes for an email: a Service Desk ticket
    await api.db.store.repos.workItems.createTicket({
      projectId: p.id,
      title: 'from email',
      description: '',
      authorEmail: 'alice.adams@customer.example',
      replyKey: 'k1',
    });
    await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${p.id}/work-items/3/contacts`, {
      operation: 'append',
      contactIds: [alice.id],
    });
    await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${p.id}/work-items/${done.iid}/contacts`, {
      operation: 'append',
      contactIds: [alice.id],
    });
  });

  it('filters by state, by Service Desk origin and by contact, alone or together', async () => {
    expect(await listed('')).toEqual(['from email', 'staff closed', 'staff open']);
    expect(await listed('state=open')).toEqual(['from email', 'staff open']);
    expect(await listed('state=closed')).toEqual(['staff closed']);
    expect(await listed('serviceDesk=true')).toEqual(['from email']);
    expect(await listed('serviceDesk=false')).toEqual(['staff closed', 'staff open']);
    expect(await listed(`contactId=${alice.id}`)).toEqual(['from email', 'staff closed']);
    expect(await listed(`contactId=${alice.id}&state=open&serviceDesk=true`)).toEqual([
      'from email',
    ]);
    expect(await listed(`contactId=${alice.id}&serviceDesk=false&state=open`)).toEqual([]);
  });

  it('pages through a filtered list', async () => {
    const first = (await list('state=open&limit=1')).body;
    expect(first.items.map((w: { title: string }) => w.title)).toEqual(['from email']);
    const rest = (await list(`state=open&limit=1&cursor=${first.nextCursor}`)).body;
    expect(rest).toMatchObject({ items: [{ title: 'staff open' }], nextCursor: null });
  });

  it('refuses bad filter values with 400 naming the field', async () => {
    expect((await list('state=done')).body.field).toBe('state');
    expect((await list('serviceDesk=yes')).body.field).toBe('serviceDesk');
    expect((await list('contactId=0')).body.field).toBe('contactId');
  });

  it('lets a Guest filter by state, but by contact only with Planner in the contact source', async () => {
    const guest = await api.userWithRole(root.id, 'guest');
    expect(await listed('state=closed', guest.token)).toEqual(['staff closed']);
    expect((await list(`contactId=${alice.id}`, guest.token)).status).toBe(403);
    // Developer of the project's own group is not enough: the role counts in the source
    const subDev = await api.userWithRole(sub.id, 'developer');
    expect((await list(`contactId=${alice.id}`, subDev.token)).status).toBe(403);
    const planner = await api.userWithRole(root.id, 'planner');
    expect(await listed(`contactId=${alice.id}`, planner.token)).toEqual([
      'from email',
      'staff closed',
    ]);
  });

  it('answers 404 to a contact filter when CRM is disabled on the contact source', async () => {
    const other = await api.group('crm-off');
    const q = await api.project(other.id, 'q');
    await api.setCrm(other.id, { enabled: false });
    const res = await api.call(ADMIN_TOKEN, 'GET', `/projects/${q.id}/work-items?contactId=1`);
    expect(res).toMatchObject({
      status: 404,
      body: { message: 'customer relations is not enabled for this group' },
    });
    expect(
      (await api.call(ADMIN_TOKEN, 'GET', `/projects/${q.id}/work-items?state=open`)).status,
    ).toBe(200);
  });
});
