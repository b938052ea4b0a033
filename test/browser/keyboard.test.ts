// Signing in with only a keyboard: the skip link comes first, every stop shows where focus is,
// and Enter in the password field sends the form.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, openPage } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page by page.evaluate (the project's TypeScript
// settings leave out the DOM library, as everything else runs in Node).
interface BrowserElement {
  id: string;
  tagName: string;
  innerText?: string;
  blur(): void;
  focus(): void;
}
declare const document: { activeElement: BrowserElement | null; body: BrowserElement };
declare function getComputedStyle(element: BrowserElement): {
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  boxShadow: string;
  backgroundColor: string;
};

const TIMEOUT = { timeout: 120_000 };
/** More Tab presses than the signed-out header needs to reach the form. */
const MAX_TABS_TO_THE_FORM = 10;

interface Focused {
  description: string;
  id: string;
  text: string;
  /** Focus draws an outline or a box shadow that the element does not have without focus. */
  indicated: boolean;
  style: string;
}

/**
 * What has focus, and whether it shows: a visible outline or a box shadow (GOV.UK's links and
 * buttons keep a transparent outline for forced-colour modes and show focus with box shadows and
 * colour), which must differ from how the element looks without focus.
 */
async function focused(page: Page): Promise<Focused> {
  return await page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { description: 'body', id: '', text: '', indicated: false, style: '' };
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    const looks: { outline: string; boxShadow: string; background: string }[] = [];
    for (const state of ['focused', 'unfocused']) {
      if (state === 'unfocused') element.blur();
      const style = getComputedStyle(element);
      const outline =
        style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0 && !/rgba\(.*, 0\)$/.test(style.outlineColor);
      looks.push({
        outline: outline ? `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : 'none',
        boxShadow: style.boxShadow || 'none',
        background: style.backgroundColor,
      });
    }
    element.focus();
    const [withFocus, withoutFocus] = looks as [(typeof looks)[number], (typeof looks)[number]];
    const drawn = withFocus.outline !== 'none' || withFocus.boxShadow !== 'none';
    const changed = JSON.stringify(withFocus) !== JSON.stringify(withoutFocus);
    const text = element.innerText?.trim() ?? '';
    return {
      description: `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} "${text}"`,
      id: element.id,
      text,
      indicated: drawn && changed && document.activeElement === element,
      style: `focused ${JSON.stringify(withFocus)}, unfocused ${JSON.stringify(withoutFocus)}`,
    };
  });
}

/** Presses Tab and returns what it reached, failing if focus is not visible there. */
async function tab(page: Page): Promise<Focused> {
  await page.keyboard.press('Tab');
  const reached = await focused(page);
  assert.ok(reached.indicated, `focus is visible on ${reached.description} (${reached.style})`);
  return reached;
}

browserSuite('signing in with a keyboard', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    const label = javaScript ? 'with JavaScript' : 'without JavaScript';

    it(`signs in by Tab, typing and Enter alone, with focus visible at every stop (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await checked.goto('/staff/sign-in');

      const first = await tab(page);
      assert.equal(first.text, 'Skip to main content', 'the skip link is the first stop');

      const stops = [first.description];
      let reached = first;
      while (reached.id !== 'email') {
        assert.ok(stops.length < MAX_TABS_TO_THE_FORM, `Tab reaches the email field (stops: ${stops.join(', ')})`);
        reached = await tab(page);
        stops.push(reached.description);
      }
      await page.keyboard.type(ADMIN.email);
      reached = await tab(page);
      assert.equal(reached.id, 'password', 'Tab goes from the email address to the password');
      await page.keyboard.type(ADMIN.password);
      await checked.navigate(() => page.keyboard.press('Enter'));

      assert.equal(new URL(page.url()).pathname, '/staff');
      assert.equal((await page.locator('h1').innerText()).trim(), 'Hello, Administrator');
      await checked.done();
    });

    it(`skips the header with the skip link, straight to the email field (${label})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { page } = checked;
      await checked.goto('/staff/sign-in');

      assert.equal((await tab(page)).text, 'Skip to main content');
      await page.keyboard.press('Enter');
      const next = await tab(page);
      assert.equal(next.id, 'email', `the next stop after the skip link is the email field, not ${next.description}`);
      await checked.done();
    });
  }

  it('shows focus on each field and control of the sign-in form after an error, and signs in from there', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await checked.goto('/staff/sign-in');
    await page.getByLabel('Email address').focus();
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('a wrong password');
    await checked.navigate(() => page.keyboard.press('Enter'));
    assert.ok(await page.locator('.govuk-error-summary').isVisible());

    // From the error summary (where focus now is): its link, then the email field, the password,
    // the "Show" button, and the "Sign in" button.
    const link = await tab(page);
    assert.equal(link.text, 'Enter a correct email address and password');
    assert.equal((await tab(page)).id, 'email');
    assert.equal((await tab(page)).id, 'password');
    await page.keyboard.type(ADMIN.password);
    const show = await tab(page);
    assert.equal(show.text, 'Show');
    await page.keyboard.press('Enter');
    assert.equal(
      await page.getByLabel('Password', { exact: true }).getAttribute('type'),
      'text',
      'Enter on "Show" shows the password',
    );
    const button = await tab(page);
    assert.equal(button.text, 'Sign in');
    await checked.navigate(() => page.keyboard.press('Enter'));
    assert.equal(new URL(page.url()).pathname, '/staff');
    await checked.done();
  });
});
