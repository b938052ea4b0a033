// A complaint in a real browser, with axe on every page: a complaints officer records one from
// the list (a mistake corrected from the error summary), acknowledges it and answers stage 1;
// then, with JavaScript turned off, records another from a customer's record and takes it as far.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { aMissedBinComplainant, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

/** Acknowledges the complaint on the page and answers stage 1 as upheld, checking each page. */
async function acknowledgeAndAnswer(checked: CheckedPage): Promise<void> {
  const { page } = checked;
  await checked.navigate(() => page.getByRole('button', { name: 'Acknowledge', exact: true }).click());
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Acknowledged/);
  assert.match(await page.locator('#next-deadline').innerText(), /Answer Stage 1 by/);

  // An answer without an outcome is refused, linked to the outcome.
  await page.getByLabel('The answer sent to the complainant').fill('We are sorry: the bin was collected on Friday.');
  await checked.navigate(() => page.getByRole('button', { name: 'Record the answer' }).click());
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the outcome/);
  await page.locator('.govuk-error-summary a[href="#respond-outcome"]').click();
  await page.getByLabel('Upheld', { exact: true }).check();
  await page.getByLabel('Service failure').check();
  await checked.navigate(() => page.getByRole('button', { name: 'Record the answer' }).click());
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Answer recorded/);
  const stageOne = await page.locator('#stage-1 + dl').innerText();
  assert.match(stageOne, /Upheld/);
  assert.match(stageOne, /Service failure/);
  assert.equal(await page.locator('#next-deadline').count(), 0);
}

browserSuite('a complaint recorded and answered in a browser', (browser) => {
  let server: TestServer;
  let officer: BuiltStaffMember;
  let customerId: string;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    customerId = await aMissedBinComplainant(server, { givenName: 'Gareth', familyName: 'Pryce', email: 'gareth@example.org' });
    officer = await aStaffMember(db, { roles: ['complaints_officer', 'advisor'], name: 'Carys Complaints' });
  });
  after(() => server.close());

  it('lets a complaints officer record a complaint and answer stage 1', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, officer);
    await checked.goto('/staff/complaints');
    assert.equal(await heading(page), 'Complaints, compliments and comments');
    await checked.navigate(() => page.getByRole('button', { name: 'Record a complaint, compliment or comment' }).click());
    assert.equal(await heading(page), 'Record a complaint, compliment or comment');

    await page.getByLabel('Service it is about (optional)').selectOption('missed-bin');
    await page.getByLabel('Category (optional)').selectOption('delay');
    await checked.navigate(() => page.getByRole('button', { name: 'Record it' }).click());
    assert.match(await page.title(), /^Error: /);
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter what the complaint is about/);
    await page.locator('.govuk-error-summary a[href="#description"]').click();
    await page.getByLabel('What they told us').fill('My bin has been missed three weeks running.');
    await checked.navigate(() => page.getByRole('button', { name: 'Record it' }).click());
    assert.match(await heading(page), /^Complaint CMP-/);
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /recorded\. Acknowledge it by/);
    assert.match(await page.locator('#next-deadline').innerText(), /Acknowledge Stage 1 by/);

    await acknowledgeAndAnswer(checked);

    await checked.navigate(() => page.getByRole('link', { name: 'All complaints' }).click());
    assert.equal(await page.locator('#complaints tbody tr').count(), 1);
    assert.match(await page.locator('#complaints tbody tr').innerText(), /Nothing due/);
    await checked.done();
  });

  it('works without JavaScript, from a customer’s record', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { javaScript: false });
    const { page } = checked;
    await signInAs(checked, officer);
    await checked.goto(`/staff/customers/${customerId}`);
    await checked.navigate(() => page.getByRole('button', { name: 'Record a complaint', exact: true }).click());
    assert.match(await page.locator('.govuk-caption-l').innerText(), /For Gareth Pryce/);
    await page.getByLabel('What they told us').fill('The crew left the lid open in the rain.');
    await page.getByLabel('How did it reach us?').selectOption('letter');
    await checked.navigate(() => page.getByRole('button', { name: 'Record it' }).click());
    assert.match(await heading(page), /^Complaint CMP-/);
    assert.match(await page.locator('#summary').innerText(), /Letter/);

    await acknowledgeAndAnswer(checked);

    // The list's filter is a plain GET form.
    await checked.goto('/staff/complaints');
    await page.getByLabel('Status').selectOption('closed');
    await checked.navigate(() => page.getByRole('button', { name: 'Apply filters' }).click());
    assert.match(page.url(), /status=closed/);
    assert.match(await page.locator('#none').innerText(), /There are none to show/);
    await checked.done();
  });
});
