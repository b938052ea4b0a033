// Webhooks in a real browser: an administrator adds one through the pages (fixing the form first),
// sees its secret once, reads its deliveries and attempts, pauses and resumes it, changes its
// secret and deletes it. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { recordEvent } from '../../src/platform/events/events.ts';
import { fanOutEvent } from '../../src/integration/webhooks/delivery.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('webhooks in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('adds a webhook through the pages, shows its deliveries, pauses, resumes, rotates and deletes it', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, ADMIN);

    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Webhooks' }).click(),
    );
    assert.equal(await heading(page), 'Webhooks');
    await checked.navigate(() => page.getByRole('button', { name: 'Add a webhook' }).click());

    await page.getByLabel('Address (URL)').fill('http://waste.example.gov.uk/hook');
    await checked.navigate(() => page.getByRole('button', { name: 'Add webhook' }).click());
    assert.match(await page.title(), /^Error: Add a webhook/);
    assert.deepEqual(
      (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
      ['Enter a name for the webhook', 'The address must start with https://', 'Select at least one event'],
    );

    await page.getByLabel('Name').fill('Waste system');
    await page.getByLabel('Address (URL)').fill('https://waste.example.gov.uk/hook');
    await page.getByRole('checkbox', { name: 'case.created' }).check();
    await page.getByRole('checkbox', { name: 'case.status_changed' }).check();
    await checked.navigate(() => page.getByRole('button', { name: 'Add webhook' }).click());
    assert.equal(await heading(page), 'Your webhook’s signing secret');
    const secret = (await page.locator('#webhook-secret').innerText()).trim();
    assert.match(secret, /^whsec_/);

    // Something happens, and the waste system has not been taking it.
    const councilId = (await findFirstCouncil(server.db))!.id;
    const eventId = await server.db
      .transaction()
      .execute((trx) =>
        recordEvent(trx, { councilId, type: 'case.created', subject: 'ODR-BROW-SER1', data: { reference: 'ODR-BROW-SER1' } }),
      );
    await fanOutEvent(server.db, eventId);
    const delivery = await server.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('event_id', '=', eventId)
      .executeTakeFirstOrThrow();
    await server.db
      .insertInto('webhook_attempts')
      .values({
        delivery_id: delivery.id,
        outcome: 'failed',
        status_code: 502,
        duration_ms: 321,
        response_excerpt: 'Bad gateway',
      })
      .execute();

    await checked.navigate(() => page.getByRole('link', { name: 'Go to the webhook Waste system' }).click());
    assert.equal(await heading(page), 'Waste system');
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
    const row = page.locator('tbody tr').filter({ hasText: 'ODR-BROW-SER1' }).first();
    await row.getByText('1 attempt').click();
    assert.match(await row.innerText(), /502/);
    assert.match(await row.innerText(), /321 ms/);
    assert.match(await row.innerText(), /Bad gateway/);
    await checked.check();

    await checked.navigate(() => page.getByRole('button', { name: 'Pause' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The webhook has been paused/);
    await checked.navigate(() => page.getByRole('button', { name: 'Resume' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The webhook has been resumed/);

    await checked.navigate(() => page.getByRole('link', { name: 'Change the secret' }).click());
    assert.equal(await heading(page), 'Change the secret of Waste system?');
    await checked.navigate(() => page.getByRole('button', { name: 'Change secret' }).click());
    assert.equal(await heading(page), 'Your webhook’s new signing secret');
    assert.notEqual((await page.locator('#webhook-secret').innerText()).trim(), secret);

    await checked.navigate(() => page.getByRole('link', { name: 'Go to the webhook Waste system' }).click());
    await checked.navigate(() => page.getByRole('link', { name: 'Delete' }).click());
    assert.equal(await heading(page), 'Delete the webhook Waste system?');
    await checked.navigate(() => page.getByRole('button', { name: 'Delete webhook' }).click());
    assert.equal(await heading(page), 'Webhooks');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The webhook has been deleted/);
    assert.equal(await page.locator('tbody tr').filter({ hasText: 'Waste system' }).count(), 0);
    await checked.done();
  });
});
