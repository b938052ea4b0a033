// The resident portal in a real browser: every page passes axe, reads without JavaScript, and
// fits a 320 px wide screen (WCAG 1.4.10 reflow) without sideways scrolling.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page by page.evaluate (the project's TypeScript
// settings leave out the DOM library, as everything else runs in Node).
interface BrowserElement {
  tagName: string;
  classList: Iterable<string> & { contains(name: string): boolean };
  getBoundingClientRect(): { right: number };
}
declare const document: {
  documentElement: { clientWidth: number; scrollWidth: number };
  body: BrowserElement;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
};

const TIMEOUT = { timeout: 120_000 };
const PORTAL_PAGES = [
  { path: '/', heading: /^OneDoor Council$/ },
  { path: '/accessibility', heading: /^Accessibility statement$/ },
  { path: '/privacy', heading: /^Privacy notice$/ },
  { path: '/cookies', heading: /^Cookies$/ },
];

async function headingOf(checked: CheckedPage): Promise<string> {
  return (await checked.page.locator('h1').innerText()).trim();
}

async function horizontalOverflow(checked: CheckedPage): Promise<{ scrollWidth: number; widest: string[] }> {
  return await checked.page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const widest = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > limit + 0.5)
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, widest };
  });
}

browserSuite('the resident portal in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it(
    'shows the home page, the accessibility statement, the privacy notice and the cookies page, each passing axe',
    TIMEOUT,
    async () => {
      const checked = await openPage(browser(), server.url);
      for (const { path, heading } of PORTAL_PAGES) {
        await checked.goto(path);
        assert.match(await headingOf(checked), heading, `the heading of ${path}`);
        assert.equal(await checked.page.getAttribute('html', 'lang'), 'en');
      }
      await checked.done();
    },
  );

  it('reaches the accessibility statement, privacy notice and cookies page from the footer', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    await checked.goto('/');
    const footer = checked.page.locator('footer');
    for (const [link, heading] of [
      ['Accessibility statement', 'Accessibility statement'],
      ['Privacy notice', 'Privacy notice'],
      ['Cookies', 'Cookies'],
    ] as const) {
      await checked.navigate(() => footer.getByRole('link', { name: link }).click());
      assert.equal(await headingOf(checked), heading);
    }
    await checked.done();
  });

  it('answers an unknown address with a "Page not found" page that passes axe and leads home', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const response = await checked.page.goto('/no-such-page');
    await checked.check();
    assert.equal(response?.status(), 404);
    assert.equal(await headingOf(checked), 'Page not found');
    await checked.navigate(() => checked.page.getByRole('link', { name: 'Go to the home page' }).click());
    assert.equal(new URL(checked.page.url()).pathname, '/');
    await checked.done();
  });

  it('switches to Cymraeg and back with the language switcher, changing the page language', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    await checked.goto('/cookies');
    const englishHeading = await headingOf(checked);

    await checked.navigate(() => checked.page.getByRole('link', { name: 'Cymraeg' }).click());
    assert.equal(await checked.page.getAttribute('html', 'lang'), 'cy');
    assert.equal(new URL(checked.page.url()).pathname, '/cookies', 'the switcher stays on the same page');
    assert.notEqual(await headingOf(checked), englishHeading, 'the page is in Welsh');
    const current = checked.page.locator('.govuk-language-navigation [aria-current="true"]');
    assert.equal((await current.innerText()).trim(), 'Cymraeg');

    // The choice is remembered from page to page.
    await checked.navigate(() => checked.page.locator('footer a[href="/privacy"]').click());
    assert.equal(await checked.page.getAttribute('html', 'lang'), 'cy');

    await checked.navigate(() => checked.page.getByRole('link', { name: 'English' }).click());
    assert.equal(await checked.page.getAttribute('html', 'lang'), 'en');
    assert.equal(await headingOf(checked), 'Privacy notice');
    await checked.done();
  });

  it('offers every portal page without JavaScript', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { javaScript: false });
    for (const { path, heading } of PORTAL_PAGES) {
      await checked.goto(path);
      assert.match(await headingOf(checked), heading, `the heading of ${path}`);
      assert.equal(
        await checked.page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')),
        false,
        'scripts really are off',
      );
      assert.ok(await checked.page.getByRole('link', { name: 'Cymraeg' }).isVisible(), `the language switcher on ${path}`);
    }
    await checked.navigate(() => checked.page.getByRole('link', { name: 'Cymraeg' }).click());
    assert.equal(await checked.page.getAttribute('html', 'lang'), 'cy');
    await checked.navigate(() => checked.page.getByRole('link', { name: 'English' }).click());
    assert.equal(await checked.page.getAttribute('html', 'lang'), 'en');
    await checked.done();
  });

  for (const javaScript of [true, false]) {
    it(
      `fits every portal page into 320 px without scrolling sideways (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript, viewport: { width: 320, height: 640 } });
        for (const path of [...PORTAL_PAGES.map((page) => page.path), '/no-such-page']) {
          await checked.goto(path);
          const { scrollWidth, widest } = await horizontalOverflow(checked);
          assert.ok(scrollWidth <= 320, `${path} is ${scrollWidth} px wide at 320 px; too wide: ${widest.join(', ')}`);
        }
        await checked.goto('/?lang=cy');
        assert.equal(await checked.page.getAttribute('html', 'lang'), 'cy');
        const { scrollWidth } = await horizontalOverflow(checked);
        assert.ok(scrollWidth <= 320, `the Welsh home page is ${scrollWidth} px wide at 320 px`);
        await checked.done();
      },
    );
  }
});
