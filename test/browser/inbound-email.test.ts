// Unmatched inbound email in a real browser: an advisor opens the list, reads a message from an
// address no customer has, searches for the resident, is told to choose one, and matches it; the
// message leaves the list. axe checks every page.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aStaffMember } from '../support/builders.ts';
import { aResidentWithEmail } from '../support/inboundEmail.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

browserSuite('unmatched inbound email in a browser', (browser) => {
  let server: TestServer;
  let customerId: string;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    customerId = await aResidentWithEmail(server.services, councilId, {
      givenName: 'Bethan',
      familyName: 'Morgan',
      email: 'bethan@example.org',
    });
    const raw = [
      'From: Bethan M <bethan.new@example.net>',
      'Subject: My new address',
      `Message-ID: <${crypto.randomUUID()}@example.net>`,
      '',
      'I have moved to 4 Willow Street. <script>alert(1)</script>',
    ].join('\r\n');
    const taken = await server.services.inboundEmail.intake(systemActor('relay'), councilId, Buffer.from(raw), 'relay');
    assert.equal(taken.outcome, 'unmatched');
  });
  after(() => server.close());

  it('lets an advisor read an unmatched email and match it to the resident', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, await aStaffMember(server.db, { roles: ['advisor'] }));

    const unmatchedEmail = () =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Unmatched email' }).click();
    await checked.navigate(unmatchedEmail);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Unmatched email');
    await checked.navigate(() => page.getByRole('link', { name: 'My new address' }).click());
    assert.equal((await page.locator('h1').innerText()).trim(), 'My new address');
    assert.match(await page.locator('#message-text').innerText(), /<script>alert\(1\)<\/script>/, 'shown as text');

    await page.getByLabel('Search for the customer').fill('Bethan Morgan');
    await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'Match to this customer' }).click());
    assert.match(await page.title(), /^Error: /);
    assert.deepEqual(
      (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
      ['Select the customer the email is from'],
    );

    await page.getByRole('radio', { name: /Bethan Morgan/ }).check();
    await checked.navigate(() => page.getByRole('button', { name: 'Match to this customer' }).click());
    assert.equal(new URL(page.url()).pathname, `/staff/customers/${customerId}`);

    await checked.navigate(unmatchedEmail);
    assert.equal(await page.getByRole('link', { name: 'My new address' }).count(), 0, 'no longer unmatched');
  });
});
