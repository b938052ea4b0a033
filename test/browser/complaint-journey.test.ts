// Making a complaint in a real browser: from the start page to the reference, with JavaScript on
// and off, at 320 px wide, and in Urdu, right to left. Every page and every error state met on
// the way passes axe.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { aService } from '../support/builders.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project leaves out the DOM library).
declare const document: { documentElement: { scrollWidth: number } };

const TIMEOUT = { timeout: 180_000 };

const heading = async (page: Page) => (await page.locator('h1').first().innerText()).trim();

browserSuite('making a complaint in a browser', (browser) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    const teamId = await insertTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste and Recycling' });
    await aService(server.db, { councilId, teamId, code: 'bins', name: 'Bin collections', slaWorkingDays: 5 });
    await aService(server.db, { councilId, teamId, code: 'recycling', name: 'Recycling', slaWorkingDays: 5 });
  });
  after(() => server.close());

  /** With the mouse, from the start page to the confirmation, meeting errors on the way. */
  async function walk(checked: CheckedPage, email: string, options: { narrow?: boolean } = {}) {
    const { page } = checked;
    const fitsNarrowScreen = async () => {
      if (!options.narrow) return;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${page.url()} is ${width}px wide at 320 px`);
    };
    const next = async () => {
      await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
      await fitsNarrowScreen();
    };

    await checked.goto('/');
    await checked.navigate(() => page.getByRole('link', { name: 'Make a complaint' }).click());
    await fitsNarrowScreen();
    assert.equal(await heading(page), 'Make a complaint, give a compliment or a comment');
    await checked.navigate(() => page.getByRole('button', { name: 'Start now' }).click());
    await fitsNarrowScreen();

    assert.equal(await heading(page), 'What would you like to do?');
    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    assert.equal(await page.title(), 'Error: What would you like to do? – OneDoor Council');
    await page.getByLabel('Make a complaint').check();
    await next();

    assert.equal(await heading(page), 'Which service is it about?');
    await page.getByLabel('Bin collections').check();
    await next();

    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true, 'nothing said about what happened');
    await page.getByLabel('What happened?').fill('Our street’s bins were missed three weeks running.');
    await next();
    await page.getByLabel('What would you like us to do to put things right?').fill('Collect them and tell us why.');
    await next();

    assert.equal(await heading(page), 'Do you need us to do anything differently so that you can take part?');
    await page.getByLabel('Yes', { exact: true }).check();
    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true, 'yes, but not what');
    await page.getByLabel('If yes, what do you need us to do?').fill('Phone me rather than write.');
    await next();

    await page.getByLabel('First name').fill('Gwen');
    await page.getByLabel('Last name').fill('Price');
    await page.getByLabel('Email address').fill(email);
    await next();

    assert.equal(await heading(page), 'Check your answers before sending');
    await checked.navigate(() => page.getByRole('link', { name: 'Change Service' }).click());
    assert.equal(await page.getByLabel('Bin collections').isChecked(), true, 'the answer given is kept');
    await page.getByLabel('Recycling').check();
    await next();
    assert.equal(await heading(page), 'Check your answers before sending');
    assert.match(await page.locator('.govuk-summary-list').first().innerText(), /Recycling/);

    await checked.navigate(() => page.getByRole('button', { name: 'Send' }).click());
    await fitsNarrowScreen();
    assert.equal(await heading(page), 'Complaint sent');
    return (await page.locator('.govuk-panel__body strong').innerText()).trim();
  }

  for (const javaScript of [true, false]) {
    it(`takes a complaint from the start page to its reference (JavaScript ${javaScript ? 'on' : 'off'})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const reference = await walk(checked, `walk-${javaScript}@example.com`);
      assert.match(reference, /^CMP-/);
      const recorded = await server.db
        .selectFrom('complaints')
        .select(['channel', 'kind', 'adjustments'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      assert.deepEqual(recorded, { channel: 'web', kind: 'complaint', adjustments: 'Phone me rather than write.' });
      await checked.done();
    });
  }

  it('fits a 320 px wide screen on every page without scrolling sideways', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 320, height: 640 } });
    await walk(checked, 'narrow@example.com', { narrow: true });
    await checked.done();
  });

  it('is offered in Urdu, right to left, error states included', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 320, height: 640 } });
    const { page } = checked;
    await checked.goto('/complaints?lang=ur');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await heading(page), 'شکایت کریں، تعریف کریں یا رائے دیں');
    await checked.navigate(() => page.getByRole('button', { name: 'ابھی شروع کریں' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    await page.getByLabel('شکایت کریں').check();
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await heading(page), 'یہ کس خدمت کے بارے میں ہے؟');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `the Urdu page is ${width}px wide at 320 px`);
    await checked.done();
  });
});
