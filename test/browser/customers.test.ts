// The advisor's first minute with a caller, in a real browser: find the caller from one box (or
// add them, finding the address by postcode), see their whole record, and log the contact.
// Every page passes axe; the journey runs with JavaScript and without it.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertProperties } from '../../src/gazetteer/repo.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('customers in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;
  let councilId: string;
  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    advisor = await aStaffMember(server.db, { roles: ['advisor'], name: 'Ceri Advisor' });
    await upsertProperties(server.db, councilId, [
      { uprn: 20001, line1: '1 Beatrice Street', town: 'Oswestry', postcode: 'SY11 1QE', ward: 'Oswestry East' },
      { uprn: 20002, line1: '3 Beatrice Street', town: 'Oswestry', postcode: 'SY11 1QE', ward: 'Oswestry East' },
    ]);
    const existing = await server.services.customers.create(
      systemActor('test'),
      {
        givenName: 'Margaret',
        familyName: 'Wynne-Jones',
        phone: '01691 700800',
        dateOfBirth: '1941-07-02',
        address: { line1: '3 Beatrice Street', town: 'Oswestry', postcode: 'SY11 1QE', uprn: 20002 },
      },
      { confirmedNew: true, councilId },
    );
    assert.ok(existing.created);
    await server.services.customers.updateDetails(systemActor('test'), existing.id, { needs: ['hearing_loop', 'large_print'] });
    await server.services.customers.addFlag(systemActor('test'), existing.id, {
      reason: 'physical_health',
      details: 'Housebound after a fall',
      reviewOn: '2027-03-01',
    });
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    const label = javaScript ? 'with JavaScript' : 'without JavaScript';

    it(`finds a caller by a phone number typed their way and sees their needs and flags (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      try {
        await signInAs(checked, advisor);
        await checked.navigate(() =>
          page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Customers' }).click(),
        );
        assert.equal(await heading(page), 'Find a customer');
        await page.getByLabel(/Name, phone number/).fill('01691700800');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        assert.match(await page.getByRole('status').first().innerText(), /1 customer found/);
        await checked.navigate(() => page.getByRole('link', { name: 'Margaret Wynne-Jones' }).click());
        assert.equal(await heading(page), 'Margaret Wynne-Jones');
        assert.match(await page.locator('#flags').innerText(), /Physical health/);
        assert.match(await page.locator('body').innerText(), /Hearing loop/);
        assert.match(await page.locator('body').innerText(), /Oswestry East ward/);
      } finally {
        await checked.done();
      }
    });

    it(`adds a new caller, finding the address by postcode, then logs the call (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      // Two different callers, so that the second is not offered as a likely duplicate of the first.
      const [given, family] = javaScript ? ['Tomos', 'Ellis'] : ['Bronwen', 'Kaur'];
      const number = javaScript ? 1 : 3;
      try {
        await signInAs(checked, advisor);
        await checked.goto(`/staff/customers?q=${given}%20${family}`);
        await checked.navigate(() => page.getByRole('button', { name: 'Add a new customer' }).click());
        assert.equal(await heading(page), 'Add a new customer');
        // The search's words start the record.
        assert.equal(await page.getByLabel('Last name').inputValue(), family);
        await page.getByLabel('Phone number (optional)').fill(javaScript ? '07912 345678' : '07912 345679');
        await page.getByLabel('Postcode to find the address').fill('sy11 1qe');
        await checked.navigate(() => page.getByRole('button', { name: 'Find address' }).click());
        await page.locator('#uprn').selectOption({ label: `${number} Beatrice Street, Oswestry, SY11 1QE` });
        await checked.navigate(() => page.getByRole('button', { name: 'Save customer' }).click());
        assert.deepEqual(await page.locator('.govuk-error-summary, #duplicates').allInnerTexts(), []);
        assert.equal(await heading(page), `${given} ${family}`);
        assert.match(await page.locator('body').innerText(), new RegExp(`${number} Beatrice Street, Oswestry, SY11 1QE`));

        await checked.navigate(() => page.locator('.moj-identity-bar').getByRole('button', { name: 'Log a contact' }).click());
        await page.getByLabel('Phone', { exact: true }).check();
        await page.getByLabel('Resolved at first contact').check();
        await checked.navigate(() => page.getByRole('button', { name: 'Log contact' }).click());
        const problems = await page.locator('.govuk-error-summary').allInnerTexts();
        assert.deepEqual(problems, []);
        assert.equal(await heading(page), `${given} ${family}`);
        assert.match(await page.locator('.moj-timeline').innerText(), /Contact by phone/i);
      } finally {
        await checked.done();
      }
    });
  }
});
