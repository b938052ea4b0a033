// Finding things on the resident portal over real HTTP: the home page's top tasks and search box,
// the A to Z (public, active services only; Welsh names sorted the Welsh way with ?lang=cy), a
// service's start page (404 for a staff-only one), search across services and public articles,
// and public articles (404 for an advisor's, a draft, an archived one or another council's).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertOrganisation, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('finding things on the resident portal', () => {
  let server: TestServer;
  const articles: Record<string, string> = {};

  before(async () => {
    server = await startTestServer({ env: { ONEDOOR_JOURNEYS: '0' } });
    const { db } = server;
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Streets' });
    const add = async (
      code: string,
      name: string,
      nameCy: string,
      extra: { description?: string; descriptionCy?: string; public?: boolean; active?: boolean } = {},
    ) => {
      const id = await aService(db, { councilId, teamId, code, name, nameCy, slaWorkingDays: 5 });
      await db
        .updateTable('services')
        .set({
          description: extra.description ?? '',
          description_cy: extra.descriptionCy ?? null,
          public: extra.public ?? true,
          active: extra.active ?? true,
        })
        .where('id', '=', id)
        .execute();
      return id;
    };
    const potholes = await add('potholes', 'Potholes', 'Tyllau yn y ffordd', {
      description: 'Tell us about a hole in a road.\n\nWe fix dangerous ones within a day.',
      descriptionCy: 'Dywedwch wrthym am dwll yn y ffordd.',
    });
    await add('libraries', 'Libraries', 'Llyfrgelloedd');
    await add('leisure', 'Leisure centres', 'Chwaraeon a hamdden');
    await add('charity-collections', 'Charity collections', 'Cymorth i elusennau');
    await add('council-tax', 'Council Tax', 'Treth Gyngor');
    await add('fraud-referrals', 'Fraud referrals', 'Atgyfeiriadau twyll', { public: false });
    await add('old-service', 'Obsolete service', 'Hen wasanaeth', { active: false });
    await add('escaping', 'Escaping <b>test</b>', 'Dianc <b>prawf</b>', {
      description: '<script>alert("pwned")</script> & more',
    });

    const otherCouncil = await insertOrganisation(db, {
      code: 'county',
      name: 'County Council',
      kind: 'council',
      councilId: null,
    });
    const article = (
      title: string,
      audience: string,
      serviceId: string | undefined,
      status: 'published' | 'draft',
      council = councilId,
    ) =>
      server.services.knowledge
        .create(
          systemActor('test'),
          {
            title,
            body: `${title}: first paragraph.\n\nSecond <em>paragraph</em> about potholes.`,
            audience,
            ...(serviceId ? { serviceId } : {}),
          },
          { councilId: council, status },
        )
        .then((created) => created.id);
    articles.public = await article('How we mend potholes', 'public', potholes, 'published');
    articles.advisor = await article('Pothole claims script', 'advisor', potholes, 'published');
    articles.draft = await article('Draft pothole news', 'public', potholes, 'draft');
    articles.archived = await article('Old pothole advice', 'public', potholes, 'published');
    await server.services.knowledge.archive(systemActor('test'), articles.archived);
    articles.otherCouncil = await article('County pothole advice', 'public', undefined, 'published', otherCouncil);
  });
  after(() => server.close());

  const linksIn = (page: { dom: { querySelectorAll(selector: string): { text: string }[] } }, selector: string) =>
    page.dom.querySelectorAll(selector).map((link) => link.text.trim());

  it('offers top tasks, a search box and the A to Z on the home page', async () => {
    const page = await server.client().get('/');
    assert.equal(page.status, 200);
    const tasks = page.dom.querySelectorAll('main ul.govuk-list a').map((link) => link.getAttribute('href'));
    // No cases yet: the usual top tasks the council offers, then the A to Z.
    assert.equal(tasks[0], '/services/council-tax');
    assert.ok(tasks.includes('/services/potholes'));
    assert.ok(!tasks.includes('/services/fraud-referrals'));
    assert.ok(page.dom.querySelector('form[action="/search"][method="get"] input[name="q"]'));
    assert.ok(page.dom.querySelector('a[href="/services"]'));
  });

  it('lists only public, active services in the A to Z, under their letters', async () => {
    const page = await server.client().get('/services');
    assert.equal(page.status, 200);
    const names = linksIn(page, 'main h2 + ul a');
    assert.deepEqual(names, [
      'Charity collections',
      'Council Tax',
      'Escaping <b>test</b>',
      'Leisure centres',
      'Libraries',
      'Potholes',
    ]);
    assert.deepEqual(linksIn(page, 'nav .onedoor-a-to-z a'), ['C', 'E', 'L', 'P']);
    assert.ok(page.dom.querySelector('#letter-c'));
    assert.ok(!page.html.includes('<b>test</b>'), 'the name is escaped');
  });

  it('gives the Welsh names in Welsh order with ?lang=cy, Ch and Ll as letters of their own', async () => {
    const client = server.client();
    const redirect = await client.get('/services?lang=cy');
    assert.equal(redirect.status, 303);
    const page = await client.follow(redirect);
    assert.equal(page.dom.querySelector('html')?.getAttribute('lang'), 'cy');
    assert.deepEqual(linksIn(page, 'main h2 + ul a'), [
      // Welsh order: "Ch" is a letter after "C", so it comes after every "Cy".
      'Cymorth i elusennau',
      'Chwaraeon a hamdden',
      'Dianc <b>prawf</b>',
      'Llyfrgelloedd',
      'Treth Gyngor',
      'Tyllau yn y ffordd',
    ]);
    assert.deepEqual(linksIn(page, 'nav .onedoor-a-to-z a'), ['C', 'Ch', 'D', 'Ll', 'T']);
    const service = await client.get('/services/potholes');
    assert.equal(service.heading, 'Tyllau yn y ffordd');
    assert.match(service.html, /Dywedwch wrthym am dwll yn y ffordd\./);
  });

  it('shows a service’s start page: its description, how long it takes, its public articles and how to ask', async () => {
    const page = await server.client().get('/services/potholes');
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Potholes');
    const paragraphs = linksIn(page, 'main .govuk-grid-column-two-thirds p');
    assert.ok(paragraphs.includes('Tell us about a hole in a road.'));
    assert.ok(paragraphs.includes('We fix dangerous ones within a day.'));
    assert.ok(paragraphs.includes('We usually deal with this within 5 working days.'));
    assert.deepEqual(linksIn(page, 'aside a'), ['How we mend potholes']);
    // The online journeys are switched off here: no start button, the phone route instead.
    assert.equal(page.dom.querySelector('.govuk-button--start'), null);
    assert.match(page.html, /Phone our contact centre/);
  });

  it('answers 404 for a staff-only, stopped or unknown service', async () => {
    const client = server.client();
    for (const code of ['fraud-referrals', 'old-service', 'no-such-service', '%20'])
      assert.equal((await client.get(`/services/${code}`)).status, 404, code);
  });

  it('escapes a service’s name and description', async () => {
    const page = await server.client().get('/services/escaping');
    assert.equal(page.status, 200);
    assert.ok(!page.html.includes('<script>alert'));
    assert.ok(page.html.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more'));
    assert.ok(page.html.includes('Escaping &lt;b&gt;test&lt;/b&gt;'));
  });

  it('searches services and public articles, leaving out staff-only services and other articles', async () => {
    const page = await server.client().get('/search?q=pothole');
    assert.equal(page.status, 200);
    assert.deepEqual(linksIn(page, 'main ul.govuk-list--spaced a'), ['Potholes', 'How we mend potholes']);
    assert.ok(page.html.includes('<mark>'), 'the matched words are marked');
    assert.ok(!page.html.includes('<em>paragraph</em>'), 'the snippet is escaped');
    const welsh = await server.client().get('/search?q=gyngor');
    assert.deepEqual(linksIn(welsh, 'main ul.govuk-list--spaced a'), ['Council Tax']);
    const staffOnly = await server.client().get('/search?q=fraud');
    assert.match(staffOnly.html, /There are no matching results\./);
    assert.match(staffOnly.html, /using fewer keywords/);
  });

  it('asks for something to search for when the box was empty, and escapes what was searched for', async () => {
    const empty = await server.client().get('/search?q=+');
    assert.equal(empty.status, 200);
    assert.match(empty.html, /Enter what you are looking for/);
    const hostile = await server.client().get(`/search?q=${encodeURIComponent('<script>x</script>')}`);
    assert.equal(hostile.status, 200);
    assert.ok(!hostile.html.includes('<script>x'));
    assert.ok(hostile.html.includes('&lt;script&gt;x&lt;/script&gt;'));
  });

  it('shows a published public article with its paragraphs escaped and its service', async () => {
    const page = await server.client().get(`/help/${articles.public}`);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'How we mend potholes');
    assert.ok(page.html.includes('Second &lt;em&gt;paragraph&lt;/em&gt; about potholes.'));
    assert.ok(page.dom.querySelector('main a[href="/services/potholes"]'));
  });

  it('answers 404 for an advisor’s, draft, archived or another council’s article, and for a bad id', async () => {
    const client = server.client();
    for (const name of ['advisor', 'draft', 'archived', 'otherCouncil'])
      assert.equal((await client.get(`/help/${articles[name]}`)).status, 404, name);
    assert.equal((await client.get('/help/not-an-id')).status, 404);
  });
});

describe('a service start page with the online journeys switched on (as they are unless turned off)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    const teamId = await insertTeam(server.db, { organisationId: councilId, code: 'streets', name: 'Streets' });
    await aService(server.db, { councilId, teamId, code: 'potholes', name: 'Potholes', slaWorkingDays: 1 });
  });
  after(() => server.close());

  it('leads to the journey with a start button instead of the phone route', async () => {
    const page = await server.client().get('/services/potholes');
    assert.equal(page.dom.querySelector('a.govuk-button--start')?.getAttribute('href'), '/services/potholes/start');
    assert.doesNotMatch(page.html, /Phone our contact centre/);
    assert.match(page.html, /within 1 working day\./);
  });
});
