// The live performance dashboard in a real browser, with axe on every page: a team leader opens it
// from the navigation, and the page, left open, picks up a new contact and a new case by itself
// (its refresh interval, data-refresh-seconds, set to 1 second here rather than waiting a minute),
// keeping the keyboard focus where it was; without JavaScript, the "Refresh" link does the same.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { aQueueFixture, type QueueFixture } from '../support/cases.ts';
import { browserSuite, openPage, signInAs, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Run in the page by page.evaluate: the browser's document, which Node's types do not know.
declare const document: { activeElement: { id?: string } | null };

const TIMEOUT = { timeout: 180_000 };
const PAGE = '/staff/performance/dashboard';

browserSuite('the live performance dashboard in a browser', (browser) => {
  let server: TestServer;
  let fixture: QueueFixture;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    fixture = await aQueueFixture(server, 'live');
    councilId = (await findFirstCouncil(server.db))!.id;
    const overdue = await fixture.raise({ description: 'Grey bin missed three weeks running' });
    await fixture.due(overdue.id, -3);
    await aContactNow();
  });
  after(() => server.close());

  async function aContactNow() {
    const startedAt = new Date(Date.now() - 30_000);
    await server.db
      .insertInto('contacts')
      .values({
        council_id: councilId,
        channel: 'web',
        outcome: 'resolved_first_contact',
        started_at: startedAt,
        ended_at: new Date(startedAt.getTime() + 60_000),
      })
      .execute();
  }

  /** Serves the dashboard asking its script to refresh every second. */
  async function everySecond(checked: CheckedPage) {
    await checked.page.route(`**${PAGE}`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('data-refresh-seconds="60"', 'data-refresh-seconds="1"');
      await route.fulfill({ response, body });
    });
  }

  const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).trim();

  it('refreshes the figures by itself when a contact is logged and a case raised', TIMEOUT, async () => {
    const office = await openPage(browser(), server.url);
    await everySecond(office);
    await signInAs(office, fixture.people.leader);
    await office.navigate(() =>
      office.page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Live dashboard' }).click(),
    );
    const { page } = office;
    assert.equal((await text(page, 'h1')).replace(/\s+/g, ' '), 'Live dashboard');
    assert.equal(await page.locator('#refresh-dashboard').isVisible(), false, 'with JavaScript the page refreshes itself');
    assert.equal(await page.locator('#live-note').isVisible(), true);
    assert.equal(await page.locator('#chart-all').getAttribute('role'), 'img');
    assert.match(await text(page, '#contacts-so-far'), /^Contacts so far today: 1\./);
    const openCases = `#team-${fixture.teams.waste} [data-figure="open"]`;
    assert.equal(await text(page, openCases), '1');

    // Focus on the team's link, as someone reading the table with a keyboard would be.
    const link = page.locator(`#team-link-${fixture.teams.waste}`);
    await link.focus();
    await aContactNow();
    await fixture.raise({ description: 'Food caddy not emptied' });
    await page
      .locator('#contacts-so-far')
      .filter({ hasText: /^Contacts so far today: 2\./ })
      .waitFor({ timeout: 15_000 });
    await page.locator(openCases).filter({ hasText: /^2$/ }).waitFor({ timeout: 15_000 });
    assert.equal(
      await page
        .locator('#chart-all rect[data-today]')
        .evaluateAll((bars) => bars.reduce((sum, bar) => sum + Number(bar.getAttribute('data-today')), 0)),
      2,
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `team-link-${fixture.teams.waste}`,
      'the focus stays on the link it was on',
    );
    await office.check();

    // The team's link leads to its queue.
    await office.navigate(() => link.click());
    assert.match(await text(page, 'h1'), /^Cases: Waste and Recycling/);
    await office.done();
  });

  it('offers a Refresh link without JavaScript, which shows the latest figures', TIMEOUT, async () => {
    const office = await openPage(browser(), server.url, { javaScript: false });
    await signInAs(office, fixture.people.leader);
    await office.goto(PAGE);
    const { page } = office;
    assert.equal(await page.locator('#refresh-dashboard').isVisible(), true);
    assert.equal(await page.locator('#live-note').isVisible(), false);
    const before = await text(page, '#contacts-so-far');
    await aContactNow();
    await office.navigate(() => page.getByRole('link', { name: 'Refresh' }).click());
    assert.notEqual(await text(page, '#contacts-so-far'), before);
    assert.match(await text(page, '#last-updated'), /^Figures as at /);
    await office.done();
  });
});
