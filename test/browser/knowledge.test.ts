// The knowledge base in a real browser: an administrator reaches it from the navigation, is told
// what to fix, adds and publishes an article, finds it by searching (the match marked), changes it
// and reads its history and the first version. Then again without JavaScript. It also shows the
// editors what residents said of a public article. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 300_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('the knowledge base in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const council = await findFirstCouncil(server.db);
    const teamId = await insertTeam(server.db, { organisationId: council!.id, code: 'waste', name: 'Waste and Recycling' });
    await server.services.services.create(
      systemActor('test'),
      {
        code: 'bulky-waste',
        name: 'Bulky waste collections',
        teamId,
        public: 'yes',
        firstContactResolvable: 'no',
        slaWorkingDays: '10',
        defaultPriority: 'normal',
      },
      council!.id,
    );
  });
  after(() => server.close());

  it('shows the editors what residents said of a public article, and passes axe', TIMEOUT, async () => {
    const councilId = (await findFirstCouncil(server.db))!.id;
    const { id } = await server.services.knowledge.create(
      systemActor('test'),
      { title: 'When we collect bulky waste', body: 'Within ten working days of booking.', audience: 'public' },
      { councilId, status: 'published' },
    );
    for (const answer of [{ useful: 'yes' }, { useful: 'no', comment: 'Can I book for a Saturday?' }])
      await server.services.knowledge.recordPublicFeedback(councilId, id, answer, 'en');

    const checked = await openPage(browser(), server.url);
    await signInAs(checked, ADMIN);
    await checked.goto(`/staff/knowledge/${id}`);
    const main = await checked.page.locator('main').innerText();
    assert.match(main, /What residents said/);
    assert.match(main, /1 found it useful and 1 did not\./);
    assert.match(main, /Can I book for a Saturday\?/);
    await checked.done();
  });

  for (const javaScript of [true, false]) {
    it(
      `adds, finds, changes and shows the history of an article${javaScript ? '' : ' without JavaScript'}`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        const title = javaScript ? 'Bulky waste: what we collect' : 'Sofas and mattresses';
        await signInAs(checked, ADMIN);

        await checked.navigate(() =>
          page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Knowledge base' }).click(),
        );
        assert.equal(await heading(page), 'Knowledge base');
        await checked.navigate(() => page.getByRole('button', { name: 'Add an article' }).click());
        assert.equal(await heading(page), 'Add an article');

        await checked.navigate(() => page.getByRole('button', { name: 'Save as a draft' }).click());
        assert.match(await page.title(), /^Error: Add an article/);
        assert.deepEqual(
          (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
          ['Enter a title', 'Enter the article'],
        );

        await page.getByLabel('Title', { exact: true }).fill(title);
        await page
          .getByLabel('Article', { exact: true })
          .fill('We collect up to 10 items per booking.\n\nFridges and freezers count as two items.');
        await page.getByRole('radio', { name: 'Advisors' }).check();
        await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Bulky waste collections' });
        await page.getByLabel('Title in Welsh').fill('Gwastraff swmpus');
        await checked.navigate(() => page.getByRole('button', { name: 'Save as a draft' }).click());
        assert.equal(await heading(page), title);
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /saved as a draft/);
        await checked.navigate(() => page.getByRole('button', { name: 'Publish' }).click());
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /has been published/);

        await checked.navigate(() => page.getByRole('link', { name: 'Back to the knowledge base' }).click());
        await page.getByRole('searchbox', { name: 'Search the knowledge base' }).fill('freezer');
        await checked.navigate(() => page.getByRole('button', { name: 'Search' }).click());
        const result = page.locator('main li').filter({ hasText: title });
        assert.equal(await result.count(), 1);
        assert.deepEqual(await result.locator('mark').allInnerTexts(), ['freezers']);

        await checked.navigate(() => result.getByRole('link', { name: title }).click());
        await checked.navigate(() => page.getByRole('button', { name: 'Change the article' }).click());
        await page.getByLabel('Article', { exact: true }).fill('We collect up to 8 items per booking.');
        await checked.navigate(() => page.getByRole('button', { name: 'Save the change' }).click());
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /has been changed/);
        assert.match(await page.locator('main').innerText(), /up to 8 items/);

        await checked.navigate(() => page.getByRole('link', { name: 'See the history of changes' }).click());
        assert.equal(await heading(page), 'History of changes');
        assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), ['Version 2 (current)', 'Version 1']);
        await checked.navigate(() => page.getByRole('link', { name: 'Version 1' }).click());
        assert.match(await page.locator('main').innerText(), /up to 10 items/);
        assert.match(await page.locator('main').innerText(), /earlier version/);
        await checked.done();
      },
    );
  }
});
