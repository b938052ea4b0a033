// Staff sign-in in a real browser, with and without JavaScript: signing in and out, the errors a
// person sees, the lockout after repeated failures, and the forced change after a reset.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { aStaffMember } from '../support/builders.ts';
import { browserSuite, fillSignIn, openPage, type CheckedPage } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page by page.evaluate (the project's TypeScript
// settings leave out the DOM library, as everything else runs in Node).
interface BrowserElement {
  tagName: string;
  id: string;
  classList: Iterable<string> & { contains(name: string): boolean };
}
declare const document: { activeElement: BrowserElement | null };

const TIMEOUT = { timeout: 120_000 };
const WRONG_PASSWORD = 'not the right password at all';
const JAVASCRIPT = [
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
];

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim();
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

async function signOut(checked: CheckedPage): Promise<void> {
  await checked.navigate(() => checked.page.locator('header').getByRole('link', { name: 'Sign out' }).click());
}

/** A short description of the element that has focus, for assertion messages. */
async function focused(page: Page): Promise<string> {
  return await page.evaluate(() => {
    const element = document.activeElement;
    if (!element) return '(nothing)';
    return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${[...element.classList].map((name) => `.${name}`).join('')}`;
  });
}

browserSuite('staff sign-in in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const { javaScript, label } of JAVASCRIPT) {
    it(`signs the administrator in from a staff page and shows the staff home (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await checked.goto('/staff');
      assert.match(pathOf(page), /^\/staff\/sign-in\?returnTo=/, 'a signed-out visit to /staff asks to sign in');
      assert.equal(await heading(page), 'Sign in');

      await fillSignIn(checked, ADMIN.email, ADMIN.password);
      assert.equal(pathOf(page), '/staff');
      assert.equal(await heading(page), 'Hello, Administrator');
      assert.ok(await page.locator('header').getByRole('link', { name: 'Sign out' }).isVisible());
      assert.ok(await page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Users' }).isVisible());
      await checked.done();
    });

    it(`refuses a wrong password with an error summary and an error by the email field (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await checked.goto('/staff/sign-in');
      await fillSignIn(checked, ADMIN.email, WRONG_PASSWORD);

      assert.equal(await heading(page), 'Sign in');
      assert.match(await page.title(), /^Error: Sign in/);
      const summary = page.locator('.govuk-error-summary');
      assert.ok(await summary.isVisible(), 'the error summary is visible');
      assert.match(await summary.innerText(), /There is a problem/);
      const summaryLink = summary.getByRole('link', { name: 'Enter a correct email address and password' });
      assert.equal(await summaryLink.getAttribute('href'), '#email');
      assert.match(await page.locator('#email-error').innerText(), /Enter a correct email address and password/);
      assert.equal(await page.getByLabel('Email address').inputValue(), ADMIN.email, 'the email address is kept');
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is not sent back');

      if (javaScript) {
        await page
          .waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), null, { timeout: 5_000 })
          .catch(() => undefined);
        assert.match(await focused(page), /\.govuk-error-summary\b/, 'focus moves to the error summary');
        await summaryLink.click();
        assert.equal(
          await focused(page),
          'input#email.govuk-input.govuk-input--error',
          'the error link moves focus to the email field',
        );
      }
      await checked.done();
    });

    it(
      `signs out from the "Sign out" link in the header, after which staff pages ask to sign in again (${label})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await checked.goto('/staff/sign-in');
        await fillSignIn(checked, ADMIN.email, ADMIN.password);
        assert.equal(pathOf(page), '/staff');

        await signOut(checked);
        assert.equal(pathOf(page), '/staff/sign-in?signedOut=1');
        const banner = page.locator('.govuk-notification-banner--success');
        assert.ok(await banner.isVisible());
        assert.match(await banner.innerText(), /You have signed out\./);
        assert.equal(
          await page.locator('header').getByRole('link', { name: 'Sign out' }).count(),
          0,
          'no "Sign out" link once signed out',
        );

        await checked.goto('/staff');
        assert.match(pathOf(page), /^\/staff\/sign-in\?returnTo=%2Fstaff$/);
        assert.equal(await heading(page), 'Sign in');
        assert.equal(await page.locator('.govuk-notification-banner').count(), 0, 'the banner was shown once');
        await checked.done();
      },
    );
  }

  it('locks an account after repeated failures, refusing even the right password with "too many times"', TIMEOUT, async () => {
    const person = await aStaffMember(server.db, { roles: ['advisor'], name: 'Lena Lockwood' });
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await checked.goto('/staff/sign-in');
    const summary = page.locator('.govuk-error-summary');

    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await fillSignIn(checked, person.email, `${WRONG_PASSWORD} ${attempt}`);
      assert.match(
        await summary.innerText(),
        /Enter a correct email address and password/,
        `attempt ${attempt} is simply refused`,
      );
    }
    await fillSignIn(checked, person.email, `${WRONG_PASSWORD} 5`);
    assert.match(await summary.innerText(), /You have tried to sign in too many times\. Wait \d+ minutes and try again/);
    assert.match(await page.locator('#email-error').innerText(), /too many times/);

    await fillSignIn(checked, person.email, person.password);
    assert.equal(pathOf(page), '/staff/sign-in', 'the right password does not get in while locked');
    assert.match(await summary.innerText(), /You have tried to sign in too many times/);
    await checked.done();
  });

  it('makes someone whose password an administrator reset choose a new one before anything else', TIMEOUT, async () => {
    const person = await aStaffMember(server.db, { roles: ['advisor'], name: 'Rhys Reset' });
    const newPassword = 'quiet meadow lantern 7394';

    // The administrator resets the password and reads the temporary one off the page.
    const admin = await openPage(browser(), server.url);
    await admin.goto('/staff/sign-in');
    await fillSignIn(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`/staff/admin/users/${person.id}`);
    await admin.navigate(() => admin.page.getByRole('button', { name: 'Reset password' }).click());
    assert.equal(await heading(admin.page), 'Reset the password of Rhys Reset?');
    await admin.navigate(() => admin.page.getByRole('button', { name: 'Reset password' }).click());
    assert.match(await admin.page.locator('.govuk-notification-banner').innerText(), /The password has been reset/);
    const temporaryPassword = (await admin.page.locator('#temporary-password').innerText()).trim();
    assert.ok(temporaryPassword.length >= 12, 'a temporary password is shown');
    await admin.done();

    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await checked.goto('/staff/sign-in');
    await fillSignIn(checked, person.email, person.password);
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      /Enter a correct email address and password/,
      'the old password no longer works',
    );

    await fillSignIn(checked, person.email, temporaryPassword);
    assert.equal(pathOf(page), '/staff/change-password');
    assert.equal(await heading(page), 'Change your password');
    assert.match(await page.locator('main').innerText(), /Your password was reset by an administrator/);

    await checked.goto('/staff');
    assert.equal(pathOf(page), '/staff/change-password', 'nothing else opens until the password is changed');

    await page.getByLabel('Current password', { exact: true }).fill(temporaryPassword);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
    await checked.navigate(() => page.getByRole('button', { name: 'Change password' }).click());
    assert.equal(pathOf(page), '/staff');
    assert.equal(await heading(page), 'Hello, Rhys Reset');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your password has been changed/);

    await signOut(checked);
    await fillSignIn(checked, person.email, newPassword);
    assert.equal(pathOf(page), '/staff', 'the new password signs in, with nothing outstanding');
    await checked.done();
  });
});
