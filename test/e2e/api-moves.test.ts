import type { RoleName } from '../../src/domain/access/roles';
import { ADMIN_TOKEN, ApiHarness } from '../support/api';

let api: ApiHarness;

beforeAll(async () => {
  api = await ApiHarness.start();
});

afterAll(async () => {
  await api?.close();
});

let n = 0;
/** A fresh top-level group per use, so tests share nothing. */
const root = (name = 'root') => api.group(`${name}-${++n}`);

async function userWith(...roles: [{ id: number }, RoleName][]) {
  const user = await api.user();
  for (const [group, role] of roles) await api.member(group.id, user.id, role);
  return user;
}

const contactsUrl = (projectId: number, iid: number) =>
  `/projects/${projectId}/work-items/${iid}/contacts`;

async function link(projectId: number, iid: number, emails: string[]) {
  await api.ok(200, ADMIN_TOKEN, 'POST', contactsUrl(projectId, iid), {
    operation: 'append',
    emails,
  });
}

/** The work item's contacts as `email@groupId`, straight from the database. */
async function linkedContacts(workItemId: number): Promise<string[]> {
  const rows: { email: string; group_id: number }[] = await api.db.dataSource.query(
    `SELECT c.email, c.group_id FROM work_item_contacts w JOIN contacts c ON c.id = w.contact_id
      WHERE w.work_item_id = $1 ORDER BY c.email`,
    [workItemId],
  );
  return rows.map((r) => `${r.email}@${r.group_id}`);
}

/** The contacts of a group as `email (organization name)`. */
async function contactsOf(groupId: number): Promise<string[]> {
  const rows: { email: string; org: string | null }[] = await api.db.dataSource.query(
    `SELECT c.email, o.name AS org FROM contacts c LEFT JOIN organizations o ON o.id = c.organization_id
      WHERE c.group_id = $1 ORDER BY c.email`,
    [groupId],
  );
  return rows.map((r) => (r.org ? `${r.email} (${r.org})` : r.email));
}

async function organizationsOf(groupId: number): Promise<string[]> {
  const rows: { name: string }[] = await api.db.dataSource.query(
    'SELECT name FROM organizations WHERE group_id = $1 ORDER BY name',
    [groupId],
  );
  return rows.map((r) => r.name);
}

async function participants(workItemId: number): Promise<string[]> {
  const rows: { email: string }[] = await api.db.dataSource.query(
    'SELECT email FROM email_participants WHERE work_item_id = $1 ORDER BY email',
    [workItemId],
  );
  return rows.map((r) => r.email);
}

/** A snapshot of everything a refused move must leave as it was. */
async function snapshot() {
  const q = (sql: string) => api.db.dataSource.query(sql);
  return {
    groups: await q('SELECT id, parent_id, traversal_ids FROM groups ORDER BY id'),
    projects: await q('SELECT id, group_id FROM projects ORDER BY id'),
    workItems: await q('SELECT id, project_id, iid FROM work_items ORDER BY id'),
    contacts: await q('SELECT id, group_id, organization_id, email FROM contacts ORDER BY id'),
    organizations: await q('SELECT id, group_id, name FROM organizations ORDER BY id'),
    links: await q('SELECT work_item_id, contact_id FROM work_item_contacts ORDER BY 1, 2'),
  };
}

describe('transfer a project: Owner of its group, Maintainer+ of the target', () => {
  it('refuses a Maintainer of the project’s group (403)', async () => {
    const from = await root();
    const to = await root();
    const project = await api.project(from.id);
    const user = await userWith([from, 'maintainer'], [to, 'owner']);
    const res = await api.call(user.token, 'POST', `/projects/${project.id}/transfer`, {
      groupId: to.id,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a Developer of the target (403) and answers 404 for a target it cannot see', async () => {
    const from = await root();
    const to = await root();
    const hidden = await root();
    const project = await api.project(from.id);
    const user = await userWith([from, 'owner'], [to, 'developer']);
    const url = `/projects/${project.id}/transfer`;
    expect((await api.call(user.token, 'POST', url, { groupId: to.id })).status).toBe(403);
    expect((await api.call(user.token, 'POST', url, { groupId: hidden.id })).status).toBe(404);
    const stranger = await userWith([to, 'owner']);
    expect((await api.call(stranger.token, 'POST', url, { groupId: to.id })).status).toBe(404);
    expect((await api.ok(200, ADMIN_TOKEN, 'GET', `/projects/${project.id}`)).groupId).toBe(
      from.id,
    );
  });

  it('lets an Owner of its group who is Maintainer of the target move it', async () => {
    const from = await root();
    const to = await root();
    const project = await api.project(from.id);
    const user = await userWith([from, 'owner'], [to, 'maintainer']);
    const moved = await api.ok(200, user.token, 'POST', `/projects/${project.id}/transfer`, {
      groupId: to.id,
    });
    expect(moved).toMatchObject({ id: project.id, groupId: to.id, contactsRemoved: 0 });
    expect(moved.serviceDeskAddress).toBe(project.serviceDeskAddress);
  });

  it('answers 409 when the target group has a project with the same path, 422 for its own group', async () => {
    const from = await root();
    const to = await root();
    const project = await api.project(from.id, 'desk');
    await api.project(to.id, 'DESK');
    const url = `/projects/${project.id}/transfer`;
    expect((await api.call(ADMIN_TOKEN, 'POST', url, { groupId: to.id })).status).toBe(409);
    expect((await api.call(ADMIN_TOKEN, 'POST', url, { groupId: from.id })).status).toBe(422);
  });
});

describe('transfer a group: Owner of the group, Owner of the new parent', () => {
  it('refuses a Maintainer of the group (403) even as Owner of the new parent', async () => {
    const group = await root();
    const parent = await root();
    const user = await userWith([group, 'maintainer'], [parent, 'owner']);
    const res = await api.call(user.token, 'POST', `/groups/${group.id}/transfer`, {
      parentId: parent.id,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a Maintainer of the new parent (403) and answers 404 for a parent it cannot see', async () => {
    const group = await root();
    const parent = await root();
    const hidden = await root();
    const user = await userWith([group, 'owner'], [parent, 'maintainer']);
    const url = `/groups/${group.id}/transfer`;
    expect((await api.call(user.token, 'POST', url, { parentId: parent.id })).status).toBe(403);
    expect((await api.call(user.token, 'POST', url, { parentId: hidden.id })).status).toBe(404);
    const stranger = await userWith([parent, 'owner']);
    expect((await api.call(stranger.token, 'POST', url, { parentId: parent.id })).status).toBe(404);
  });

  it('lets an Owner of both move it with its whole subtree', async () => {
    const group = await root('team');
    const child = await api.group('child', group.id);
    const grandchild = await api.group('grandchild', child.id);
    const parent = await root('company');
    const user = await userWith([group, 'owner'], [parent, 'owner']);
    const moved = await api.ok(200, user.token, 'POST', `/groups/${group.id}/transfer`, {
      parentId: parent.id,
    });
    expect(moved).toMatchObject({
      parentId: parent.id,
      traversalIds: [parent.id, group.id],
      fullPath: `${parent.path}/${group.path}`,
      // it was its own contact source, holding nothing
      contacts: { kind: 'moved', contacts: 0, organizations: 0 },
    });
    const deep = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${grandchild.id}`);
    expect(deep.traversalIds).toEqual([parent.id, group.id, child.id, grandchild.id]);
    expect(deep.fullPath).toBe(`${parent.path}/${group.path}/child/grandchild`);
  });

  it('moves a subgroup to top level for its Owner, not for a Maintainer', async () => {
    const top = await root();
    const sub = await api.group('lifted', top.id);
    const maintainer = await userWith([sub, 'maintainer']);
    const url = `/groups/${sub.id}/transfer`;
    expect((await api.call(maintainer.token, 'POST', url, { parentId: null })).status).toBe(403);
    const owner = await userWith([sub, 'owner']);
    const moved = await api.ok(200, owner.token, 'POST', url, { parentId: null });
    expect(moved).toMatchObject({ parentId: null, traversalIds: [sub.id], fullPath: 'lifted' });
  });

  it('refuses to move a group under itself or one of its descendants (422)', async () => {
    const group = await root();
    const child = await api.group('c', group.id);
    const grandchild = await api.group('gc', child.id);
    const before = await snapshot();
    for (const parentId of [group.id, child.id, grandchild.id]) {
      const res = await api.call(ADMIN_TOKEN, 'POST', `/groups/${group.id}/transfer`, {
        parentId,
      });
      expect([parentId, res.status, res.body.field]).toEqual([parentId, 422, 'parentId']);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers 409 when the new parent already has a subgroup with that path', async () => {
    const group = await root('same');
    const parent = await root();
    await api.group(group.path, parent.id);
    const res = await api.call(ADMIN_TOKEN, 'POST', `/groups/${group.id}/transfer`, {
      parentId: parent.id,
    });
    expect(res.status).toBe(409);
  });
});

describe('move a work item: Reporter+ in both projects', () => {
  async function setup() {
    const from = await root();
    const to = await root();
    const source = await api.project(from.id);
    const target = await api.project(to.id);
    const item = await api.workItem(source.id);
    return { from, to, source, target, item };
  }

  it('refuses a Planner of the source project (403)', async () => {
    const { from, to, source, target, item } = await setup();
    const user = await userWith([from, 'planner'], [to, 'reporter']);
    const res = await api.call(
      user.token,
      'POST',
      `/projects/${source.id}/work-items/${item.iid}/move`,
      {
        projectId: target.id,
      },
    );
    expect(res.status).toBe(403);
  });

  it('refuses a Planner of the target (403) and answers 404 for a target it cannot see', async () => {
    const { from, to, source, target, item } = await setup();
    const hidden = await api.project((await root()).id);
    const user = await userWith([from, 'reporter'], [to, 'planner']);
    const url = `/projects/${source.id}/work-items/${item.iid}/move`;
    expect((await api.call(user.token, 'POST', url, { projectId: target.id })).status).toBe(403);
    expect((await api.call(user.token, 'POST', url, { projectId: hidden.id })).status).toBe(404);
  });

  it('lets a Reporter of both move it; it gets the target’s next iid', async () => {
    const { from, to, source, target, item } = await setup();
    await api.workItem(target.id);
    await api.workItem(target.id);
    const user = await userWith([from, 'reporter'], [to, 'reporter']);
    const moved = await api.ok(
      200,
      user.token,
      'POST',
      `/projects/${source.id}/work-items/${item.iid}/move`,
      { projectId: target.id },
    );
    expect(moved).toMatchObject({ id: item.id, projectId: target.id, iid: 3 });
    expect(moved.replyKey).toBeUndefined();
    expect((await api.call(ADMIN_TOKEN, 'GET', `/projects/${source.id}/work-items/1`)).status).toBe(
      404,
    );
    expect(
      (
        await api.ok(201, ADMIN_TOKEN, 'POST', `/projects/${target.id}/work-items`, {
          title: 'next',
        })
      ).iid,
    ).toBe(4);
  });
});

describe('contacts when a project or a work item moves', () => {
  async function tree() {
    // acme (source) › a, b; globex (another source)
    const acme = await root('acme');
    const a = await api.group('a', acme.id);
    const b = await api.group('b', acme.id);
    const globex = await root('globex');
    await api.contact(acme.id, 'alice@customer.example');
    await api.contact(globex.id, 'alice@customer.example');
    const project = await api.project(a.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example']);
    await api.db.dataSource.query(
      "INSERT INTO email_participants (work_item_id, email, role, link_outcome) VALUES ($1, 'alice@customer.example', 'from', 'linked')",
      [item.id],
    );
    return { acme, a, b, globex, project, item };
  }

  it('keeps them when a project moves within the same contact source', async () => {
    const { acme, b, project, item } = await tree();
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/transfer`, {
      groupId: b.id,
    });
    expect(moved.contactsRemoved).toBe(0);
    expect(await linkedContacts(item.id)).toEqual([`alice@customer.example@${acme.id}`]);
  });

  it('drops them (keeping the email participants) when a project moves to another source', async () => {
    const { globex, project, item } = await tree();
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/projects/${project.id}/transfer`, {
      groupId: globex.id,
    });
    expect(moved.contactsRemoved).toBe(1);
    expect(await linkedContacts(item.id)).toEqual([]);
    expect(await participants(item.id)).toEqual(['alice@customer.example']);
    const [open] = await api.db.dataSource.query(
      'SELECT link_outcome, contact_id FROM email_participants WHERE work_item_id = $1',
      [item.id],
    );
    expect(open).toEqual({ link_outcome: null, contact_id: null }); // free to be matched again
  });

  it('keeps them when a work item moves to a project of the same source', async () => {
    const { acme, b, project, item } = await tree();
    const other = await api.project(b.id);
    const moved = await api.ok(
      200,
      ADMIN_TOKEN,
      'POST',
      `/projects/${project.id}/work-items/${item.iid}/move`,
      { projectId: other.id },
    );
    expect(moved.contactsRemoved).toBe(0);
    expect(await linkedContacts(item.id)).toEqual([`alice@customer.example@${acme.id}`]);
  });

  it('drops them when a work item moves to a project of another source', async () => {
    const { globex, project, item } = await tree();
    const other = await api.project(globex.id);
    const moved = await api.ok(
      200,
      ADMIN_TOKEN,
      'POST',
      `/projects/${project.id}/work-items/${item.iid}/move`,
      { projectId: other.id },
    );
    expect(moved).toMatchObject({ projectId: other.id, iid: 1, contactsRemoved: 1 });
    expect(await linkedContacts(item.id)).toEqual([]);
    expect(await participants(item.id)).toEqual(['alice@customer.example']);
  });
});

describe('contacts when a group moves', () => {
  it('changes nothing when the group has its own contact source configured', async () => {
    const old = await root();
    const crm = await api.group('crm', old.id);
    const team = await api.group('team', old.id);
    await api.setCrm(team.id, { contactSourceGroupId: crm.id });
    await api.contact(crm.id, 'alice@customer.example');
    const project = await api.project(team.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example']);
    const other = await root();
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${team.id}/transfer`, {
      parentId: other.id,
    });
    expect(moved.contacts).toEqual({ kind: 'unchanged' });
    expect(await linkedContacts(item.id)).toEqual([`alice@customer.example@${crm.id}`]);
    expect(await contactsOf(other.id)).toEqual([]);
  });

  it('changes nothing when the resolved source stays the same', async () => {
    const acme = await root();
    const a = await api.group('a', acme.id);
    const b = await api.group('b', acme.id);
    const team = await api.group('team', a.id);
    await api.contact(acme.id, 'alice@customer.example');
    const project = await api.project(team.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example']);
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${team.id}/transfer`, {
      parentId: b.id,
    });
    expect(moved.contacts).toEqual({ kind: 'unchanged' });
    expect(await linkedContacts(item.id)).toEqual([`alice@customer.example@${acme.id}`]);
  });

  it('moves all contacts and organizations of a top-level source to the new top-level group, merging duplicates', async () => {
    const moving = await root('moving');
    const sub = await api.group('sub', moving.id);
    const acme = await api.organization(moving.id, 'Acme');
    const solo = await api.organization(moving.id, 'Solo');
    await api.contact(moving.id, 'alice@customer.example', { organizationId: acme.id });
    const bob = await api.contact(moving.id, 'bob@customer.example', { organizationId: acme.id });
    await api.contact(moving.id, 'carol@customer.example', { organizationId: solo.id });
    const project = await api.project(sub.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example', 'bob@customer.example']);

    const target = await root('target');
    const parent = await api.group('parent', target.id);
    const targetAcme = await api.organization(target.id, 'ACME');
    const targetAlice = await api.contact(target.id, 'Alice@Customer.example');
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${moving.id}/transfer`, {
      parentId: parent.id,
    });
    expect(moved.contacts).toEqual({
      kind: 'moved',
      from: moving.id,
      to: target.id,
      contacts: 2,
      organizations: 1,
      duplicateContacts: 1,
      duplicateOrganizations: 1,
    });
    expect(await contactsOf(moving.id)).toEqual([]);
    expect(await organizationsOf(moving.id)).toEqual([]);
    expect(await organizationsOf(target.id)).toEqual(['ACME', 'Solo']);
    expect(await contactsOf(target.id)).toEqual([
      'Alice@Customer.example',
      'bob@customer.example (ACME)',
      'carol@customer.example (Solo)',
    ]);
    expect(await linkedContacts(item.id)).toEqual([
      `Alice@Customer.example@${target.id}`,
      `bob@customer.example@${target.id}`,
    ]);
    // moved, not copied: bob keeps his id, now with the target's organization
    const bobNow = await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${target.id}/contacts/${bob.id}`);
    expect(bobNow.organizationId).toBe(targetAcme.id);
    const linked = await api.ok(200, ADMIN_TOKEN, 'GET', contactsUrl(project.id, item.iid));
    expect(linked.items.map((c: { id: number }) => c.id).sort()).toEqual(
      [targetAlice.id, bob.id].sort(),
    );
  });

  it('copies only the contacts and organizations the subtree’s work items use; the old source keeps its own', async () => {
    const old = await root('old');
    const team = await api.group('team', old.id);
    const nested = await api.group('nested', team.id);
    const initech = await api.organization(old.id, 'Initech');
    await api.contact(old.id, 'peter@initech.example', { organizationId: initech.id });
    await api.contact(old.id, 'milton@initech.example', { organizationId: initech.id });
    await api.contact(old.id, 'unused@customer.example');
    const project = await api.project(nested.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['peter@initech.example']);
    const staying = await api.project(old.id, 'staying');
    const stayingItem = await api.workItem(staying.id);
    await link(staying.id, stayingItem.iid, ['peter@initech.example']);

    const target = await root('new');
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${team.id}/transfer`, {
      parentId: target.id,
    });
    expect(moved.contacts).toMatchObject({
      kind: 'copied',
      from: old.id,
      to: target.id,
      contacts: 1,
      organizations: 1,
    });
    expect(await contactsOf(target.id)).toEqual(['peter@initech.example (Initech)']);
    expect(await contactsOf(old.id)).toEqual([
      'milton@initech.example (Initech)',
      'peter@initech.example (Initech)',
      'unused@customer.example',
    ]);
    expect(await linkedContacts(item.id)).toEqual([`peter@initech.example@${target.id}`]);
    expect(await linkedContacts(stayingItem.id)).toEqual([`peter@initech.example@${old.id}`]);
    const links = await api.ok(200, ADMIN_TOKEN, 'GET', contactsUrl(project.id, item.iid));
    expect(links.items[0].addedVia).toBe('move');
  });

  it('links to the new source’s contact with the same email (any case) and remaps organizations by name', async () => {
    const old = await root('old');
    const team = await api.group('team', old.id);
    const acme = await api.organization(old.id, 'Acme Corp');
    await api.contact(old.id, 'alice@customer.example', { organizationId: acme.id });
    await api.contact(old.id, 'dave@customer.example', { organizationId: acme.id });
    const project = await api.project(team.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example', 'dave@customer.example']);
    await api.db.dataSource.query(
      `INSERT INTO email_participants (work_item_id, email, role, contact_id)
       SELECT $1, lower(email), 'from', id FROM contacts WHERE group_id = $2 AND email LIKE 'alice%'`,
      [item.id, old.id],
    );

    const target = await root('new');
    const theirAcme = await api.organization(target.id, 'ACME corp');
    const theirAlice = await api.contact(target.id, 'ALICE@customer.example');
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${team.id}/transfer`, {
      parentId: target.id,
    });
    expect(moved.contacts).toMatchObject({
      kind: 'copied',
      contacts: 1,
      organizations: 0,
      duplicateContacts: 1,
      duplicateOrganizations: 1,
    });
    expect(await organizationsOf(target.id)).toEqual(['ACME corp']);
    expect(await contactsOf(target.id)).toEqual([
      'ALICE@customer.example',
      'dave@customer.example (ACME corp)',
    ]);
    expect(await linkedContacts(item.id)).toEqual([
      `ALICE@customer.example@${target.id}`,
      `dave@customer.example@${target.id}`,
    ]);
    const [participant] = await api.db.dataSource.query(
      'SELECT contact_id FROM email_participants WHERE work_item_id = $1',
      [item.id],
    );
    expect(participant.contact_id).toBe(theirAlice.id);
    const dave = (
      await api.ok(200, ADMIN_TOKEN, 'GET', `/groups/${target.id}/contacts?search=dave`)
    ).items[0];
    expect(dave.organizationId).toBe(theirAcme.id);
  });

  it('copies into the group itself when a subgroup becomes top level', async () => {
    const old = await root('old');
    const team = await api.group('team', old.id);
    await api.contact(old.id, 'alice@customer.example');
    const project = await api.project(team.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example']);
    const moved = await api.ok(200, ADMIN_TOKEN, 'POST', `/groups/${team.id}/transfer`, {
      parentId: null,
    });
    expect(moved.contacts).toMatchObject({ kind: 'copied', to: team.id, contacts: 1 });
    expect(await linkedContacts(item.id)).toEqual([`alice@customer.example@${team.id}`]);
  });

  it('fails with 403 and changes nothing when the actor is not Developer+ in the new top-level group', async () => {
    const moving = await root('moving');
    await api.contact(moving.id, 'alice@customer.example');
    const project = await api.project(moving.id);
    const item = await api.workItem(project.id);
    await link(project.id, item.iid, ['alice@customer.example']);
    const target = await root('target');
    const parent = await api.group('parent', target.id);
    // Owner of the group and of the new parent, but only Reporter of the new root
    const user = await userWith([moving, 'owner'], [parent, 'owner'], [target, 'reporter']);
    const before = await snapshot();
    const res = await api.call(user.token, 'POST', `/groups/${moving.id}/transfer`, {
      parentId: parent.id,
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      "Transfer failed: Group contains contacts/organizations and you don't have enough permissions to move them to the new root group.",
    );
    expect(await snapshot()).toEqual(before);
    await api.member(target.id, user.id, 'developer');
    const moved = await api.ok(200, user.token, 'POST', `/groups/${moving.id}/transfer`, {
      parentId: parent.id,
    });
    expect(moved.contacts).toMatchObject({ kind: 'moved', to: target.id, contacts: 1 });
  });

  it('lets the same actor move a group without contacts where it is not Developer in the new root', async () => {
    const moving = await root('empty');
    const target = await root('target');
    const parent = await api.group('parent', target.id);
    const user = await userWith([moving, 'owner'], [parent, 'owner']);
    const moved = await api.ok(200, user.token, 'POST', `/groups/${moving.id}/transfer`, {
      parentId: parent.id,
    });
    expect(moved.contacts).toMatchObject({ kind: 'moved', contacts: 0, organizations: 0 });
  });
});
