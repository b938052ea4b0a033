// A resident's account in a real browser, with JavaScript on and off: from the header's "Sign in"
// to creating an account, confirming the address by the emailed link, signing in, reading their
// requests and one request's timeline, and signing out. axe checks every page on the way.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService } from '../support/builders.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };
const PASSWORD = 'kettle orchard lantern';

async function headingOf(checked: CheckedPage): Promise<string> {
  return (await checked.page.locator('h1').innerText()).trim();
}

browserSuite('a resident’s account in a browser', (browser) => {
  let server: TestServer;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    const teamId = await insertTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    await aService(server.db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin collection', slaWorkingDays: 2 });
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(
      `registers, confirms, signs in, reads a request and signs out (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const email = `browser-${javaScript ? 'js' : 'nojs'}@example.org`;
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        const navigation = page.getByRole('navigation', { name: 'Council services' });

        await checked.goto('/');
        await checked.navigate(() => navigation.getByRole('link', { name: 'Sign in' }).click());
        assert.equal(await headingOf(checked), 'Sign in to your account');
        await checked.navigate(() => page.getByRole('link', { name: 'Create an account' }).click());
        assert.equal(await headingOf(checked), 'Create an account');

        // First without a password: the error summary links to the field.
        await page.getByLabel('Full name').fill('Siân Roberts');
        await page.getByLabel('Email address').fill(email);
        await checked.navigate(() => page.getByRole('button', { name: 'Create account' }).click());
        assert.match(await page.title(), /^Error: Create an account/);
        assert.equal(await page.locator('.govuk-error-summary a').first().getAttribute('href'), '#password');
        await page.getByLabel('Create a password').fill(PASSWORD);
        await page.getByLabel('Confirm your password').fill(PASSWORD);
        await checked.navigate(() => page.getByRole('button', { name: 'Create account' }).click());
        assert.equal(await headingOf(checked), 'Check your email');

        const message = await server.db
          .selectFrom('notifications')
          .select('body')
          .where('recipient', '=', email)
          .where('event', '=', 'account.confirm_email')
          .executeTakeFirstOrThrow();
        const link = /\/account\/confirm\/[A-Za-z0-9_-]{43}/.exec(message.body)![0];
        await checked.goto(link);
        assert.equal(await headingOf(checked), 'Email address confirmed');

        const account = await server.db
          .selectFrom('resident_accounts')
          .select('customer_id')
          .where('email', '=', email)
          .executeTakeFirstOrThrow();
        const raised = await server.services.cases.raise(
          systemActor('test'),
          { serviceCode: 'missed-bin', description: 'Bin not emptied', channel: 'web', customerId: account.customer_id },
          { council: councilId },
        );

        await checked.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await checked.navigate(() => page.getByRole('button', { name: 'Sign in' }).click());
        assert.equal(await headingOf(checked), 'Your requests');
        assert.equal(await navigation.getByRole('link', { name: 'Your requests' }).getAttribute('aria-current'), 'page');

        await checked.navigate(() => page.getByRole('link', { name: raised.reference }).click());
        assert.equal(await headingOf(checked), `Your request ${raised.reference}`);
        assert.equal(await page.locator('.moj-timeline__title').first().innerText(), 'Request received');

        await checked.navigate(() => navigation.getByRole('button', { name: 'Sign out' }).click());
        assert.equal(await headingOf(checked), 'Sign in to your account');
        assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have signed out/);
        await checked.done();
      },
    );
  }
});
