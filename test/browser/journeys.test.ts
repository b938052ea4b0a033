// A resident's online request in a real browser: from the service's start page to the
// confirmation, with JavaScript on and off, with the keyboard alone, at 320 px wide, and in
// Urdu, right to left. Every page and every error state passes axe on the way.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { aPotholesServiceOnTheMap, aService } from '../support/builders.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project leaves out the DOM library).
declare const document: {
  documentElement: { scrollWidth: number };
  activeElement: { matches(selector: string): boolean } | null;
};

const TIMEOUT = { timeout: 180_000 };

const heading = async (page: Page) => (await page.locator('h1').first().innerText()).trim();

/** Presses Tab until the element matching `selector` has the focus: reachable by keyboard, in order. */
async function tabTo(page: Page, selector: string, most = 60): Promise<void> {
  for (let presses = 0; presses < most; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
  }
  assert.fail(`${selector} could not be reached with the Tab key on ${page.url()}`);
}

browserSuite('an online request in a browser', (browser) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const { db } = server;
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Street Scene' });
    await aService(db, {
      councilId,
      teamId,
      code: 'fly-tipping',
      name: 'Fly-tipping',
      slaWorkingDays: 5,
      questions: [
        {
          code: 'what',
          label: 'What has been dumped?',
          kind: 'choice',
          options: [
            ['bags', 'Bags'],
            ['sofa', 'A sofa'],
          ],
        },
        { code: 'where', label: 'Where is it?', kind: 'location' },
        { code: 'seen', label: 'When did you first see it?', kind: 'date', required: false },
      ],
    });
    await db
      .insertInto('properties')
      .values(
        [1, 2, 3].map((number) => ({
          uprn: 300_000 + number,
          council_id: councilId,
          address_line1: `${number} Church Street`,
          town: 'Oswestry',
          postcode: 'SY11 2AA',
          latitude: 52.86 + number * 0.01,
          longitude: -3.05,
          ward: 'Castle',
        })),
      )
      .execute();
  });
  after(() => server.close());

  /** With the mouse (clicks), from the start page to the confirmation, meeting one error on the way. */
  async function walk(
    checked: CheckedPage,
    email: string,
    options: { address: number; narrow?: boolean; alreadyReported?: boolean },
  ) {
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

    await checked.goto('/services/fly-tipping');
    await fitsNarrowScreen();
    await checked.navigate(() => page.getByRole('button', { name: 'Start now' }).click());
    assert.equal(await heading(page), 'What has been dumped?');
    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    assert.equal(await page.title(), 'Error: What has been dumped? – OneDoor Council');
    await page.getByLabel('Bags').check();
    await next();

    await page.getByLabel('Postcode').fill('SY11 2AA');
    await next();
    assert.equal(await heading(page), 'Select the address');
    await page.getByLabel('Address').selectOption({ label: `${options.address} Church Street, Oswestry, SY11 2AA` });
    await next();
    if (options.alreadyReported) {
      assert.equal(await heading(page), 'Has this already been reported?');
      await page.getByLabel('No, report a new problem').check();
      await next();
    }

    assert.equal(await heading(page), 'When did you first see it? (optional)');
    await next();
    await page.getByLabel('Tell us more').fill('Six black bags by the churchyard wall');
    await next();
    await page.getByLabel('First name').fill('Gwen');
    await page.getByLabel('Last name').fill('Price');
    await page.getByLabel('Email address').fill(email);
    await next();

    assert.equal(await heading(page), 'Check your answers before sending your request');
    await checked.navigate(() => page.getByRole('link', { name: 'Change What has been dumped?' }).click());
    assert.equal(await page.getByLabel('Bags').isChecked(), true, 'the answer given is kept');
    await page.getByLabel('A sofa').check();
    await next();
    assert.equal(await heading(page), 'Check your answers before sending your request');
    assert.match(await page.locator('.govuk-summary-list').first().innerText(), /A sofa/);

    await checked.navigate(() => page.getByRole('button', { name: 'Accept and send' }).click());
    await fitsNarrowScreen();
    assert.equal(await heading(page), 'Request sent');
    return (await page.locator('.govuk-panel__body strong').innerText()).trim();
  }

  for (const javaScript of [true, false]) {
    it(`takes a request from the start page to its reference (JavaScript ${javaScript ? 'on' : 'off'})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const reference = await walk(checked, `walk-${javaScript}@example.com`, { address: javaScript ? 2 : 3 });
      assert.match(reference, /^ODR-/);
      await checked.navigate(() => checked.page.getByRole('link', { name: 'Follow your request’s progress' }).click());
      assert.match(await heading(checked.page), new RegExp(reference));
      await checked.done();
    });
  }

  it('fits a 320 px wide screen on every page without scrolling sideways', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 320, height: 640 } });
    // At an address with a request already sent by the run before: the page offering to follow it is checked too.
    await walk(checked, 'narrow@example.com', { address: 2, narrow: true, alreadyReported: true });
    await checked.done();
  });

  it('can be completed with the keyboard alone', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    const press = async (key: string) => checked.navigate(() => page.keyboard.press(key));
    await checked.goto('/services/fly-tipping');
    await tabTo(page, 'a.govuk-button--start');
    await press('Enter');
    await tabTo(page, 'input[value="bags"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'button.govuk-button');
    await press('Enter');
    await tabTo(page, 'input[name="answer"]');
    await page.keyboard.type('SY11 2AA');
    await press('Enter');
    await tabTo(page, 'select#uprn');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'button.govuk-button');
    await press('Enter');
    await tabTo(page, 'input[name="answer-day"]');
    await page.keyboard.type('1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026');
    await press('Enter');
    await tabTo(page, 'textarea#description');
    await page.keyboard.type('A mattress on the pavement');
    await tabTo(page, 'button.govuk-button');
    await press('Enter');
    for (const [field, text] of [
      ['#givenName', 'Kay'],
      ['#familyName', 'Board'],
      ['#email', 'keyboard@example.com'],
    ] as const)
      await tabTo(page, field).then(() => page.keyboard.type(text));
    await press('Enter');
    assert.equal(await heading(page), 'Check your answers before sending your request');
    await tabTo(page, 'button.govuk-button');
    await press('Enter');
    assert.equal(await heading(page), 'Request sent');
    await checked.done();
  });

  it('is offered in Urdu, right to left, error states included', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await checked.goto('/services/fly-tipping/start?lang=ur');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    await checked.done();
  });

  it('puts the place on the council’s map with the keyboard, when there is a map and JavaScript', TIMEOUT, async () => {
    // The council's tiles, here one grey square for every tile.
    const tile = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mO8ePHifwAHXwNMyu2dZAAAAABJRU5ErkJggg==',
      'base64',
    );
    const tiles = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(tile));
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    const tilesUrl = `http://127.0.0.1:${(tiles.address() as AddressInfo).port}`;
    const mapped = await startTestServer({
      env: { ONEDOOR_MAP_TILES: `${tilesUrl}/{z}/{x}/{y}.png`, ONEDOOR_MAP_ATTRIBUTION: '© Test mappers' },
    });
    try {
      await aPotholesServiceOnTheMap(mapped.db);

      const checked = await openPage(browser(), mapped.url);
      const { page } = checked;
      await checked.goto('/services/potholes/start');
      assert.equal(await page.getByRole('heading', { name: 'Or put it on the map' }).isVisible(), true);
      await page.locator('.leaflet-tile-loaded').first().waitFor();
      await checked.check();
      await tabTo(page, '.leaflet-container');
      // One press pans 80 pixels north (about 920 m at the opening zoom, inside the council's 1 km);
      // Leaflet ignores presses while a pan is still moving, so wait for it to end.
      const opening = Number(await page.locator('input[name="lat"]').inputValue());
      await page.keyboard.press('ArrowUp');
      // (waitForFunction with a string would need eval, which the page's CSP forbids.)
      const latitude = page.locator('input[name="lat"]');
      for (let tries = 0; Number(await latitude.inputValue()) <= opening; tries++) {
        assert.ok(tries < 100, 'the map moved north and the form kept its new centre');
        await page.waitForTimeout(50);
      }
      await tabTo(page, 'button[value="pin"]');
      await checked.navigate(() => page.keyboard.press('Enter'));
      assert.equal(await heading(page), 'Tell us more');
      const sessions = await mapped.db.selectFrom('sessions').select('data').execute();
      const kept = sessions
        .map((row) => JSON.stringify(row.data).match(/\{[^{}]*"kind":"point"[^{}]*\}/)?.[0])
        .find((found) => found !== undefined);
      assert.ok(kept, 'the centre of the map was kept as the answer');
      const { lat } = JSON.parse(kept) as { lat: number };
      assert.ok(lat > 52.8604 + 0.005, `the place kept is the one moved to, north of the property: ${lat}`);
      await checked.done();
    } finally {
      await mapped.close();
      tiles.close();
    }
  });
});
