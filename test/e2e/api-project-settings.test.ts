import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { ResponseConformance } from '../support/openapi-conformance';
import { sendMail, SmtpClient } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig } from '../support/test-desk';
import { createTestDb, type TestDb } from '../support/test-db';

const ADMIN = 'e2e-admin-token-project-settings';

let db: TestDb;
let config: Config;
let desk: RunningDesk;
const responses = new ResponseConformance();

beforeAll(async () => {
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN: ADMIN });
  // no recipient cache: a change must be seen by the very next RCPT
  desk = await startTestDesk(config, { recipientCacheMs: 0, onApiBuilt: responses.watch });
});

afterAll(async () => {
  await desk?.close();
  await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
  responses.assertAllMatched();
});

async function http(method: string, path: string, body?: unknown, token = ADMIN) {
  const res = await fetch(`http://127.0.0.1:${desk.apiPort}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

/** The reply to RCPT TO for this address, over a real SMTP session. */
async function rcpt(address: string): Promise<number> {
  const { client } = await SmtpClient.connect(desk.smtpPort!);
  try {
    await client.command('EHLO test.example');
    await client.command('MAIL FROM:<alice@customer.example>');
    return (await client.command(`RCPT TO:<${address}>`)).code;
  } finally {
    await client.quit();
  }
}

const envelope = (to: string) => ({ from: 'alice@customer.example', to: [to] });
const message = (to: string) =>
  `From: alice@customer.example\r\nTo: ${to}\r\nSubject: Printer on fire\r\n\r\nPlease help.\r\n`;

let users = 0;
async function userWithRole(groupId: number, role: string): Promise<string> {
  const n = ++users;
  const user = await http('POST', '/users', {
    username: `u${n}`,
    name: `User ${n}`,
    email: `u${n}@staff.example`,
  });
  await http('POST', `/groups/${groupId}/members`, { userId: user.body.id, role });
  return (await http('POST', `/users/${user.body.id}/tokens`, { name: 't' })).body.token;
}

describe('a project’s Service Desk settings, through the running desk', () => {
  let group: { id: number };
  let project: { id: number; serviceDeskAddress: string };

  beforeAll(async () => {
    group = (await http('POST', '/groups', { name: 'Acme', path: 'acme' })).body;
    project = (
      await http('POST', '/projects', { groupId: group.id, name: 'Helpdesk', path: 'helpdesk' })
    ).body;
  });

  it('rotates the key: the new address receives, the old one is refused with 550', async () => {
    const old = project.serviceDeskAddress;
    expect(await rcpt(old)).toBe(250);
    const rotated = await http('POST', `/projects/${project.id}/service-desk-key/rotate`);
    expect(rotated.status).toBe(200);
    const address: string = rotated.body.serviceDeskAddress;
    expect(address).toMatch(/^support\+[a-z0-9]+@desk\.localhost$/);
    expect(address).not.toBe(old);
    const toOld = await sendMail(desk.smtpPort!, envelope(old), message(old));
    expect(toOld.rcpt[0]).toMatchObject({ code: 550, text: expect.stringContaining('5.1.1') });
    expect(toOld.data).toBeNull();
    const toNew = await sendMail(desk.smtpPort!, envelope(address), message(address));
    expect(toNew.data?.code).toBe(250);
    expect((await http('GET', `/projects/${project.id}`)).body.serviceDeskAddress).toBe(address);
    project = rotated.body;
  });

  it('disables and re-enables Service Desk and renames the project with PATCH', async () => {
    const off = await http('PATCH', `/projects/${project.id}`, { serviceDeskEnabled: false });
    expect(off).toMatchObject({ status: 200, body: { serviceDeskEnabled: false } });
    expect(await rcpt(project.serviceDeskAddress)).toBe(550);
    const on = await http('PATCH', `/projects/${project.id}`, {
      serviceDeskEnabled: true,
      name: 'Customer support',
    });
    expect(on.body).toMatchObject({
      name: 'Customer support',
      serviceDeskEnabled: true,
      serviceDeskAddress: project.serviceDeskAddress,
    });
    expect(await rcpt(project.serviceDeskAddress)).toBe(250);
    expect((await http('PATCH', `/projects/${project.id}`, {})).body.name).toBe('Customer support');
  });

  it('needs Maintainer: a Developer gets 403, an outsider 404, and nothing changes', async () => {
    const developer = await userWithRole(group.id, 'developer');
    const maintainer = await userWithRole(group.id, 'maintainer');
    const other = (await http('POST', '/groups', { name: 'Other', path: 'other' })).body;
    const outsider = await userWithRole(other.id, 'owner');
    const rotate = `/projects/${project.id}/service-desk-key/rotate`;
    const patch = `/projects/${project.id}`;
    expect((await http('POST', rotate, undefined, developer)).status).toBe(403);
    expect((await http('PATCH', patch, { serviceDeskEnabled: false }, developer)).status).toBe(403);
    expect((await http('POST', rotate, undefined, outsider)).status).toBe(404);
    expect((await http('PATCH', patch, { name: 'x' }, outsider)).status).toBe(404);
    expect(await rcpt(project.serviceDeskAddress)).toBe(250);
    const renamed = await http('PATCH', patch, { name: 'By a maintainer' }, maintainer);
    expect(renamed).toMatchObject({ status: 200, body: { name: 'By a maintainer' } });
    expect((await http('POST', rotate, undefined, maintainer)).status).toBe(200);
  });

  it('answers 404 for an unknown project and 400 naming a bad field', async () => {
    expect((await http('POST', '/projects/999999/service-desk-key/rotate')).status).toBe(404);
    expect((await http('PATCH', '/projects/999999', { name: 'x' })).status).toBe(404);
    const bad = await http('PATCH', `/projects/${project.id}`, { serviceDeskEnabled: 'no' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'serviceDeskEnabled' } });
    expect((await http('PATCH', `/projects/${project.id}`, { name: ' ' })).body.field).toBe('name');
  });
});
