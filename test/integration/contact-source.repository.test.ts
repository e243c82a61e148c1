import { resolveContactSource } from '../../src/domain/crm/contact-source';
import { crmSettingsOfGroups, getCrmSettings } from '../../src/domain/crm/crm-settings.service';
import { ACCESS_LEVELS } from '../../src/domain/access/roles';
import { GroupRepository } from '../../src/repositories/group.repository';
import { MembershipRepository } from '../../src/repositories/membership.repository';
import { captureQueries } from '../support/query-plans';
import { seedGroup, seedProject } from '../support/seed';
import { createTestDb, type TestDb } from '../support/test-db';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

async function sourceOfGroup(groupId: number) {
  const crm = await db.store.repos.groups.crmChainOfGroup(groupId);
  return resolveContactSource(crm!.chain);
}

describe('contact source resolution on real groups (one query per lookup)', () => {
  it('follows GitLab’s rules: root default, configured source, inheritance, subgroup override', async () => {
    const root = await seedGroup(db.store, 'root');
    const a = await seedGroup(db.store, 'a', root.id);
    const b = await seedGroup(db.store, 'b', a.id);
    const c = await seedGroup(db.store, 'c', b.id);
    const contacts = await seedGroup(db.store, 'contacts', root.id);
    const other = await seedGroup(db.store, 'other', root.id);

    expect(await sourceOfGroup(c.id)).toBe(root.id);
    expect(c.traversalIds).toEqual([root.id, a.id, b.id, c.id]);

    await db.store.repos.groups.setCrmSettings(a.id, true, contacts.id);
    expect(await sourceOfGroup(a.id)).toBe(contacts.id);
    expect(await sourceOfGroup(c.id)).toBe(contacts.id);

    await db.store.repos.groups.setCrmSettings(b.id, true, other.id);
    expect(await sourceOfGroup(c.id)).toBe(other.id);
    expect(await sourceOfGroup(a.id)).toBe(contacts.id);
    expect(await sourceOfGroup(root.id)).toBe(root.id);
  });

  it('resolves a work item’s source through its project and reads CRM enablement of that group alone', async () => {
    const root = await seedGroup(db.store, 'root2');
    const sub = await seedGroup(db.store, 'sub', root.id);
    await db.store.repos.groups.setCrmSettings(root.id, false, null);
    const { project } = await seedProject(db.store, sub.id);
    const item = await db.store.repos.workItems.create({
      projectId: project.id,
      iid: 1,
      title: 't',
      description: '',
      authorEmail: null,
      serviceDesk: true,
      replyKey: null,
    });
    const crm = await db.store.repos.groups.crmChainOfWorkItem(item.id);
    expect(resolveContactSource(crm!.chain)).toBe(root.id);
    expect(crm!.crmEnabled).toBe(true); // a disabled parent does not disable the subgroup
  });

  it('reads the settings of many groups at once (the groups tree): one query each for levels and chains', async () => {
    const top = await seedGroup(db.store, 'batch');
    const kids: { id: number }[] = [];
    for (let i = 0; i < 6; i++) kids.push(await seedGroup(db.store, `kid${i}`, top.id));
    const grandchild = await seedGroup(db.store, 'grand', kids[0]!.id);
    const source = await seedGroup(db.store, 'batch-source', top.id);
    await db.store.repos.groups.setCrmSettings(kids[0]!.id, true, source.id);
    await db.store.repos.groups.setCrmSettings(kids[1]!.id, false, null);
    const user = await db.store.repos.users.create({
      username: 'batcher',
      name: 'b',
      email: 'batcher@staff.example',
      isAdmin: false,
    });
    await db.store.repos.memberships.upsert(top.id, user.id, ACCESS_LEVELS.reporter);
    await db.store.repos.memberships.upsert(kids[0]!.id, user.id, ACCESS_LEVELS.owner);
    const all = [top, ...kids, grandchild, source].map((g) => g.id);

    const sent = await captureQueries(db.dataSource, /SELECT/, async (em) => {
      const chains = await new GroupRepository(em).crmChainsOfGroups([...all, 999999]);
      expect([...chains.keys()].sort((a, b) => a - b)).toEqual([...all].sort((a, b) => a - b));
      for (const id of all)
        expect(chains.get(id)).toEqual(await db.store.repos.groups.crmChainOfGroup(id));
      const levels = await new MembershipRepository(em).levelsInGroups(all, user.id);
      expect(levels.get(top.id)).toBe(ACCESS_LEVELS.reporter);
      expect(levels.get(grandchild.id)).toBe(ACCESS_LEVELS.owner);
      expect(levels.get(kids[2]!.id)).toBe(ACCESS_LEVELS.reporter);
    });
    expect(sent).toHaveLength(2);

    const owned = await crmSettingsOfGroups(db.store, { userId: user.id, isAdmin: false }, all);
    expect([...owned.keys()].sort((a, b) => a - b)).toEqual([kids[0]!.id, grandchild.id]);
    const admin = { userId: null, isAdmin: true };
    const everything = await crmSettingsOfGroups(db.store, admin, all);
    expect(everything.size).toBe(all.length);
    for (const id of all)
      expect(everything.get(id)).toEqual(await getCrmSettings(db.store, admin, id));
    expect(everything.get(grandchild.id)).toEqual({
      enabled: true,
      contactSourceGroupId: null,
      resolvedContactSourceGroupId: source.id,
      senderAuthPolicy: null,
      resolvedSenderAuthPolicy: 'off',
    });
    expect(everything.get(kids[1]!.id)?.enabled).toBe(false);
  });
});
