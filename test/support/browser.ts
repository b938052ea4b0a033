// Browser tests on Debian's Chromium through playwright-core, with axe-core run on every page a
// test visits: each navigation is counted, and `done()` fails if any page went unchecked.
// Where Chromium is missing the tests are skipped, unless REQUIRE_BROWSER=1.
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, type SuiteContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** A suite of browser tests sharing one Chromium; skipped (or failed, if required) without it. */
export function browserSuite(name: string, body: (browser: () => Browser) => void): void {
  const available = chromiumAvailable();
  if (!available && process.env.REQUIRE_BROWSER === '1') {
    describe(name, () => {
      before(() => assert.fail(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`));
      body(() => assert.fail('no browser') as never);
    });
    return;
  }
  describe(name, { skip: available ? false : `no Chromium at ${CHROMIUM}` }, (_context: SuiteContext) => {
    let browser: Browser | undefined;
    before(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    after(async () => {
      await browser?.close();
    });
    body(() => browser!);
  });
}

/**
 * axe on one page. Legacy mode runs axe in the page itself rather than opening a blank page to
 * gather each frame's results, which halves the time of a check; OneDoor's pages have no frames.
 * Only violations are asked for (the tests fail on those alone): axe then skips building a
 * selector for every node that passed.
 */
function analyse(page: Page) {
  return new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(WCAG_TAGS)
    .setLegacyMode(true)
    .analyze();
}

/**
 * Pages already checked in this test file (each file runs in a process of its own), by what axe
 * would be given: the page's serialised DOM, with the per-response CSRF token and CSP nonce taken
 * out, the viewport, and whether scripts ran. A page identical to one already checked passes as
 * that one did (a sign-in page met in every test, say) and is not analysed again.
 */
const checkedRenderings = new Set<string>();

function renderingKey(html: string, javaScript: boolean, viewport: { width: number; height: number }): string {
  const normalised = html.replace(/(name="_csrf"[^>]*?value=")[^"]*"/g, '$1"').replace(/\bnonce="[^"]*"/g, 'nonce=""');
  return crypto
    .createHash('sha256')
    .update(`${javaScript ? 'scripts' : 'no scripts'} ${viewport.width}x${viewport.height}\n${normalised}`)
    .digest('hex');
}

export interface CheckedPage {
  page: Page;
  context: BrowserContext;
  /** Goes to `path` and checks the page it lands on. */
  goto(path: string): Promise<void>;
  /** Clicks something that leads to another page, and checks that page. */
  navigate(action: () => Promise<unknown>): Promise<void>;
  /** Runs axe on the current page now (e.g. after a change that does not navigate). */
  check(): Promise<void>;
  /** Asserts that every page loaded was checked, and closes the context. */
  done(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<CheckedPage> {
  const javaScript = options.javaScript ?? true;
  const viewport = options.viewport ?? { width: 1024, height: 800 };
  const context = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: javaScript, viewport });
  const page = await context.newPage();
  let loads = 0;
  let checks = 0;
  const unchecked: string[] = [];
  page.on('load', () => {
    loads += 1;
  });

  async function check(): Promise<void> {
    await page.waitForLoadState('load');
    const html = await page.content();
    const key = renderingKey(html, javaScript, viewport);
    if (checkedRenderings.has(key)) {
      checks = loads;
      return;
    }
    const results = javaScript ? await analyse(page) : await analyseCopyWithoutScripts(html);
    checks = loads;
    const problems = results.violations.map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} – ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
    assert.deepEqual(problems, [], `axe found accessibility problems on ${page.url()}`);
    checkedRenderings.add(key);
  }

  /**
   * axe needs JavaScript, and with it turned off its promises and timers never settle: check a
   * copy of the page as it is (its scripts removed) in a context that runs no script but axe.
   * The copy's page is made once and reused, as making one costs more than the check itself.
   * Routing turns Chromium's HTTP cache off, so the copy's stylesheets and images are kept here,
   * byte for byte as the server sent them, rather than fetched again for every page.
   */
  const assets = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
  let copyPage: Page | undefined;
  let copyHtml = '';
  async function analyseCopyWithoutScripts(html: string) {
    copyHtml = html.replace(/<script\b[\s\S]*?<\/script>/gi, '');
    if (!copyPage) {
      const copy = await browser.newContext({ baseURL: baseUrl, viewport });
      copyPage = await copy.newPage();
      const mainFrame = copyPage.mainFrame();
      await copyPage.route('**/*', async (route) => {
        const request = route.request();
        if (request.isNavigationRequest() && request.frame() === mainFrame) {
          await route.fulfill({ contentType: 'text/html; charset=utf-8', body: copyHtml });
        } else if (request.resourceType() === 'script') await route.abort();
        else if (request.method() === 'GET' && ['stylesheet', 'image', 'font'].includes(request.resourceType())) {
          let asset = assets.get(request.url());
          if (!asset) {
            const response = await route.fetch();
            asset = { status: response.status(), headers: response.headers(), body: await response.body() };
            if (response.ok()) assets.set(request.url(), asset);
          }
          await route.fulfill(asset);
        } else await route.continue();
      });
    }
    await copyPage.goto(page.url());
    return analyse(copyPage);
  }

  return {
    page,
    context,
    async goto(path) {
      await page.goto(path);
      await check();
    },
    async navigate(action) {
      const before = loads;
      await Promise.all([page.waitForEvent('load'), action()]);
      if (loads === before) unchecked.push(page.url());
      await check();
    },
    check,
    async done() {
      await page.waitForLoadState('load');
      const missed = loads - checks;
      await copyPage?.context().close();
      await context.close();
      assert.equal(missed, 0, `${missed} page(s) were visited without an accessibility check: ${unchecked.join(', ')}`);
    },
  };
}

/** Fills in the staff sign-in form on the current page and sends it. */
export async function fillSignIn(checked: CheckedPage, email: string, password: string): Promise<void> {
  const { page } = checked;
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await checked.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());
}

/** Opens the staff sign-in page and signs in as `person`. */
export async function signInAs(checked: CheckedPage, person: { email: string; password: string }): Promise<void> {
  await checked.goto('/staff/sign-in');
  await fillSignIn(checked, person.email, person.password);
}
