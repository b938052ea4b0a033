// Keeping a customer's record up to date in a real browser: an advisor records an interpreter
// need (the language field revealed by its checkbox), adds a phone number, moves the customer by
// postcode look-up, and merges a duplicate record. Every page passes axe; the address look-up
// also runs with JavaScript turned off.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { upsertProperties } from '../../src/gazetteer/repo.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { CustomerInput } from '../../src/customers/service.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Back on the single view, which says what was just done. */
async function assertBackOnRecord(page: Page, id: string, message: string): Promise<void> {
  assert.equal(pathOf(page), `/staff/customers/${id}`);
  assert.match(await page.locator('.govuk-notification-banner').innerText(), new RegExp(message));
}

browserSuite('keeping a customer record up to date in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    advisor = await aStaffMember(server.db, { roles: ['advisor'], name: 'Ceri Advisor' });
    await upsertProperties(server.db, councilId, [
      { uprn: 40001, line1: '1 Castle Street', town: 'Oswestry', postcode: 'SY11 1JZ', ward: 'Oswestry Castle' },
      { uprn: 40002, line1: '5 Castle Street', town: 'Oswestry', postcode: 'SY11 1JZ', ward: 'Oswestry Castle' },
    ]);
  });
  after(() => server.close());

  async function aCustomer(input: CustomerInput): Promise<string> {
    const created = await server.services.customers.create(
      systemActor('test'),
      { address: { line1: '8 Oak Drive', town: 'Oswestry', postcode: 'SY11 2RR' }, ...input },
      { confirmedNew: true, councilId },
    );
    assert.ok(created.created);
    return created.id;
  }

  async function moveByPostcodeLookUp(checked: CheckedPage, id: string): Promise<void> {
    const { page } = checked;
    await checked.goto(`/staff/customers/${id}/address`);
    assert.equal(await heading(page), 'Change address');
    await page.getByLabel('Postcode').fill('sy11 1jz');
    await checked.navigate(() => page.getByRole('button', { name: 'Find address' }).click());
    assert.equal(await page.getByLabel('Select the address').locator('option').count(), 4);
    await page.getByLabel('Select the address').selectOption({ label: '5 Castle Street, Oswestry, SY11 1JZ' });
    await page.getByLabel('Day').fill('14');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('2025');
    await checked.navigate(() => page.getByRole('button', { name: 'Save address' }).click());
    await assertBackOnRecord(page, id, 'Address changed');
    const current = await server.db
      .selectFrom('customer_addresses')
      .select(['uprn', 'address_line1'])
      .where('customer_id', '=', id)
      .where('is_current', '=', true)
      .executeTakeFirstOrThrow();
    assert.deepEqual(current, { uprn: 40002, address_line1: '5 Castle Street' });

    await checked.goto(`/staff/customers/${id}/address`);
    assert.match(await page.locator('#current-address').innerText(), /5 Castle Street/);
    assert.match(await page.locator('#past-addresses').innerText(), /8 Oak Drive/);
  }

  it(
    'records an interpreter need, adds a phone number, moves address and merges a duplicate (with JavaScript)',
    TIMEOUT,
    async () => {
      const id = await aCustomer({ givenName: 'Aleksandra', familyName: 'Nowak', dateOfBirth: '1979-05-21' });
      const duplicate = await aCustomer({ givenName: 'Aleksandra', familyName: 'Nowack', dateOfBirth: '1979-05-21' });
      const checked = await openPage(browser(), server.url);
      const { page } = checked;
      try {
        await signInAs(checked, advisor);

        // Needs: the interpreter's language appears when the interpreter box is ticked, and is required.
        await checked.goto(`/staff/customers/${id}/details`);
        assert.equal(await heading(page), 'Change customer details');
        const interpreterLanguage = page.getByLabel('Language to interpret');
        assert.equal(await interpreterLanguage.isVisible(), false);
        await page.getByLabel('Spoken language interpreter').check();
        assert.equal(await interpreterLanguage.isVisible(), true);
        await page.getByLabel('Large print').check();
        await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
        assert.match(await page.title(), /^Error: Change customer details/);
        assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the language to interpret/);
        assert.equal(await interpreterLanguage.isVisible(), true, 'still shown with its error');
        await interpreterLanguage.fill('Polish');
        await page.getByLabel('Preferred language').selectOption('pl');
        await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
        await assertBackOnRecord(page, id, 'Customer details saved');
        const row = await server.db
          .selectFrom('customers')
          .select(['needs', 'interpreter_language', 'preferred_language'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          { needs: [...row.needs].sort(), interpreter: row.interpreter_language, language: row.preferred_language },
          { needs: ['interpreter', 'large_print'], interpreter: 'Polish', language: 'pl' },
        );

        // A phone number, typed the caller's way, shown the national way.
        await checked.goto(`/staff/customers/${id}/contact-details`);
        await page.getByLabel('Add a phone number').fill('+44 7812 345678');
        await page.getByLabel('Make this the main phone number').check();
        await checked.navigate(() => page.getByRole('button', { name: 'Add phone number' }).click());
        await assertBackOnRecord(page, id, 'Phone number added');
        await checked.goto(`/staff/customers/${id}/contact-details`);
        assert.match(await page.locator('#phones').innerText(), /07812 345678/);

        await moveByPostcodeLookUp(checked, id);

        // The duplicate: found by search, compared, merged.
        await checked.goto(`/staff/customers/${id}/merge`);
        assert.equal(await heading(page), 'Merge a duplicate record');
        await page.getByLabel('Search for the duplicate').fill('Aleksandra Nowack');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        await checked.navigate(() => page.locator('#merge-results').getByRole('link', { name: 'Aleksandra Nowack' }).click());
        assert.equal(pathOf(page), `/staff/customers/${id}/merge/${duplicate}`);
        assert.match(await page.locator('#merged-record').innerText(), /Aleksandra Nowack/);
        assert.match(await page.locator('.govuk-warning-text').innerText(), /cannot be undone/);
        await checked.navigate(() => page.getByRole('button', { name: 'Merge records' }).click());
        await assertBackOnRecord(page, id, 'Records merged');
        const merged = await server.db
          .selectFrom('customers')
          .select('merged_into')
          .where('id', '=', duplicate)
          .executeTakeFirstOrThrow();
        assert.equal(merged.merged_into, id);
      } finally {
        await checked.done();
      }
    },
  );

  it('finds the address by postcode and moves the customer with JavaScript turned off', TIMEOUT, async () => {
    const id = await aCustomer({ givenName: 'Dafydd', familyName: 'Ellis' });
    const checked = await openPage(browser(), server.url, { javaScript: false });
    try {
      await signInAs(checked, advisor);
      await checked.goto(`/staff/customers/${id}/details`);
      assert.equal(await checked.page.getByLabel('Language to interpret').isVisible(), true, 'shown without JavaScript');
      await moveByPostcodeLookUp(checked, id);
    } finally {
      await checked.done();
    }
  });
});
