// The team queue in a real browser, with JavaScript and without: a team leader narrows the queue
// with the filter, removes a filter, sorts by a heading, is told what to fix, and shares cases out.
// axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aQueueFixture, type QueueFixture } from '../support/cases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

const references = async (page: Page) => (await page.locator('#queue tbody tr td a').allInnerTexts()).map((text) => text.trim());

browserSuite('the team queue in a browser', (browser) => {
  let server: TestServer;
  let fixture: QueueFixture;
  before(async () => {
    server = await startTestServer();
    fixture = await aQueueFixture(server);
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(`lets a team leader filter the queue and share cases out (JavaScript ${javaScript ? 'on' : 'off'})`, TIMEOUT, async () => {
      const late = [
        await fixture.raise({ description: 'Grey bin missed again', ward: 'castle' }),
        await fixture.raise({ service: 'fly-tipping', description: 'Sofa on the verge', ward: 'carreg' }),
      ];
      for (const item of late) await fixture.due(item.id, -2);
      const fresh = await fixture.raise({ description: 'Garden waste not collected', ward: 'castle' });
      await fixture.due(fresh.id, 10);

      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await signInAs(checked, fixture.people.leader);
      await checked.navigate(() =>
        page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Cases' }).click(),
      );
      assert.equal(await heading(page), 'Cases: Waste and Recycling');

      // The filter: overdue cases nobody has yet.
      await page.getByRole('group', { name: 'Time to resolve' }).getByLabel('Overdue').check();
      await page.getByRole('group', { name: 'Assigned' }).getByLabel('Unassigned').check();
      await checked.navigate(() => page.getByRole('button', { name: 'Apply filters' }).click());
      assert.match(page.url(), /sla=overdue/);
      assert.deepEqual((await references(page)).sort(), late.map((item) => item.reference).sort());
      assert.equal((await page.locator('#case-count').innerText()).trim(), '2 cases');

      // Removing one filter keeps the other.
      await checked.navigate(() => page.getByRole('link', { name: 'Remove this filter Unassigned' }).click());
      assert.match(page.url(), /sla=overdue/);
      assert.doesNotMatch(page.url(), /unassigned=/);
      assert.ok(!(await references(page)).includes(fresh.reference));

      // Sorting by a heading, newest first, keeps the filter.
      await checked.navigate(() => page.getByRole('link', { name: 'Received' }).click());
      assert.equal(await page.locator('th[aria-sort="descending"]').innerText(), 'Received');
      assert.match(page.url(), /sla=overdue/);

      // Nothing chosen: the same queue with what to fix.
      await checked.navigate(() => page.getByRole('button', { name: 'Assign', exact: true }).click());
      assert.match(await page.title(), /^Error: Cases: Waste and Recycling/);
      assert.deepEqual(
        (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
        ['Select at least one case', 'Choose who to assign the selected cases to'],
      );

      for (const item of late) await page.getByLabel(`Select ${item.reference}`).check();
      await page.getByLabel('Assign the selected cases to').selectOption({ label: 'Sam Officer' });
      await checked.navigate(() => page.getByRole('button', { name: 'Assign', exact: true }).click());
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /2 cases assigned to Sam Officer/);
      assert.match(page.url(), /sla=overdue/, 'back on the same queue');
      assert.match(page.url(), /sort=received/);
      for (const item of late) {
        assert.match(await page.locator('#queue tbody tr', { hasText: item.reference }).innerText(), /Sam Officer/);
      }

      // The filter is in the address: the page works as a link, without the form.
      await checked.goto(`/staff/cases?ward=Castle&sort=received`);
      assert.ok((await references(page)).includes(fresh.reference));
      assert.ok(!(await references(page)).includes(late[1]!.reference));
      await checked.done();
    });
  }
});
