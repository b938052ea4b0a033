// The service catalogue in a real browser: an administrator adds a service, a question and a
// routing rule through the pages, moves questions without JavaScript, and is told what to fix.
// axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('the service catalogue in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const council = await findFirstCouncil(server.db);
    await insertTeam(server.db, { organisationId: council!.id, code: 'waste', name: 'Waste and Recycling' });
  });
  after(() => server.close());

  it('adds a service with questions and a routing rule through the pages', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, ADMIN);

    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Services' }).click(),
    );
    assert.equal(await heading(page), 'Services');
    await checked.navigate(() => page.getByRole('button', { name: 'Add a service' }).click());

    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await page.title(), /^Error: Add a service/);
    assert.deepEqual(
      (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
      ['Enter a code for the service', 'Enter a name', 'Choose the owning team', 'Enter the target in working days'],
    );

    await page.getByLabel('Name', { exact: true }).fill('Report fly-tipping');
    await page.getByLabel('Name in Welsh').fill('Rhoi gwybod am dipio anghyfreithlon');
    await page.getByLabel('Code').fill('fly-tipping');
    await page.getByLabel('LGSL number').fill('587');
    const waste = (await page.locator('#teamId option', { hasText: 'Waste and Recycling' }).innerText()).trim();
    await page.getByLabel('Owning team').selectOption({ label: waste });
    await page.getByLabel('Target to resolve').fill('5');
    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.equal(await heading(page), 'Report fly-tipping');

    for (const [label, code, kind] of [
      ['Where is it?', 'location', 'Location'],
      ['Could it be dangerous?', 'hazardous', 'Yes or no'],
    ] as const) {
      await checked.navigate(() => page.getByRole('button', { name: 'Add a question' }).click());
      await page.getByLabel('Question', { exact: true }).fill(label);
      await page.getByLabel('Answer code').fill(code);
      await page.getByRole('radio', { name: kind, exact: true }).check();
      await page.getByRole('group', { name: 'Must it be answered?' }).getByRole('radio', { name: 'Yes' }).check();
      await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    }
    const questions = () => page.locator('#questions + table tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(
      (await questions()).map((text) => text.split('\n')[0]),
      ['Where is it?', 'Could it be dangerous?'],
    );
    await checked.navigate(() => page.getByRole('button', { name: 'Move up Could it be dangerous?' }).click());
    assert.deepEqual(
      (await questions()).map((text) => text.split('\n')[0]),
      ['Could it be dangerous?', 'Where is it?'],
    );

    await checked.navigate(() => page.getByRole('button', { name: 'Add a routing rule' }).click());
    await page.getByLabel('Question', { exact: true }).selectOption({ label: 'Could it be dangerous?' });
    await page.getByLabel('Answer', { exact: true }).fill('yes');
    await page.getByLabel('Set the priority to').selectOption({ label: 'Urgent' });
    await checked.navigate(() => page.getByRole('button', { name: 'Add a routing rule' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The routing rule has been added/);
    assert.match(await page.locator('#routing + p + table').innerText(), /the answer to hazardous is yes\s+priority Urgent/);

    const service = await server.services.services.forCase((await findFirstCouncil(server.db))!.id, 'fly-tipping');
    assert.deepEqual(
      service?.questions.map((question) => question.code),
      ['hazardous', 'location'],
    );
    assert.equal(service?.routingRules[0]?.priority, 'urgent');
    await checked.done();
  });
});
