// API keys in a real browser: an administrator makes a key through the pages, sees it once,
// revokes it; and the API's documentation page. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, openPage } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('API keys in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('makes a key through the pages, shows it once, and revokes it', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await checked.goto('/staff/sign-in');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await checked.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());

    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'API keys' }).click(),
    );
    assert.equal(await heading(page), 'API keys');
    await checked.navigate(() => page.getByRole('button', { name: 'Make an API key' }).click());

    await checked.navigate(() => page.getByRole('button', { name: 'Make key' }).click());
    assert.match(await page.title(), /^Error: Make an API key/);
    assert.deepEqual(
      (await page.locator('.govuk-error-summary__list a').allInnerTexts()).map((text) => text.trim()),
      ['Enter a name for the key', 'Select at least one scope'],
    );

    await page.getByLabel('Name').fill('Web chat');
    await page.getByRole('checkbox', { name: 'customers:read' }).check();
    await page.getByRole('checkbox', { name: 'contacts:write' }).check();
    await checked.navigate(() => page.getByRole('button', { name: 'Make key' }).click());
    assert.equal(await heading(page), 'Your new API key');
    const key = (await page.locator('#api-key').innerText()).trim();
    const answer = await fetch(`${server.url}/api/v1/api-key`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(answer.status, 200);

    await checked.navigate(() => page.getByRole('link', { name: 'All API keys' }).click());
    const row = page.locator('tbody tr').filter({ hasText: 'Web chat' });
    assert.match(await row.innerText(), /customers:read, contacts:write/);
    await checked.navigate(() => row.getByRole('link', { name: /Revoke/ }).click());
    assert.equal(await heading(page), 'Revoke the API key Web chat?');
    await checked.navigate(() => page.getByRole('button', { name: 'Revoke key' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The API key has been revoked/);
    assert.match(await page.locator('tbody tr').filter({ hasText: 'Web chat' }).innerText(), /Revoked/);
    assert.equal((await fetch(`${server.url}/api/v1/api-key`, { headers: { authorization: `Bearer ${key}` } })).status, 401);

    await checked.navigate(() => page.getByRole('link', { name: 'Read the API documentation' }).click());
    assert.equal(await heading(page), 'OneDoor API');
    await checked.done();
  });
});
