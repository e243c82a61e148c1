import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

const emails = (items: { email: string }[]) => items.map((c) => c.email);

describe('where contacts and organizations can be created', () => {
  const SOURCE_ONLY = 'can only be added to root groups and groups configured as contact sources';

  it('refuses a subgroup that is nobody’s contact source with a clear 422', async () => {
    const root = await api.group('rule-root');
    const sub = await api.group('rule-sub', root.id);
    const contact = await api.call(ADMIN_TOKEN, 'POST', `/groups/${sub.id}/contacts`, {
      firstName: 'A',
      lastName: 'B',
    });
    expect(contact).toEqual({
      status: 422,
      body: { error: 'unprocessable', message: `contacts ${SOURCE_ONLY}` },
    });
    const org = await api.call(ADMIN_TOKEN, 'POST', `/groups/${sub.id}/organizations`, {
      name: 'X',
    });
    expect(org.status).toBe(422);
    expect(org.body.message).toBe(`organizations ${SOURCE_ONLY}`);
  });

  it('allows a subgroup once some group uses it as its contact source', async () => {
    const root = await api.group('src-root');
    const crmGroup = await api.group('crm', root.id);
    const team = await api.group('team', root.id);
    await api.setCrm(team.id, { contactSourceGroupId: crmGroup.id });
    await api.ok(201, ADMIN_TOKEN, 'POST', `/groups/${crmGroup.id}/contacts`, {
      firstName: 'A',
      lastName: 'B',
    });
    await api.ok(201, ADMIN_TOKEN, 'POST', `/groups/${crmGroup.id}/organizations`, { name: 'X' });
    const settings = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${team.id}/crm-settings`);
    expect(settings).toEqual({
      enabled: true,
      contactSourceGroupId: crmGroup.id,
      resolvedContactSourceGroupId: crmGroup.id,
      senderAuthPolicy: null,
      resolvedSenderAuthPolicy: 'off',
    });
  });

  it('refuses a top-level group that takes its contacts from another group', async () => {
    const elsewhere = await api.group('elsewhere');
    const root = await api.group('borrower');
    await api.setCrm(root.id, { contactSourceGroupId: elsewhere.id });
    const res = await api.call(ADMIN_TOKEN, 'POST', `/groups/${root.id}/contacts`, {
      firstName: 'A',
      lastName: 'B',
    });
    expect(res.status).toBe(422);
  });
});

describe('uniqueness', () => {
  it('answers 409 for a contact email that differs only in case, on create and on update', async () => {
    const g = await api.group('uniq');
    await api.contact(g.id, 'Jane.Doe@Example.com');
    const dup = await api.call(ADMIN_TOKEN, 'POST', `/groups/${g.id}/contacts`, {
      firstName: 'J',
      lastName: 'D',
      email: 'jane.doe@EXAMPLE.COM',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toMatch(/already exists/);
    const other = await api.contact(g.id, 'john.doe@example.com');
    const renamed = await api.call(ADMIN_TOKEN, 'PATCH', `/groups/${g.id}/contacts/${other.id}`, {
      email: 'JANE.DOE@example.com',
    });
    expect(renamed.status).toBe(409);
    const elsewhere = await api.group('uniq-other');
    await api.contact(elsewhere.id, 'jane.doe@example.com');
  });

  it('answers 409 for an organization name that differs only in case', async () => {
    const g = await api.group('uniq-org');
    await api.organization(g.id, 'Acme Corp');
    const dup = await api.call(ADMIN_TOKEN, 'POST', `/groups/${g.id}/organizations`, {
      name: 'ACME corp',
    });
    expect(dup.status).toBe(409);
  });
});

describe('listing contacts and organizations', () => {
  it('filters by search (email and names, case-insensitive), state and organization, page by page', async () => {
    const g = await api.group('lists');
    const org = await api.organization(g.id, 'Initech');
    await api.contact(g.id, 'peter.gibbons@initech.example', { organizationId: org.id });
    await api.contact(g.id, 'michael.bolton@initech.example', {
      organizationId: org.id,
      state: 'inactive',
    });
    await api.ok(201, ADMIN_TOKEN, 'POST', `/groups/${g.id}/contacts`, {
      firstName: 'Milton',
      lastName: 'Waddams',
      email: 'stapler@basement.example',
    });
    const list = (q: string) => api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${g.id}/contacts?${q}`);
    expect(emails((await list('search=GIBBONS')).items)).toEqual(['peter.gibbons@initech.example']);
    expect(emails((await list('search=waddams')).items)).toEqual(['stapler@basement.example']);
    expect(emails((await list('search=milton%20wad')).items)).toEqual(['stapler@basement.example']);
    expect(emails((await list('search=INITECH.example')).items)).toHaveLength(2);
    expect(emails((await list('search=%25')).items)).toEqual([]);
    expect(emails((await list('state=inactive')).items)).toEqual([
      'michael.bolton@initech.example',
    ]);
    expect((await list(`organizationId=${org.id}&state=active`)).items).toHaveLength(1);

    const first = await list('limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ nextCursor: null });
    expect(emails(second.items)).toEqual(['stapler@basement.example']);

    const orgs = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${g.id}/organizations?search=init`);
    expect(orgs.items.map((o: { name: string }) => o.name)).toEqual(['Initech']);
  });

  it('answers 400 naming the field for a bad filter', async () => {
    const g = await api.group('bad-filter');
    const res = await api.call(ADMIN_TOKEN, 'GET', `/groups/${g.id}/contacts?state=gone`);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('state');
    const long = await api.call(ADMIN_TOKEN, 'POST', `/groups/${g.id}/contacts`, {
      firstName: 'A',
      lastName: 'B',
      phone: '1'.repeat(33),
    });
    expect(long.body).toMatchObject({ error: 'invalid request', field: 'phone' });
  });
});

describe('CRM disabled', () => {
  it('answers 404 on the contact endpoints of a group whose CRM is disabled', async () => {
    const g = await api.group('crm-off');
    const c = await api.contact(g.id, 'x@off.example');
    await api.setCrm(g.id, { enabled: false });
    for (const url of [`/groups/${g.id}/contacts`, `/groups/${g.id}/contacts/${c.id}`])
      expect((await api.call(ADMIN_TOKEN, 'GET', url)).body).toEqual({
        error: 'not found',
        message: 'customer relations is not enabled for this group',
      });
  });

  it('keeps a work item’s contacts readable but refuses linking when only the project’s group is disabled', async () => {
    const root = await api.group('half-off');
    const sub = await api.group('sub', root.id);
    const p = await api.project(sub.id);
    await api.workItem(p.id);
    await api.contact(root.id, 'a@half.example');
    await api.setCrm(sub.id, { enabled: false });
    const url = `/projects/${p.id}/work-items/1`;
    expect((await api.call(ADMIN_TOKEN, 'GET', `${url}/contacts`)).status).toBe(200);
    const link = await api.call(ADMIN_TOKEN, 'POST', `${url}/contacts`, {
      operation: 'append',
      emails: ['a@half.example'],
    });
    expect(link.status).toBe(404);
    const note = await api.ok(201, ADMIN_TOKEN, 'POST', `${url}/notes`, {
      body: '/add_contacts [contact:a@half.example]',
    });
    expect(note.quickActions.failed).toEqual([
      {
        command: 'add_contacts',
        email: 'a@half.example',
        reason: 'crm_disabled',
        message: 'customer relations is not enabled for this group',
      },
    ]);
  });

  it('does not flip enabled when only the contact source changes', async () => {
    const g = await api.group('flip');
    const src = await api.group('flip-src');
    await api.setCrm(g.id, { enabled: false });
    const after = await api.setCrm(g.id, { contactSourceGroupId: src.id });
    expect(after).toMatchObject({ enabled: false, contactSourceGroupId: src.id });
  });
});

describe('changing the contact source', () => {
  it('is refused while work items below have contacts from the current source', async () => {
    const root = await api.group('locked');
    const sub = await api.group('sub', root.id);
    const other = await api.group('locked-other');
    const p = await api.project(sub.id);
    await api.workItem(p.id);
    await api.contact(root.id, 'c@locked.example');
    await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${p.id}/work-items/1/contacts`, {
      operation: 'append',
      emails: ['c@locked.example'],
    });
    const res = await api.call(ADMIN_TOKEN, 'PUT', `/groups/${sub.id}/crm-settings`, {
      contactSourceGroupId: other.id,
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Contact source cannot be changed when work items already have contacts assigned from a different source',
    );
    await api.setCrm(sub.id, { contactSourceGroupId: root.id });
  });
});

describe('work items of a contact and of an organization', () => {
  it('lists the work items linked to a contact, and to any contact of an organization, newest first', async () => {
    const g = await api.group('per-contact');
    const p = await api.project(g.id);
    const org = await api.organization(g.id, 'Umbrella');
    const ann = await api.contact(g.id, 'ann@umbrella.example', { organizationId: org.id });
    const ben = await api.contact(g.id, 'ben@umbrella.example', { organizationId: org.id });
    const loner = await api.contact(g.id, 'loner@solo.example');
    for (const [title, who] of [
      ['first', ['ann@umbrella.example']],
      ['second', ['ben@umbrella.example', 'ann@umbrella.example']],
      ['third', ['loner@solo.example']],
    ] as const) {
      const wi = await api.workItem(p.id, title);
      await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${p.id}/work-items/${wi.iid}/contacts`, {
        operation: 'append',
        emails: who,
      });
    }
    const titles = async (url: string) =>
      (await api.ok(200, ADMIN_TOKEN, 'GET', url)).items.map((w: { title: string }) => w.title);
    expect(await titles(`/groups/${g.id}/contacts/${ann.id}/work-items`)).toEqual([
      'second',
      'first',
    ]);
    expect(await titles(`/groups/${g.id}/contacts/${ben.id}/work-items`)).toEqual(['second']);
    expect(await titles(`/groups/${g.id}/contacts/${loner.id}/work-items`)).toEqual(['third']);
    expect(await titles(`/groups/${g.id}/organizations/${org.id}/work-items`)).toEqual([
      'second',
      'first',
    ]);
    const page = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${g.id}/organizations/${org.id}/work-items?limit=1`,
    );
    expect(page.items[0]).not.toHaveProperty('replyKey');
    const rest = await api.ok(
      200,
      ADMIN_TOKEN,
      'GET',
      `/groups/${g.id}/organizations/${org.id}/work-items?limit=1&cursor=${page.nextCursor}`,
    );
    expect(rest.items.map((w: { title: string }) => w.title)).toEqual(['first']);
  });

  it('shows a member only the work items of projects it can see', async () => {
    const src = await api.group('shared-src');
    const teamA = await api.group('team-a');
    await api.setCrm(teamA.id, { contactSourceGroupId: src.id });
    const pA = await api.project(teamA.id);
    const c = await api.contact(src.id, 'shared@x.example');
    await api.workItem(pA.id, 'secret of team a');
    await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${pA.id}/work-items/1/contacts`, {
      operation: 'append',
      emails: ['shared@x.example'],
    });
    const planner = await api.userWithRole(src.id, 'planner');
    const seen = await api.ok(
      200,
      planner.token,
      'GET',
      `/groups/${src.id}/contacts/${c.id}/work-items`,
    );
    expect(seen.items).toEqual([]);
    await api.member(teamA.id, planner.id, 'guest');
    const now = await api.ok(
      200,
      planner.token,
      'GET',
      `/groups/${src.id}/contacts/${c.id}/work-items`,
    );
    expect(now.items).toHaveLength(1);
  });
});
