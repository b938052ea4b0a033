// Finding things on the resident portal in a real browser, with JavaScript on and off: home →
// A to Z → a service's start page → one of its help articles (and telling us it was not useful),
// the search box, and the home page in Urdu, right to left; every page passes axe and fits a
// 320 px wide screen without scrolling sideways (WCAG 1.4.10 reflow).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService } from '../support/builders.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project leaves out the DOM library).
declare const document: { documentElement: { scrollWidth: number; lang: string; dir: string } };

const TIMEOUT = { timeout: 120_000 };

async function headingOf(checked: CheckedPage): Promise<string> {
  return (await checked.page.locator('h1').innerText()).trim();
}

browserSuite('finding things on the resident portal in a browser', (browser) => {
  let server: TestServer;
  let articleId: string;

  before(async () => {
    server = await startTestServer();
    const { db } = server;
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Streets' });
    const potholes = await aService(db, {
      councilId,
      teamId,
      code: 'potholes',
      name: 'Potholes',
      nameCy: 'Tyllau yn y ffordd',
      slaWorkingDays: 5,
    });
    await db
      .updateTable('services')
      .set({ description: 'Tell us about a hole in a road, pavement or cycle path anywhere in the borough.' })
      .where('id', '=', potholes)
      .execute();
    for (const [code, name, nameCy] of [
      ['council-tax', 'Council Tax', 'Treth Gyngor'],
      ['bin-collection-days', 'Bin collection days', 'Diwrnodau casglu biniau'],
      ['disabled-facilities-grant', 'Disabled Facilities Grant', 'Grant Cyfleusterau i’r Anabl'],
      ['libraries', 'Libraries', 'Llyfrgelloedd'],
    ] as const)
      await aService(db, { councilId, teamId, code, name, nameCy, slaWorkingDays: 10 });
    articleId = (
      await server.services.knowledge.create(
        systemActor('test'),
        {
          title: 'How we mend potholes',
          body: 'We inspect every pothole reported within two working days.\n\nDangerous ones are made safe within a day.',
          audience: 'public',
          serviceId: potholes,
        },
        { councilId, status: 'published' },
      )
    ).id;
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(
      `goes from the home page through the A to Z to a service and its article (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await checked.goto('/');
        await checked.navigate(() => page.getByRole('link', { name: 'See all council services from A to Z' }).click());
        assert.equal(await headingOf(checked), 'Council services A to Z');
        await page
          .getByRole('navigation', { name: 'Services by first letter' })
          .getByRole('link', { name: 'P', exact: true })
          .click();
        assert.equal(new URL(page.url()).hash, '#letter-p');
        await checked.navigate(() => page.getByRole('link', { name: 'Potholes' }).click());
        assert.equal(await headingOf(checked), 'Potholes');
        assert.ok(await page.getByText('We usually deal with this within 5 working days.').isVisible());
        await checked.navigate(() => page.getByRole('link', { name: 'How we mend potholes' }).click());
        assert.equal(new URL(page.url()).pathname, `/help/${articleId}`);
        assert.ok(await page.getByText('Dangerous ones are made safe within a day.').isVisible());

        // Was it useful? No: say what was missing, too long at first, then put right.
        await checked.navigate(() => page.getByRole('link', { name: 'No, this page is not useful' }).click());
        assert.equal(await headingOf(checked), 'Help us improve this page');
        await page.getByLabel('What were you looking for? (optional)').fill('x'.repeat(501));
        await checked.navigate(() => page.getByRole('button', { name: 'Send' }).click());
        assert.ok(
          await page.getByRole('alert').getByText('What you were looking for must be 500 characters or fewer').isVisible(),
        );
        await page.getByLabel('What were you looking for? (optional)').fill('How deep does a pothole have to be?');
        await checked.navigate(() => page.getByRole('button', { name: 'Send' }).click());
        assert.equal(await headingOf(checked), 'Thank you for your feedback');
        await checked.navigate(() => page.getByRole('link', { name: 'Back to ‘How we mend potholes’' }).click());
        assert.equal(new URL(page.url()).pathname, `/help/${articleId}`);

        await checked.navigate(() => page.getByRole('main').getByRole('link', { name: 'Potholes' }).click());
        assert.equal(await headingOf(checked), 'Potholes');
        await checked.done();
      },
    );

    it(
      `searches from the home page and finds a service and an article (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await checked.goto('/');
        await page.getByLabel('Search council services and help').fill('pothole');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        assert.equal(new URL(page.url()).pathname, '/search');
        const results = page.getByRole('main');
        assert.ok(await results.getByRole('link', { name: 'Potholes', exact: true }).isVisible());
        assert.ok(await results.getByRole('link', { name: 'How we mend potholes' }).isVisible());

        await page.getByLabel('Search council services and help').fill('zebra crossing');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        assert.ok(await page.getByText('There are no matching results.').isVisible());

        await page.getByLabel('Search council services and help').fill('');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        assert.ok(await page.getByText('Enter what you are looking for').isVisible());
        await checked.done();
      },
    );

    it(
      `shows the home page in Urdu, right to left, and goes back to English (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await checked.goto('/');
        await checked.navigate(() => page.getByRole('link', { name: 'اردو' }).click());
        assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ur', 'rtl']);
        // The column of text stands on the right, where a right-to-left reader starts.
        const heading = (await page.locator('main h1').boundingBox())!;
        const main = (await page.locator('main').boundingBox())!;
        assert.ok(heading.x + heading.width > main.x + main.width - 2, 'the heading ends at the right edge');
        assert.ok(heading.x > main.x + 100, 'and not at the left');
        assert.ok(await page.getByRole('heading', { name: 'ہم سے رابطہ کریں' }).isVisible());

        await page.setViewportSize({ width: 320, height: 640 });
        await checked.check();
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= 320, `the Urdu home page is ${scrollWidth}px wide at 320 px`);

        await checked.navigate(() => page.getByRole('link', { name: 'English' }).click());
        assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['en', '']);
        await checked.done();
      },
    );

    it(
      `fits the finding pages into 320 px${javaScript ? ', in English and Welsh,' : ''} (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript, viewport: { width: 320, height: 640 } });
        const paths = [
          '/',
          '/services',
          '/services/potholes',
          '/services/disabled-facilities-grant',
          `/help/${articleId}`,
          '/search?q=pothole',
          '/search?q=nothing+here',
          '/search',
        ];
        // Welsh names are longer; without JavaScript the layout is the same, so English alone is enough there.
        for (const language of javaScript ? ['en', 'cy'] : ['en']) {
          await checked.goto(`/?lang=${language}`);
          for (const path of paths) {
            await checked.goto(path);
            const scrollWidth = await checked.page.evaluate(() => document.documentElement.scrollWidth);
            assert.ok(scrollWidth <= 320, `${path} in ${language} is ${scrollWidth}px wide`);
          }
        }
        await checked.done();
      },
    );
  }
});
