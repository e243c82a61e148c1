import { resolveContactSource } from '../../src/domain/crm/contact-source';
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
});
