import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;
let group: { id: number };
let project: { id: number };

beforeAll(async () => {
  api = await ApiHarness.start();
  group = await api.group('acme');
  project = await api.project(group.id);
  await api.contact(group.id, 'alice.adams@customer.example');
  await api.contact(group.id, 'bob.baker@customer.example');
  await api.contact(group.id, 'carol.cole@customer.example', { state: 'inactive' });
  await api.contact(group.id, 'dan.adams@customer.example');
});

afterAll(async () => {
  await api?.close();
});

const base = () => `/projects/${project.id}/work-items`;
const linked = async (iid: number) =>
  (await api.ok(200, ADMIN_TOKEN, 'GET', `${base()}/${iid}/contacts`)).items
    .map((c: { email: string }) => c.email)
    .sort();

describe('work items', () => {
  it('numbers work items per project and lists them newest first', async () => {
    const p = await api.project(group.id, 'numbering');
    const url = `/projects/${p.id}/work-items`;
    const made = await Promise.all(
      ['a', 'b', 'c', 'd'].map((title) => api.ok(201, ADMIN_TOKEN, 'POST', url, { title })),
    );
    expect(made.map((w) => w.iid).sort()).toEqual([1, 2, 3, 4]);
    const page = await api.ok(200, ADMIN_TOKEN, 'GET', `${url}?limit=3`);
    expect(page.items.map((w: { iid: number }) => w.iid)).toEqual([4, 3, 2]);
    const rest = await api.ok(200, ADMIN_TOKEN, 'GET', `${url}?limit=3&cursor=${page.nextCursor}`);
    expect(rest).toMatchObject({ items: [{ iid: 1 }], nextCursor: null });
    const one = await api.ok(200, ADMIN_TOKEN, 'GET', `${url}/2`);
    expect(one).toMatchObject({ iid: 2, state: 'open', serviceDesk: false });
    expect((await api.call(ADMIN_TOKEN, 'GET', `${url}/99`)).status).toBe(404);
    expect((await api.call(ADMIN_TOKEN, 'POST', url, { title: '  ' })).body.field).toBe('title');
  });
});

describe('work-item contacts through the API', () => {
  it('appends, removes and replaces by email (any case) or by id', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}/contacts`;
    await api.ok(200, ADMIN_TOKEN, 'POST', url, {
      operation: 'append',
      emails: ['ALICE.adams@customer.example', 'bob.baker@customer.example'],
    });
    expect(await linked(wi.iid)).toEqual([
      'alice.adams@customer.example',
      'bob.baker@customer.example',
    ]);
    await api.ok(200, ADMIN_TOKEN, 'POST', url, {
      operation: 'remove',
      emails: ['Bob.Baker@customer.example'],
    });
    expect(await linked(wi.iid)).toEqual(['alice.adams@customer.example']);
    const dan = (
      await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${group.id}/contacts?search=dan.adams`)
    ).items[0];
    const replaced = await api.ok(200, ADMIN_TOKEN, 'POST', url, {
      operation: 'replace',
      contactIds: [dan.id],
    });
    expect(replaced.items).toEqual([
      expect.objectContaining({ id: dan.id, email: 'dan.adams@customer.example', addedVia: 'api' }),
    ]);
  });

  it('changes nothing and names every failing address and why (422)', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}/contacts`;
    const res = await api.call(ADMIN_TOKEN, 'POST', url, {
      operation: 'append',
      emails: [
        'alice.adams@customer.example',
        'nobody@customer.example',
        'carol.cole@customer.example',
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.failures).toEqual([
      expect.objectContaining({ email: 'nobody@customer.example', reason: 'not_found' }),
      expect.objectContaining({ email: 'carol.cole@customer.example', reason: 'inactive' }),
    ]);
    expect(res.body.message).toContain('nobody@customer.example');
    expect(res.body.message).toContain('carol.cole@customer.example');
    expect(await linked(wi.iid)).toEqual([]);
    const remove = await api.call(ADMIN_TOKEN, 'POST', url, {
      operation: 'remove',
      emails: ['alice.adams@customer.example'],
    });
    expect(remove.body.failures).toEqual([
      expect.objectContaining({
        email: 'alice.adams@customer.example',
        reason: 'not_on_work_item',
      }),
    ]);
  });

  it('refuses more than 6 additions at once', async () => {
    const wi = await api.workItem(project.id);
    const res = await api.call(ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/contacts`, {
      operation: 'append',
      emails: Array.from({ length: 7 }, (_, i) => `x${i}@customer.example`),
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('You can only add up to 6 contacts at one time');
  });

  it('answers 400 when neither or both of emails and contactIds are given', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}/contacts`;
    const neither = await api.call(ADMIN_TOKEN, 'POST', url, { operation: 'append' });
    expect(neither.body).toMatchObject({ error: 'invalid request', field: 'emails' });
    const bad = await api.call(ADMIN_TOKEN, 'POST', url, { operation: 'merge', emails: [] });
    expect(bad.body.field).toBe('operation');
  });
});

describe('inactive contacts are never added', () => {
  it('is refused by email, by id, by replace and by quick action, and not suggested', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}`;
    const carol = (
      await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${group.id}/contacts?state=inactive`)
    ).items[0];
    for (const body of [
      { operation: 'append', emails: ['carol.cole@customer.example'] },
      { operation: 'append', contactIds: [carol.id] },
      { operation: 'replace', emails: ['carol.cole@customer.example'] },
    ]) {
      const res = await api.call(ADMIN_TOKEN, 'POST', `${url}/contacts`, body);
      expect(res.status).toBe(422);
      expect(res.body.failures[0].reason).toBe('inactive');
    }
    const note = await api.ok(201, ADMIN_TOKEN, 'POST', `${url}/notes`, {
      body: '/add_contacts [contact:carol.cole@customer.example]',
    });
    expect(note.quickActions.failed[0]).toMatchObject({ reason: 'inactive' });
    const suggestions = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `${url}/autocomplete/contacts?action=add&q=carol`,
    );
    expect(suggestions.items).toEqual([]);
    expect(await linked(wi.iid)).toEqual([]);
  });

  it('keeps existing links when a contact is deactivated', async () => {
    const wi = await api.workItem(project.id);
    const c = await api.contact(group.id, 'soon.gone@customer.example');
    await api.ok(200, ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/contacts`, {
      operation: 'append',
      contactIds: [c.id],
    });
    await api.ok(200, ADMIN_TOKEN, 'PATCH', `/groups/${group.id}/contacts/${c.id}`, {
      state: 'inactive',
    });
    expect(await linked(wi.iid)).toEqual(['soon.gone@customer.example']);
  });
});

describe('quick actions in staff notes', () => {
  it('applies the valid addresses, reports each invalid one, and strips the command lines', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}`;
    const res = await api.call(ADMIN_TOKEN, 'POST', `${url}/notes`, {
      body: [
        'Adding the customers.',
        '/add_contacts [contact:Alice.Adams@customer.example] [contact:nobody@customer.example] [contact:carol.cole@customer.example] oops',
        '/remove_contacts [contact:bob.baker@customer.example]',
        'Thanks.',
      ].join('\n'),
    });
    expect(res.status).toBe(201);
    expect(res.body.note.body).toBe('Adding the customers.\nThanks.');
    expect(res.body.quickActions.applied).toEqual([
      expect.objectContaining({ command: 'add_contacts', email: 'Alice.Adams@customer.example' }),
    ]);
    expect(
      res.body.quickActions.failed.map((f: { email: string; reason: string }) => [
        f.email,
        f.reason,
      ]),
    ).toEqual([
      ['oops', 'invalid'],
      ['nobody@customer.example', 'not_found'],
      ['carol.cole@customer.example', 'inactive'],
      ['bob.baker@customer.example', 'not_on_work_item'],
    ]);
    const contacts = await api.ok(200, ADMIN_TOKEN, 'GET', `${url}/contacts`);
    expect(contacts.items).toEqual([
      expect.objectContaining({ email: 'alice.adams@customer.example', addedVia: 'quick_action' }),
    ]);
  });

  it('stores no note for a body of quick actions only, and still answers 201', async () => {
    const wi = await api.workItem(project.id);
    const res = await api.call(ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/notes`, {
      body: '/add_contacts [contact:bob.baker@customer.example]\n\n',
    });
    expect(res.status).toBe(201);
    expect(res.body.note).toBeNull();
    const [{ count }] = await api.db.dataSource.query(
      'SELECT count(*)::int AS count FROM notes WHERE work_item_id = $1',
      [wi.id],
    );
    expect(count).toBe(0);
    expect(await linked(wi.iid)).toEqual(['bob.baker@customer.example']);
  });

  it('refuses an empty or whitespace-only body with 400 naming body', async () => {
    const wi = await api.workItem(project.id);
    for (const body of ['', '   ', '\n\t\n']) {
      const res = await api.call(ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/notes`, { body });
      expect([body, res.status, res.body.field]).toEqual([body, 400, 'body']);
    }
  });

  it('refuses more than 6 additions in one command, per address', async () => {
    const wi = await api.workItem(project.id);
    const items = Array.from({ length: 7 }, (_, i) => `[contact:x${i}@customer.example]`);
    const res = await api.ok(201, ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/notes`, {
      body: `hi\n/add_contacts ${items.join(' ')}`,
    });
    expect(res.quickActions.failed).toHaveLength(7);
    expect(res.quickActions.failed[0]).toMatchObject({
      reason: 'limit',
      message: 'You can only add up to 6 contacts at one time',
    });
  });

  it('counts every /add_contacts line of a note toward the limit of 6, as GitLab does', async () => {
    const wi = await api.workItem(project.id);
    const line = (from: number) =>
      '/add_contacts ' +
      Array.from({ length: 4 }, (_, i) => `[contact:y${from + i}@customer.example]`).join(' ');
    const res = await api.ok(201, ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/notes`, {
      body: `hi\n${line(0)}\n${line(4)}`,
    });
    expect(res.quickActions.applied).toEqual([]);
    expect(res.quickActions.failed).toHaveLength(8);
    for (const f of res.quickActions.failed) expect(f.reason).toBe('limit');
  });

  it('leaves commands in code blocks and mid-line alone', async () => {
    const wi = await api.workItem(project.id);
    const body = '```\n/add_contacts [contact:bob.baker@customer.example]\n```\nsee /add_contacts';
    const res = await api.ok(201, ADMIN_TOKEN, 'POST', `${base()}/${wi.iid}/notes`, { body });
    expect(res.note.body).toBe(body);
    expect(res.quickActions).toEqual({ applied: [], failed: [] });
    expect(await linked(wi.iid)).toEqual([]);
  });
});

describe('autocomplete after [contact:', () => {
  it('suggests for add the active contacts not yet on the work item, by prefix, ordered by name', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}`;
    await api.ok(200, ADMIN_TOKEN, 'POST', `${url}/contacts`, {
      operation: 'append',
      emails: ['bob.baker@customer.example'],
    });
    const suggest = async (q: string) =>
      (
        await api.ok(200, ADMIN_TOKEN, 'GET', `${url}/autocomplete/contacts?action=add&q=${q}`)
      ).items.map((c: { email: string }) => c.email);
    await api.contact(group.id, 'zed.aaron@customer.example');
    // last name, then first name, then id: aaron before adams although created last
    expect(await suggest('')).toEqual([
      'zed.aaron@customer.example',
      'alice.adams@customer.example',
      'dan.adams@customer.example',
    ]);
    expect(await suggest('ADAMS')).toEqual([
      'alice.adams@customer.example',
      'dan.adams@customer.example',
    ]);
    expect(await suggest('dan')).toEqual(['dan.adams@customer.example']);
    expect(await suggest('bob')).toEqual([]);
    expect(await suggest('customer')).toEqual([]);
    const first = (
      await api.ok(200, ADMIN_TOKEN, 'GET', `${url}/autocomplete/contacts?action=add&q=alice`)
    ).items[0];
    expect(Object.keys(first).sort()).toEqual(
      ['email', 'firstName', 'id', 'lastName', 'organization', 'state'].sort(),
    );
  });

  it('suggests for remove only the contacts on the work item', async () => {
    const wi = await api.workItem(project.id);
    const url = `${base()}/${wi.iid}`;
    await api.ok(200, ADMIN_TOKEN, 'POST', `${url}/contacts`, {
      operation: 'append',
      emails: ['bob.baker@customer.example', 'dan.adams@customer.example'],
    });
    const res = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `${url}/autocomplete/contacts?action=remove&q=`,
    );
    expect(res.items.map((c: { email: string }) => c.email)).toEqual([
      'dan.adams@customer.example',
      'bob.baker@customer.example',
    ]);
    const filtered = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `${url}/autocomplete/contacts?action=remove&q=bo`,
    );
    expect(filtered.items).toHaveLength(1);
  });

  it('returns at most 20 suggestions', async () => {
    const g = await api.group('many');
    const p = await api.project(g.id);
    for (let i = 0; i < 22; i++)
      await api.contact(g.id, `m${String(i).padStart(2, '0')}.many@x.example`);
    const wi = await api.workItem(p.id);
    const res = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/projects/${p.id}/work-items/${wi.iid}/autocomplete/contacts?action=add&q=m`,
    );
    expect(res.items).toHaveLength(20);
  });
});
