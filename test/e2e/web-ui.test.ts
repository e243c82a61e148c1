import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningDesk } from '../../bin/start-desk';
import type { Config } from '../../src/config/env';
import { markIngestFailed } from '../../src/domain/ingest/ingest-email.service';
import { storeOne } from '../support/inbound';
import { seedContact, seedGroup, seedProject } from '../support/seed';
import { sendMail } from '../support/smtp-client';
import { clearQueuePrefix, startTestDesk, testConfig, waitFor } from '../support/test-desk';
import { launchChromium } from '../support/browser';
import { createTestDb, type TestDb } from '../support/test-db';

const ADMIN_TOKEN = 'web-ui-admin-secret';
const SHOTS = 'test-results';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let db: TestDb;
let config: Config;
let desk: RunningDesk;
let browser: Browser;
let ids: { acme: number; support: number; customers: number; project: number; address: string };
let tokens: { owner: string; reporter: string };

const url = (path: string) => `http://127.0.0.1:${desk.apiPort}${path}`;

async function api<T>(path: string, body: object): Promise<T> {
  const res = await fetch(url(`/api/v1${path}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function userWithToken(name: string): Promise<{ id: number; token: string }> {
  const user = await api<{ id: number }>('/users', {
    username: name,
    name,
    email: `${name}@staff.example`,
    isAdmin: false,
  });
  const { token } = await api<{ token: string }>(`/users/${user.id}/tokens`, { name: 'ui' });
  return { id: user.id, token };
}

async function signIn(context: BrowserContext, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url('/ui/groups'));
  expect(new URL(page.url()).pathname).toBe('/ui/login');
  await page.getByLabel('API token').fill(token);
  await Promise.all([page.waitForURL(url('/ui/groups')), page.click('button[type=submit]')]);
  return page;
}

/** The serious and critical axe-core violations on the page as it is, with their elements. */
async function seriousViolations(
  page: Page,
): Promise<{ id: string; impact: string; targets: string[] }[]> {
  await page.evaluate(AXE); // through the DevTools protocol: the page keeps its CSP
  const violations = (await page.evaluate(
    `axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; targets: string[] }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** No serious or critical axe-core violations on the page as it is. */
async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Readable at 390 px: nothing wider than the screen. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = (await page.evaluate(
    '({ page: document.documentElement.scrollWidth, screen: window.innerWidth })',
  )) as { page: number; screen: number };
  expect(widths.page).toBeLessThanOrEqual(widths.screen);
}

/**
 * How wide the page is against the screen, and the elements that scroll (or clip) sideways inside
 * it: a table in a scrolling box does not widen the page but reads as badly at 390 px.
 */
const SIDEWAYS = `(() => {
  const inner = [...document.querySelectorAll('main *')]
    .filter((e) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX))
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  const root = document.documentElement;
  return { scroll: root.scrollWidth, client: root.clientWidth, inner };
})()`;

const csrfOf = (page: Page) => page.locator('input[name=_csrf]').first().inputValue();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  db = await createTestDb();
  config = testConfig(db.url, { ADMIN_TOKEN });
  desk = await startTestDesk(config);
  browser = await launchChromium();
  const acme = await seedGroup(db.store, 'acme');
  const support = await seedGroup(db.store, 'support', acme.id);
  const customers = await seedGroup(db.store, 'customers', acme.id);
  const { project, address } = await seedProject(db.store, support.id);
  ids = {
    acme: acme.id,
    support: support.id,
    customers: customers.id,
    project: project.id,
    address,
  };
  const owner = await userWithToken('olivia');
  const reporter = await userWithToken('rick');
  await api(`/groups/${acme.id}/members`, { userId: owner.id, role: 'owner' });
  await api(`/groups/${acme.id}/members`, { userId: reporter.id, role: 'reporter' });
  tokens = { owner: owner.token, reporter: reporter.token };
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
  if (config) await clearQueuePrefix(config.QUEUE_PREFIX);
  await db?.drop();
});

describe('the web pages under /ui, in Chromium', () => {
  it('an owner configures a contact source, creates a contact, and manages the contacts of the ticket an email made', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: false,
    });
    const page = await signIn(context, tokens.owner);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'desk_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    await page.getByText('contact source: acme (inherited)').first().waitFor();
    await page.getByRole('link', { name: 'support' }).click();
    await page.getByLabel('Contact source').selectOption({ label: 'acme/customers' });
    await Promise.all([
      page.waitForURL(url(`/ui/groups/${ids.support}`)),
      page.click('text=Save settings'),
    ]);
    await page.getByText('Contact source in use: acme/customers (configured here)').waitFor();
    await page.goto(url('/ui/groups'));
    await page.getByText('contact source: acme/customers (configured)').waitFor();
    await shoot(page, 'ui-groups');
    await expectAccessible(page);

    await page.goto(url(`/ui/groups/${ids.customers}/organizations`));
    await page.getByRole('link', { name: 'New organization' }).click();
    await page.getByLabel('Name').fill('Acme Corp');
    await page.getByLabel('Default rate').fill('lots');
    await page.click('text=Create organization');
    expect(await page.locator('#f-defaultRate-error').textContent()).toMatch(/decimal/);
    await page.getByLabel('Default rate').fill('120.5');
    await Promise.all([
      page.waitForURL(url(`/ui/groups/${ids.customers}/organizations`)),
      page.click('text=Create organization'),
    ]);
    await page.getByRole('cell', { name: '120.50' }).waitFor();
    await page.getByText('Active: 1').waitFor();

    await page.goto(url(`/ui/groups/${ids.customers}/contacts`));
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('Email').fill('not an email');
    await page.click('text=Create contact');
    expect(await page.locator('#f-firstName-error').textContent()).toBe('Required.');
    expect(await page.locator('#f-email-error').textContent()).toMatch(/email/i);
    await page.getByLabel('First name').fill('Alice');
    await page.getByLabel('Last name').fill('Customer');
    await page.getByLabel('Email').fill('alice@customer.example');
    await page.getByLabel('Organization').selectOption({ label: 'Acme Corp' });
    await Promise.all([
      page.waitForURL(url(`/ui/groups/${ids.customers}/contacts`)),
      page.click('text=Create contact'),
    ]);
    await page.getByRole('cell', { name: 'alice@customer.example' }).waitFor();
    await page.getByText('Active: 1').waitFor();
    await page.getByLabel('Organization').selectOption({ label: 'Acme Corp' });
    await page.getByLabel('State').selectOption('active');
    await Promise.all([page.waitForURL(/organizationId=/), page.click('text=Filter')]);
    await page.getByRole('cell', { name: 'Acme Corp' }).waitFor();
    await shoot(page, 'ui-contacts');
    await expectAccessible(page);

    const message = [
      'From: "Alice Customer" <alice@customer.example>',
      `To: <${ids.address}>`,
      'Cc: nobody@elsewhere.example',
      'Subject: Printer on fire',
      'Message-ID: <ui-1@customer.example>',
      '',
      'Room 4, please hurry.',
    ].join('\r\n');
    const sent = await sendMail(
      desk.smtpPort!,
      { from: 'alice@customer.example', to: [ids.address] },
      message,
    );
    expect(sent.data?.code).toBe(250);

    await page.goto(url(`/ui/projects/${ids.project}`));
    await waitFor('the ticket with its contact linked', async () => {
      await page.goto(url(`/ui/projects/${ids.project}/work-items/1`));
      return (await page.getByRole('cell', { name: 'alice@customer.example' }).count()) >= 2;
    });
    await page.getByText('linked: an active contact of acme/customers has this address').waitFor();
    await page
      .getByText('not linked: no active contact with this address in acme/customers')
      .waitFor();
    await page.getByText('Room 4, please hurry.').first().waitFor();
    await shoot(page, 'ui-ticket');
    await expectAccessible(page);

    await Promise.all([
      page.waitForURL(/work-items\/1/),
      page.getByRole('button', { name: 'Remove alice@customer.example' }).click(),
    ]);
    await page.getByText('No contacts on this ticket.').waitFor();

    await page.getByLabel('Add a contact by email').fill('nobody@elsewhere.example');
    await page.click('text=Add contact');
    expect(await page.locator('#f-email-error').textContent()).toMatch(
      /no contact with this address/,
    );
    await page.getByLabel('Add a contact by email').fill('ali');
    await waitFor(
      'htmx to suggest alice',
      async () =>
        (await page.locator('#contact-options option[value="alice@customer.example"]').count()) ===
        1,
    );
    await page.getByLabel('Add a contact by email').fill('alice@customer.example');
    await Promise.all([page.waitForURL(/work-items\/1/), page.click('text=Add contact')]);
    await page.getByRole('button', { name: 'Remove alice@customer.example' }).waitFor();
    await page.getByLabel(/Add a note/).fill('Called the customer.\nFire is out.');
    await Promise.all([page.waitForURL(/#notes/), page.click('text=Add note')]);
    await page.getByText(/Called the customer\.\s+Fire is out\./).waitFor();

    await page.goto(url(`/ui/groups/${ids.support}`));
    await page.getByLabel('Contact source').selectOption({ value: '' });
    const [locked] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('text=Save settings'),
    ]);
    expect(locked.status()).toBe(422);
    expect(await page.locator('#f-contactSourceGroupId-error').textContent()).toBe(
      'Contact source cannot be changed when work items already have contacts assigned from a different source',
    );
    await page.getByText('Contact source in use: acme/customers (configured here)').waitFor();
    await shoot(page, 'ui-group-settings-refused');

    await page.goto(url(`/ui/projects/${ids.project}/work-items/1`));
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await shoot(page, 'ui-ticket-390');
    await page.goto(url(`/ui/groups/${ids.customers}/contacts`));
    await expectNoSidewaysScroll(page);
    await shoot(page, 'ui-contacts-390');

    await Promise.all([page.waitForURL(url('/ui/login')), page.click('text=Sign out')]);
    expect((await context.cookies()).find((c) => c.name === 'desk_session')).toBeUndefined();
    await context.close();
  });

  it('a Reporter sees no edit buttons and a forged POST is refused with 403', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, tokens.reporter);
    await page.goto(url(`/ui/groups/${ids.customers}/contacts`));
    await page.getByRole('cell', { name: 'alice@customer.example' }).waitFor();
    expect(await page.getByRole('link', { name: /Edit/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New contact' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Deactivate' }).count()).toBe(0);

    const csrf = await csrfOf(page);
    const forged = await context.request.post(url(`/ui/groups/${ids.customers}/contacts`), {
      form: { _csrf: csrf, firstName: 'Mallory', lastName: 'X', email: 'm@x.example' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const settings = await context.request.post(url(`/ui/groups/${ids.support}/crm-settings`), {
      form: { _csrf: csrf, enabled: 'false' },
      maxRedirects: 0,
    });
    expect(settings.status()).toBe(403);
    await page.goto(url(`/ui/groups/${ids.support}`));
    expect(await page.getByText('Save settings').count()).toBe(0);
    await context.close();
  });

  it('refuses a form without its CSRF token, even with the session cookie', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, tokens.owner);
    const res = await context.request.post(url(`/ui/groups/${ids.customers}/contacts`), {
      form: { firstName: 'Eve', lastName: 'X' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toMatch(/out of date or was sent from another site/);
    const login = await fetch(url('/ui/login'), {
      method: 'POST',
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    expect(login.status).toBe(403);
    expect(login.headers.get('set-cookie') ?? '').not.toMatch(/desk_session=[^;]/);
    await page.close();
    await context.close();
  });

  it('an instance admin lists ignored mail, downloads its .eml and reprocesses it', async () => {
    const bounce = [
      'From: MAILER-DAEMON@mx.example',
      `To: <${ids.address}>`,
      'Subject: Out of office',
      'Auto-Submitted: auto-replied',
      'Message-ID: <ooo-1@mx.example>',
      '',
      'I am away.',
    ].join('\r\n');
    const sent = await sendMail(
      desk.smtpPort!,
      { from: 'ooo@mx.example', to: [ids.address] },
      bounce,
    );
    expect(sent.data?.code).toBe(250);
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await signIn(context, ADMIN_TOKEN);
    await page.goto(url('/admin/queues'));
    expect(new URL(page.url()).pathname).toBe('/admin/queues'); // the same session
    await waitFor('the ignored mail', async () => {
      await page.goto(url('/ui/inbound-emails?status=ignored'));
      return (await page.getByText('ooo@mx.example').count()) > 0;
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Download .eml'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^inbound-\d+\.eml$/);
    await expectAccessible(page);
    await shoot(page, 'ui-failed-mail');
    await Promise.all([page.waitForURL(/queued=/), page.click('text=Reprocess')]);
    await page.getByText(/is queued for processing again/).waitFor();

    const staff = await browser.newContext();
    const reporterPage = await signIn(staff, tokens.reporter);
    expect(await reporterPage.getByRole('link', { name: 'Failed mail' }).count()).toBe(0);
    const refused = await reporterPage.goto(url('/ui/inbound-emails'));
    expect(refused?.status()).toBe(403);
    await staff.close();
    await context.close();
  });

  it('an instance admin sees a failed email with its reason, downloads it byte for byte and reprocesses it into a ticket', async () => {
    const raw = Buffer.from(
      [
        'From: "Bob Customer" <bob@customer.example>',
        `To: <${ids.address}>`,
        'Subject: Toner low',
        'Message-ID: <ui-failed-1@customer.example>',
        '',
        'Tray 2 is empty.',
        '',
      ].join('\r\n'),
    );
    // stored as the SMTP listener stores it, then given up on as the ingest worker does when a
    // job has used up its retries (the relay publishes nothing in its first second)
    const row = await storeOne(db.store, ids.project, raw, { mailFrom: 'bob@customer.example' });
    const failed = await markIngestFailed(
      db.store,
      { inboundEmailId: row.inboundEmailId, outboxId: row.outboxId, attempts: 10 },
      'gave up after 10 attempts: simulated outage',
    );
    expect(failed).toBe(true);

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await signIn(context, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Failed mail' }).click();
    await page.waitForURL(url('/ui/inbound-emails'));
    const emailRow = page.getByRole('row').filter({ hasText: 'bob@customer.example' });
    await emailRow
      .getByRole('cell', { name: 'gave up after 10 attempts: simulated outage' })
      .waitFor();
    expect(await page.getByRole('row').count()).toBe(2); // the header and the failed email
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      emailRow.getByRole('link', { name: /Download \.eml/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`inbound-${row.inboundEmailId}.eml`);
    expect(readFileSync((await download.path())!)).toEqual(raw);

    await Promise.all([
      page.waitForURL(/queued=/),
      emailRow.getByRole('button', { name: /Reprocess/ }).click(),
    ]);
    await page.getByText(`Email ${row.inboundEmailId} is queued for processing again.`).waitFor();
    await waitFor('the reprocessed email to leave the failed list', async () => {
      await page.goto(url('/ui/inbound-emails?status=failed'));
      return (await page.getByText('No failed mail.').count()) === 1;
    });
    await waitFor('the ticket the reprocessed email made', async () => {
      await page.goto(url(`/ui/projects/${ids.project}`));
      return (await page.getByText('Toner low').count()) > 0;
    });
    await context.close();
  });

  it('pages through more contacts than fit on a page, keeping the filter, with no repeats', async () => {
    const many = await seedGroup(db.store, 'many', ids.acme);
    const active: string[] = [];
    for (let n = 1; n <= 28; n++) {
      const email = `pat.${String(n).padStart(2, '0')}@many.example`;
      const state = n % 9 === 0 ? 'inactive' : 'active'; // 9, 18, 27 are left out by the filter
      await seedContact(db.store, many.id, email, state);
      if (state === 'active') active.push(email);
    }
    expect(active).toHaveLength(25);
    const context = await browser.newContext();
    const page = await signIn(context, tokens.owner);
    await page.goto(url(`/ui/groups/${many.id}/contacts`));
    await page.getByText('Inactive: 3').waitFor();
    await page.getByLabel('State').selectOption('active');
    await Promise.all([page.waitForURL(/state=active/), page.click('text=Filter')]);
    const emails = () =>
      page.locator('tbody td[data-label=Email]').allTextContents() as Promise<string[]>;
    const first = await emails();
    expect(first).toHaveLength(20);
    expect(await page.getByRole('link', { name: 'First page' }).count()).toBe(0);

    await Promise.all([
      page.waitForURL(/cursor=/),
      page.getByRole('link', { name: 'Next page' }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('active');
    const second = await emails();
    expect(second).toHaveLength(5);
    expect([...first, ...second]).toEqual(active);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);

    await Promise.all([
      page.waitForURL((u) => !u.searchParams.has('cursor')),
      page.getByRole('link', { name: 'First page' }).click(),
    ]);
    expect(await emails()).toEqual(first);
    await context.close();
  });

  it('every page kind, at 1280 and 390 px wide, has no serious or critical axe violations and no sideways scrolling at 390', async () => {
    const raw = Buffer.from(
      [
        'From: carol.with.a.rather.long.address@customer-with-a-long-domain.example',
        `To: <${ids.address}>`,
        'Subject: Paper jam',
        'Message-ID: <ui-failed-2@customer.example>',
        '',
        'Jammed.',
        '',
      ].join('\r\n'),
    );
    const row = await storeOne(db.store, ids.project, raw, {
      mailFrom: 'carol.with.a.rather.long.address@customer-with-a-long-domain.example',
    });
    expect(
      await markIngestFailed(
        db.store,
        { inboundEmailId: row.inboundEmailId, outboxId: row.outboxId, attempts: 10 },
        'gave up after 10 attempts: connect ECONNREFUSED 127.0.0.1:5432 (PostgreSQL unavailable)',
      ),
    ).toBe(true);

    const submit = async (page: Page, button: string, status: number) => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: button, exact: true }).click(),
      ]);
      expect(response.status()).toBe(status);
      await page.waitForLoadState();
    };
    const go = (path: string) => async (page: Page) => {
      const response = await page.goto(url(path));
      expect(response?.status()).toBe(200);
    };
    const contacts = `/ui/groups/${ids.customers}/contacts`;
    const organizations = `/ui/groups/${ids.customers}/organizations`;
    const kinds: { name: string; signedOut?: true; open: (page: Page) => Promise<void> }[] = [
      { name: 'sign-in', signedOut: true, open: go('/ui/login') },
      {
        name: 'sign-in-error',
        signedOut: true,
        open: async (page) => {
          await go('/ui/login')(page);
          await page.getByLabel('API token').fill('wrong');
          await submit(page, 'Sign in', 401);
        },
      },
      { name: 'groups', open: go('/ui/groups') },
      { name: 'group-settings', open: go(`/ui/groups/${ids.support}`) },
      {
        name: 'group-settings-refused',
        open: async (page) => {
          await go(`/ui/groups/${ids.support}`)(page);
          await page.getByLabel('Contact source').selectOption({ value: '' });
          await submit(page, 'Save settings', 422);
        },
      },
      { name: 'contacts', open: go(contacts) },
      { name: 'contact-new', open: go(`${contacts}/new`) },
      {
        name: 'contact-new-errors',
        open: async (page) => {
          await go(`${contacts}/new`)(page);
          await page.getByLabel('Email').fill('not an email');
          await submit(page, 'Create contact', 422);
        },
      },
      {
        name: 'contact-edit',
        open: async (page) => {
          await go(contacts)(page);
          await page.getByRole('link', { name: 'Edit Alice Customer' }).click();
          await page.waitForURL(/\/edit$/);
        },
      },
      {
        name: 'contact-edit-errors',
        open: async (page) => {
          await go(contacts)(page);
          await page.getByRole('link', { name: 'Edit Alice Customer' }).click();
          await page.waitForURL(/\/edit$/);
          await page.getByLabel('First name').fill('');
          await submit(page, 'Save contact', 422);
        },
      },
      { name: 'organizations', open: go(organizations) },
      { name: 'organization-new', open: go(`${organizations}/new`) },
      {
        name: 'organization-new-errors',
        open: async (page) => {
          await go(`${organizations}/new`)(page);
          await page.getByLabel('Default rate').fill('lots');
          await submit(page, 'Create organization', 422);
        },
      },
      {
        name: 'organization-edit',
        open: async (page) => {
          await go(organizations)(page);
          await page.getByRole('link', { name: 'Edit Acme Corp' }).click();
          await page.waitForURL(/\/edit$/);
        },
      },
      { name: 'project', open: go(`/ui/projects/${ids.project}`) },
      { name: 'ticket', open: go(`/ui/projects/${ids.project}/work-items/1`) },
      {
        name: 'ticket-add-contact-error',
        open: async (page) => {
          await go(`/ui/projects/${ids.project}/work-items/1`)(page);
          await page.getByLabel('Add a contact by email').fill('nobody@elsewhere.example');
          await submit(page, 'Add contact', 422);
        },
      },
      {
        name: 'failed-mail',
        open: async (page) => {
          await go('/ui/inbound-emails?status=failed')(page);
          await page.getByText('ECONNREFUSED').waitFor();
        },
      },
      { name: 'ignored-mail', open: go('/ui/inbound-emails?status=ignored') },
      {
        name: 'not-found',
        open: async (page) => {
          expect((await page.goto(url('/ui/groups/999999')))?.status()).toBe(404);
        },
      },
    ];

    const problems: string[] = [];
    for (const width of [1280, 390]) {
      const viewport = { width, height: width === 390 ? 844 : 900 };
      const signedOut = await browser.newContext({ viewport });
      const signedIn = await browser.newContext({ viewport });
      await (await signIn(signedIn, ADMIN_TOKEN)).close();
      const pages = { in: await signedIn.newPage(), out: await signedOut.newPage() };
      for (const kind of kinds) {
        const page = kind.signedOut ? pages.out : pages.in;
        await kind.open(page);
        const found = await seriousViolations(page);
        if (found.length) problems.push(`${kind.name} at ${width}: ${JSON.stringify(found)}`);
        if (width === 390) {
          const { scroll, client, inner } = (await page.evaluate(SIDEWAYS)) as {
            scroll: number;
            client: number;
            inner: string[];
          };
          if (scroll > client + 1)
            problems.push(`${kind.name} at 390: ${scroll} px wide in ${client} px`);
          if (inner.length) problems.push(`${kind.name} at 390 scrolls sideways in ${inner}`);
          await shoot(page, `ui-390-${kind.name}`);
        }
      }
      await signedIn.close();
      await signedOut.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
