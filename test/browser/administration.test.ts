// Administration in a real browser: an administrator adds a user through the pages, and the new
// person signs in with the one-time password; and every administration page passes axe.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { browserSuite, fillSignIn, openPage, type CheckedPage } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page by page.evaluate (the project's TypeScript
// settings leave out the DOM library, as everything else runs in Node).
declare const document: { activeElement: unknown; documentElement: { scrollWidth: number } };

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

async function signInAsAdministrator(checked: CheckedPage): Promise<void> {
  await checked.goto('/staff/sign-in');
  await fillSignIn(checked, ADMIN.email, ADMIN.password);
  assert.equal(pathOf(checked.page), '/staff');
}

/** Follows a link in the staff desktop's primary navigation. */
async function openSection(checked: CheckedPage, name: string): Promise<void> {
  await checked.navigate(() =>
    checked.page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name }).click(),
  );
}

/** How wide the page is, in CSS pixels: wider than the window means scrolling sideways. */
async function pageWidth(page: Page): Promise<number> {
  return await page.evaluate(() => document.documentElement.scrollWidth);
}

async function summaryValue(page: Page, key: string): Promise<string> {
  const row = page
    .locator('.govuk-summary-list__row')
    .filter({ has: page.locator('.govuk-summary-list__key', { hasText: key }) });
  return (await row.locator('.govuk-summary-list__value').innerText()).trim();
}

browserSuite('administration in a browser', (browser) => {
  let server: TestServer;
  let councilName: string;
  before(async () => {
    server = await startTestServer();
    const council = await findFirstCouncil(server.db);
    assert.ok(council);
    councilName = council.name;
    await server.services.organisations.createTeam(systemActor('test'), {
      organisationId: council.id,
      name: 'Council Tax',
      code: 'council-tax',
    });
    await aPartnerAgency(server.db, 'west-police', 'West Police');
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    const label = javaScript ? 'with JavaScript' : 'without JavaScript';

    it(
      `adds a user whose one-time password signs them in, after a forced change, to the staff home (${label})`,
      TIMEOUT,
      async () => {
        const person = javaScript
          ? { name: 'Priya Patel', email: 'priya.patel@test.example' }
          : { name: 'Gareth Hughes', email: 'gareth.hughes@test.example' };
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await signInAsAdministrator(checked);

        await openSection(checked, 'Users');
        assert.equal(await heading(page), 'Users');
        await checked.navigate(() => page.getByRole('button', { name: 'Add a user' }).click());
        assert.equal(pathOf(page), '/staff/admin/users/new');
        assert.equal(await heading(page), 'Add a user');

        // Sent empty: an error summary linking to each field that needs an answer.
        await checked.navigate(() => page.getByRole('button', { name: 'Add user' }).click());
        assert.match(await page.title(), /^Error: Add a user/);
        const summary = page.locator('.govuk-error-summary');
        assert.ok(await summary.isVisible());
        const errors = [
          { text: 'Enter their full name', field: 'name', focused: page.getByLabel('Full name') },
          { text: 'Enter their email address', field: 'email', focused: page.getByLabel('Email address') },
          {
            text: 'Select at least one role',
            field: 'roles',
            focused: page.getByRole('checkbox', { name: 'Advisor', exact: true }),
          },
        ];
        assert.deepEqual(
          (await summary.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
          errors.map((error) => error.text),
        );
        for (const error of errors) {
          const link = summary.getByRole('link', { name: error.text });
          assert.equal(await link.getAttribute('href'), `#${error.field}`);
          assert.match(
            await page.locator(`#${error.field}-error`).innerText(),
            new RegExp(error.text),
            `the error by ${error.field}`,
          );
          await link.click();
          assert.equal(
            await error.focused.evaluate((element) => element === document.activeElement),
            true,
            `"${error.text}" moves focus to its field`,
          );
        }

        await page.getByLabel('Full name').fill(person.name);
        await page.getByLabel('Email address').fill(person.email);
        await page.getByLabel('Organisation').selectOption({ label: councilName });
        await page.getByRole('checkbox', { name: 'Advisor', exact: true }).check();
        await page.getByRole('checkbox', { name: 'Back-office officer', exact: true }).check();
        await page.getByRole('checkbox', { name: 'Council Tax' }).check();
        await checked.navigate(() => page.getByRole('button', { name: 'Add user' }).click());

        assert.match(pathOf(page), /^\/staff\/admin\/users\/[0-9a-f-]{36}$/);
        assert.equal(await heading(page), person.name);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /The account has been created\./);
        assert.equal(await summaryValue(page, 'Email address'), person.email);
        assert.equal(await summaryValue(page, 'Organisation'), councilName);
        assert.equal(await summaryValue(page, 'Roles'), 'Advisor, Back-office officer');
        assert.equal(await summaryValue(page, 'Teams'), 'Council Tax');
        assert.match(await page.locator('main').innerText(), /This password is shown only once/);
        const temporaryPassword = (await page.locator('#temporary-password').innerText()).trim();
        assert.ok(temporaryPassword.length >= 12, 'a temporary password is shown');

        await checked.navigate(() => page.locator('header').getByRole('link', { name: 'Sign out' }).click());
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have signed out/);

        await fillSignIn(checked, person.email, temporaryPassword);
        assert.equal(pathOf(page), '/staff/change-password', 'the new person must choose their own password first');
        assert.equal(await heading(page), 'Change your password');
        const newPassword = 'copper thistle orbit 5821';
        await page.getByLabel('Current password', { exact: true }).fill(temporaryPassword);
        await page.getByLabel('New password', { exact: true }).fill(newPassword);
        await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
        await checked.navigate(() => page.getByRole('button', { name: 'Change password' }).click());

        assert.equal(pathOf(page), '/staff');
        assert.equal(await heading(page), `Hello, ${person.name}`);
        assert.match(await page.locator('main').innerText(), /You are signed in as: Advisor, Back-office officer\./);
        assert.equal(
          await page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Users' }).count(),
          0,
          'an advisor is not offered administration',
        );
        await checked.done();
      },
    );
  }

  it('shows the teams, organisations, security and audit trail pages, each fitting a 1024 px window', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 1024, height: 800 } });
    const { page } = checked;
    await signInAsAdministrator(checked);

    await openSection(checked, 'Teams');
    assert.equal(await heading(page), 'Teams');
    assert.ok(await page.getByRole('cell', { name: 'Council Tax', exact: true }).isVisible());
    assert.ok((await pageWidth(page)) <= 1024);

    await openSection(checked, 'Organisations');
    assert.equal(await heading(page), 'Organisations');
    assert.ok(await page.getByRole('cell', { name: councilName, exact: true }).isVisible());
    assert.ok(await page.getByRole('cell', { name: 'West Police', exact: true }).isVisible());
    assert.ok((await pageWidth(page)) <= 1024);

    await openSection(checked, 'Security');
    assert.equal(await heading(page), 'Security settings');
    assert.ok(await page.getByRole('group', { name: 'Which roles must use a second factor to sign in?' }).isVisible());
    assert.ok((await pageWidth(page)) <= 1024);

    // By now the trail holds the accounts made above, with their long email addresses and IDs.
    await openSection(checked, 'Audit trail');
    assert.equal(await heading(page), 'Audit trail');
    assert.ok(
      await page.getByRole('cell', { name: 'sign_in.success', exact: true }).first().isVisible(),
      'the administrator’s own sign-in is listed',
    );
    assert.ok(await page.getByRole('cell', { name: 'user.create', exact: true }).first().isVisible());
    const width = await pageWidth(page);
    assert.ok(width <= 1024, `the audit trail is ${width} px wide in a 1024 px window`);
    await checked.done();
  });

  it('asks for confirmation before deactivating a user, and deactivates them once confirmed', TIMEOUT, async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'], name: 'Dewi Davies' });
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAsAdministrator(checked);
    await openSection(checked, 'Users');
    await checked.navigate(() => page.getByRole('link', { name: 'Dewi Davies' }).click());
    assert.equal(pathOf(page), `/staff/admin/users/${person.id}`);

    await checked.navigate(() => page.getByRole('button', { name: 'Deactivate' }).click());
    assert.equal(pathOf(page), `/staff/admin/users/${person.id}/deactivate`);
    assert.equal(await heading(page), 'Deactivate Dewi Davies?');
    assert.match(await page.locator('main').innerText(), /will be signed out at once and will not be able to sign in/);

    await checked.navigate(() => page.getByRole('link', { name: 'Cancel' }).click());
    assert.equal(pathOf(page), `/staff/admin/users/${person.id}`);
    assert.equal(await summaryValue(page, 'Status'), 'Active', 'cancelling changes nothing');

    await checked.navigate(() => page.getByRole('button', { name: 'Deactivate' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'Deactivate account' }).click());
    assert.equal(pathOf(page), `/staff/admin/users/${person.id}`);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The account has been deactivated/);
    assert.equal(await summaryValue(page, 'Status'), 'Deactivated');
    await checked.done();
  });
});
