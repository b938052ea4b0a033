// Choosing Welsh or English, from outside over real HTTP: ?lang= sets a cookie and comes back
// without itself; the choice holds on every page, error pages included. Urdu, right to left, is
// offered only on the pages written in it (the portal's home page); elsewhere those pages are in English.
// Welsh text is compared with locales/cy.json as the server reads it, not written out here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTranslator, loadMessages, type Translate } from '../../src/platform/i18n.ts';
import { aStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';
import { SECTIONS, sectionLabel } from '../../src/staff/navigation.ts';

const COOKIE = 'onedoor_language';

describe('the language of the pages', () => {
  let server: TestServer;
  let cy: Translate;
  let en: Translate;
  let ur: Translate;

  before(async () => {
    server = await startTestServer();
    const messages = loadMessages();
    cy = createTranslator(messages, 'cy');
    en = createTranslator(messages, 'en');
    ur = createTranslator(messages, 'ur');
  });
  after(() => server.close());

  async function inWelsh(): Promise<WebClient> {
    const client = server.client();
    const chosen = await client.get('/?lang=cy');
    assert.equal(chosen.status, 303);
    return client;
  }

  const lang = (page: Page) => page.dom.querySelector('html')?.getAttribute('lang');
  const texts = (page: Page, selector: string) => page.dom.querySelectorAll(selector).map((element) => element.text.trim());

  it('remembers ?lang=cy in a cookie and comes back to the page without the parameter', async () => {
    const client = server.client();
    const chosen = await client.get('/?lang=cy');
    assert.equal(chosen.status, 303);
    assert.equal(chosen.location, '/');
    const setCookie = chosen.headers.getSetCookie().find((cookie) => cookie.startsWith(`${COOKIE}=`)) ?? '';
    assert.match(setCookie, new RegExp(`^${COOKIE}=cy;`));
    assert.match(setCookie, /Path=\//);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Max-Age=31536000/);
    assert.equal(client.cookie(COOKIE), 'cy');

    const home = await client.follow(chosen);
    assert.equal(home.status, 200);
    assert.equal(lang(home), 'cy');
    assert.deepEqual(texts(home, 'main h2'), [cy('portal.home.contactTitle'), cy('portal.home.helpTitle')]);
    assert.equal(home.dom.querySelector('.govuk-body-l')?.text.trim(), cy('portal.home.lead'));
    assert.equal(home.dom.querySelector('a[href="/accessibility"]')?.text.trim(), cy('footer.accessibility'));
    assert.equal(home.dom.querySelector('.govuk-skip-link')?.text.trim(), cy('common.skipLink'));
  });

  it('keeps the rest of the address when it takes ?lang= away', async () => {
    const client = server.client();
    const chosen = await client.get('/staff/sign-in?returnTo=%2Fstaff%2Faudit&lang=cy');
    assert.equal(chosen.status, 303);
    assert.equal(chosen.location, '/staff/sign-in?returnTo=%2Fstaff%2Faudit');
  });

  it('keeps the choice on every page, the staff sign-in page included', async () => {
    const client = await inWelsh();
    const signIn = await client.get('/staff/sign-in');
    assert.equal(lang(signIn), 'cy');
    assert.equal(signIn.heading, cy('signIn.title'));
    const labels = texts(signIn, 'label');
    assert.ok(labels.includes(cy('signIn.email')), `labels: ${labels.join(', ')}`);
    assert.ok(labels.includes(cy('signIn.password')));
    assert.ok(texts(signIn, 'button').includes(cy('signIn.button')));

    for (const page of ['accessibility', 'privacy', 'cookies']) {
      const shown = await client.get(`/${page}`);
      assert.equal(shown.status, 200);
      assert.equal(lang(shown), 'cy', `/${page}`);
      assert.equal(shown.heading, cy(`portal.${page}.title`));
    }
  });

  it('keeps the choice through signing in, on the staff desktop', async () => {
    const person = await aStaffMember(server.db, {
      roles: ['admin'],
      name: 'Gwen Ap Dafydd',
    });
    const client = await inWelsh();
    const signedIn = await client.signIn(person.email, person.password);
    assert.equal(signedIn.status, 303);
    const home = await client.follow(signedIn);
    assert.equal(home.status, 200);
    assert.equal(lang(home), 'cy');
    assert.equal(home.heading, cy('staff.home.greeting', { name: 'Gwen Ap Dafydd' }));
    assert.deepEqual(
      texts(home, '.moj-primary-navigation__link'),
      [
        'home',
        'appointmentSetup',
        'knowledge',
        'services',
        'users',
        'teams',
        'organisations',
        'security',
        'audit',
        'outbox',
        'closures',
        'apiKeys',
        'webhooks',
      ].map((key) => cy(sectionLabel(SECTIONS.find((section) => section.key === key)!))),
    );
    const users = await client.get('/staff/admin/users');
    assert.equal(lang(users), 'cy');
    assert.equal(users.heading, cy('users.title'));
  });

  it('switches back to English with ?lang=en, from the link on the page', async () => {
    const client = await inWelsh();
    const welsh = await client.get('/');
    const link = welsh.dom.querySelector('a[hreflang="en"]');
    assert.ok(link, 'the page links to English');
    assert.equal(link.text.trim(), 'English');
    assert.equal(link.getAttribute('lang'), 'en');
    const href = link.getAttribute('href') ?? '';
    assert.equal(href, '/?lang=en');

    const chosen = await client.get(href);
    assert.equal(chosen.status, 303);
    assert.equal(chosen.location, '/');
    assert.equal(client.cookie(COOKIE), 'en');
    const home = await client.follow(chosen);
    assert.equal(lang(home), 'en');
    assert.deepEqual(texts(home, 'main h2'), [en('portal.home.contactTitle'), en('portal.home.helpTitle')]);
    const signIn = await client.get('/staff/sign-in');
    assert.equal(lang(signIn), 'en');
    assert.equal(signIn.heading, 'Sign in');
    assert.ok(signIn.dom.querySelector('a[hreflang="cy"]'), 'and offers Welsh again');
  });

  it('ignores a language it does not have', async () => {
    const fresh = server.client();
    const page = await fresh.get('/?lang=xx');
    assert.equal(page.status, 200, 'no redirect');
    assert.equal(
      page.headers.getSetCookie().some((cookie) => cookie.startsWith(`${COOKIE}=`)),
      false,
    );
    assert.equal(lang(page), 'en');

    const welsh = await inWelsh();
    const still = await welsh.get('/staff/sign-in?lang=xx');
    assert.equal(still.status, 200);
    assert.equal(lang(still), 'cy');
    assert.equal(welsh.cookie(COOKIE), 'cy');
  });

  describe('Urdu, written right to left', () => {
    const dir = (page: Page) => page.dom.querySelector('html')?.getAttribute('dir');
    const switcher = (page: Page) =>
      page.dom.querySelectorAll('.govuk-language-navigation__list-item').map((item) => item.text.trim());

    it('gives the home page in Urdu, right to left, with the council’s and services’ names marked as English', async () => {
      const client = server.client();
      const chosen = await client.get('/?lang=ur');
      assert.equal(chosen.status, 303);
      assert.equal(client.cookie(COOKIE), 'ur');
      const home = await client.follow(chosen);
      assert.equal(home.status, 200);
      assert.equal(lang(home), 'ur');
      assert.equal(dir(home), 'rtl');
      assert.equal(home.dom.querySelector('.govuk-body-l')?.text.trim(), ur('portal.home.lead'));
      assert.notEqual(ur('portal.home.lead'), en('portal.home.lead'), 'the lead is written in Urdu');
      assert.deepEqual(texts(home, 'main h2').slice(-2), [ur('portal.home.contactTitle'), ur('portal.home.helpTitle')]);
      assert.equal(home.dom.querySelector('.govuk-skip-link')?.text.trim(), ur('common.skipLink'));
      assert.equal(home.dom.querySelector('label[for="q"]')?.text.trim(), ur('portal.search.label'));
      assert.equal(home.dom.querySelector('main h1')?.getAttribute('lang'), 'en', 'the council’s name is English');
      assert.equal(home.dom.querySelector('.govuk-generic-header__homepage-link span')?.getAttribute('lang'), 'en');
      assert.deepEqual(switcher(home), ['English', 'Cymraeg', 'اردو']);
      assert.equal(home.dom.querySelector('a[lang="ur"][href="/?lang=ur"]'), null, 'the current language is not a link');
    });

    it('serves a page not written in Urdu in English, left to right, and keeps the choice for the home page', async () => {
      const client = server.client();
      await client.get('/?lang=ur');
      for (const path of ['/services', '/staff/sign-in', '/no-such-page']) {
        const page = await client.get(path);
        assert.equal(lang(page), 'en', path);
        assert.equal(dir(page), undefined, path);
        assert.equal(page.dom.querySelector('a[lang="ur"]'), null, `${path} offers only what it is written in`);
      }
      assert.deepEqual(switcher(await client.get('/services')), ['English', 'Cymraeg']);
      assert.equal(client.cookie(COOKIE), 'ur');
      assert.equal(lang(await client.get('/')), 'ur');
    });

    it('keeps English and Welsh pages left to right, offering Urdu on the home page', async () => {
      const welsh = await inWelsh();
      const home = await welsh.get('/');
      assert.equal(dir(home), undefined);
      assert.deepEqual(switcher(home), ['English', 'Cymraeg', 'اردو']);
      assert.ok(home.dom.querySelector('a[lang="ur"][href="/?lang=ur"]'), 'Urdu is a link from the home page');
    });
  });

  describe('error pages', () => {
    it('answers an unknown page in the chosen language', async () => {
      const client = await inWelsh();
      for (const path of ['/no-such-page', '/staff/no-such-page']) {
        const page = await client.get(path);
        assert.equal(page.status, 404);
        assert.equal(lang(page), 'cy');
        assert.equal(page.heading, cy('errorPages.notFound.title'));
        assert.ok(texts(page, 'main p').includes(cy('errorPages.notFound.body')));
      }
    });

    it('refuses a page without permission in the chosen language', async () => {
      const person = await aStaffMember(server.db, { roles: ['advisor'] });
      const client = await inWelsh();
      assert.equal((await client.signIn(person.email, person.password)).status, 303);
      const page = await client.get('/staff/admin/users');
      assert.equal(page.status, 403);
      assert.equal(lang(page), 'cy');
      assert.equal(page.heading, cy('errorPages.notAllowed.title'));
    });

    it('explains an expired form in the chosen language', async () => {
      const client = await inWelsh();
      await client.get('/staff/sign-in');
      const page = await client.post('/staff/sign-in', {
        _csrf: 'not-the-token',
        email: 'a@test.example',
        password: 'x',
      });
      assert.equal(page.status, 403);
      assert.equal(lang(page), 'cy');
      assert.equal(page.heading, cy('errorPages.formExpired.title'));
    });

    it("lists a form's errors in the chosen language", async () => {
      const client = await inWelsh();
      await client.get('/staff/sign-in');
      const page = await client.post('/staff/sign-in', {
        email: '',
        password: '',
      });
      assert.equal(page.status, 400);
      assert.equal(lang(page), 'cy');
      assert.deepEqual(page.errorSummary, [cy('signIn.errors.emailMissing'), cy('signIn.errors.passwordMissing')]);
      assert.equal(page.dom.querySelector('.govuk-error-summary__title')?.text.trim(), cy('common.errorSummaryTitle'));
      assert.ok((page.dom.querySelector('title')?.text.trim() ?? '').startsWith(cy('common.errorPrefix')));
    });
  });
});
