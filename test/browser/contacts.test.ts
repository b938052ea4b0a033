// Logging a contact in a real browser: an advisor logs a phone call through the page, with and
// without JavaScript; the call timer runs only where there is a script to run it; axe checks
// every page, the error summary included.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project's TypeScript settings leave
// out the DOM library, as everything else runs in Node).
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const TIMEOUT = { timeout: 120_000 };

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

browserSuite('logging a contact in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;

  before(async () => {
    server = await startTestServer();
    await aPartnerAgency(server.db, 'police', 'Borough Police');
    advisor = await aStaffMember(server.db, { roles: ['advisor'], name: 'Alex Advisor' });
  });
  after(() => server.close());

  async function contactCount(): Promise<number> {
    const row = await server.db
      .selectNoFrom(sql<number>`(select count(*)::int from contacts)`.as('count'))
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async function signInAndOpenTheForm(checked: CheckedPage): Promise<void> {
    const { page } = checked;
    await checked.goto('/staff/sign-in');
    await page.getByLabel('Email address').fill(advisor.email);
    await page.getByLabel('Password', { exact: true }).fill(advisor.password);
    await checked.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());
    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Log a contact' }).click(),
    );
    assert.equal(pathOf(page), '/staff/contacts/new');
  }

  for (const javaScript of [true, false]) {
    const label = javaScript ? 'with JavaScript' : 'without JavaScript';

    it(`lets an advisor log a phone call, putting right what was missed first (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await signInAndOpenTheForm(checked);
      const before = await contactCount();

      const timer = page.getByRole('timer');
      const partner = page.getByLabel('Partner organisation signposted to');
      if (javaScript) {
        await timer.waitFor({ state: 'visible' });
        assert.match(await page.locator('[data-contact-timer]').innerText(), /Call time\s+\d{2}:\d{2}/);
        assert.equal(await timer.getAttribute('aria-live'), 'off');
        // It counts up.
        const first = await timer.innerText();
        await page.waitForFunction((shown) => document.querySelector('[role="timer"]')?.textContent !== shown, first, {
          timeout: 5_000,
        });
        // The partner list waits until "signposted" is chosen.
        assert.equal(await partner.isVisible(), false);
        await page.getByLabel('Signposted to a partner').check();
        assert.equal(await partner.isVisible(), true);
        await page.getByLabel('Resolved at first contact').check();
      } else {
        // No script, no timer; the partner list is simply there.
        assert.equal(await page.locator('[data-contact-timer]').isVisible(), false);
        assert.equal(await partner.isVisible(), true);
      }

      // Sent with nothing chosen: the error summary, and nothing written.
      await page.getByLabel('Notes (optional)').fill('Asked when the bin will be emptied');
      await checked.navigate(() => page.getByRole('button', { name: 'Log contact' }).click());
      assert.match(await page.title(), /^Error: Log a contact/);
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /Select how they got in touch/);
      assert.equal(await page.getByLabel('Notes (optional)').inputValue(), 'Asked when the bin will be emptied');
      assert.equal(await contactCount(), before);
      if (javaScript) await page.getByRole('timer').waitFor({ state: 'visible' });

      // The summary's link takes the advisor to the question.
      await summary.getByRole('link', { name: 'Select how they got in touch' }).click();
      await page.getByLabel('Phone', { exact: true }).check();
      await page.getByLabel('Resolved at first contact').check();
      await page.getByLabel('Was this contact avoidable?').selectOption({ label: 'Chasing progress' });
      await checked.navigate(() => page.getByRole('button', { name: 'Log contact' }).click());

      assert.equal(pathOf(page), '/staff/contacts/new');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Contact logged/);
      assert.equal(await contactCount(), before + 1);
      const row = await server.db
        .selectFrom('contacts')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.equal(row.channel, 'phone');
      assert.equal(row.outcome, 'resolved_first_contact');
      assert.equal(row.avoidable_reason, 'chasing_progress');
      assert.equal(row.notes, 'Asked when the bin will be emptied');
      await checked.done();
    });
  }
});
