// The outbox in a real browser: an advisor finds it in the navigation, filters it and reads a
// message; with and without JavaScript. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { queueNotification } from '../../src/platform/notifications/outbox.ts';
import { browserSuite, fillSignIn, openPage } from '../support/browser.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('the outbox in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    advisor = await aStaffMember(server.db, { roles: ['advisor'] });
    const personalisation = {
      name: 'Siân Roberts',
      reference: 'ODR-7K4M-2Q9P',
      serviceName: 'Missed bin collection',
      dueDate: '3 March 2026',
      trackingUrl: 'https://council.example/track/abc',
    };
    await server.db.transaction().execute(async (trx) => {
      const base = {
        councilId,
        event: 'case.received' as const,
        language: 'en' as const,
        personalisation,
        recordType: 'case',
        recordId: 'ODR-7K4M-2Q9P',
      };
      await queueNotification(trx, { ...base, channel: 'email', recipient: 'sian@example.com' });
      await queueNotification(trx, { ...base, channel: 'sms', recipient: '07911 123456' });
      await queueNotification(trx, {
        ...base,
        channel: 'letter',
        recipient: 'Siân Roberts\n1 Castle Street\nOswestry\nSY11 1AA',
      });
    });
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(`filters the outbox and reads a message ${javaScript ? 'with' : 'without'} JavaScript`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await checked.goto('/staff/sign-in');
      await fillSignIn(checked, advisor.email, advisor.password);

      await checked.navigate(() =>
        page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Outbox' }).click(),
      );
      assert.equal(await heading(page), 'Outbox');
      assert.equal(await page.locator('tbody tr').count(), 3);

      await page.getByLabel('Channel').selectOption({ label: 'Letter' });
      await checked.navigate(() => page.getByRole('button', { name: 'Apply filters' }).click());
      assert.equal(await page.locator('tbody tr').count(), 1);
      assert.match(await page.locator('.moj-filter__selected').innerText(), /Letter/);

      await checked.navigate(() => page.getByRole('link', { name: 'Your request about Missed bin collection' }).click());
      assert.equal(await heading(page), 'Message to Siân Roberts');
      assert.match(await page.locator('#message-body').innerText(), /^Dear Siân Roberts\n/);

      await checked.navigate(() => page.getByRole('link', { name: 'Back to the outbox' }).click());
      assert.equal(await heading(page), 'Outbox');
      await checked.done();
    });
  }
});
