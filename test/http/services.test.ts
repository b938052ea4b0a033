// The service catalogue's pages and its JSON API, over real HTTP: an administrator adds a service
// with a question and a routing rule and changes it; bad input is refused with an error summary
// and saves nothing; others may not change it; API keys list it with services:read only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { assertProblem, call } from '../support/api.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

describe('the service catalogue pages and API', () => {
  let server: TestServer;
  let admin: WebClient;
  let councilId: string;
  let highwaysId: string;
  let policeTeamId: string;

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    councilId = (await findFirstCouncil(server.db))!.id;
    highwaysId = await insertTeam(server.db, { organisationId: councilId, code: 'highways', name: 'Highways' });
    const policeId = await aPartnerAgency(server.db, 'catalogue-police', 'Catalogue Police');
    policeTeamId = await insertTeam(server.db, { organisationId: policeId, code: 'neighbourhood', name: 'Neighbourhood Team' });
  });
  after(() => server.close());

  const serviceRows = async () => await server.db.selectFrom('services').select(['id', 'code', 'name']).execute();

  it('lets an administrator add a service with a question and a routing rule, and change it', async () => {
    const form = await admin.get('/staff/admin/services/new');
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'Add a service');
    const created = await admin.post('/staff/admin/services', {
      name: 'Report a pothole',
      nameCy: 'Rhoi gwybod am dwll yn y ffordd',
      code: 'potholes',
      lgsl: '',
      description: 'A hole in a road or pavement.',
      teamId: highwaysId,
      slaWorkingDays: '10',
      defaultPriority: 'normal',
      public: 'yes',
      firstContactResolvable: 'no',
    });
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    const servicePath = created.location!;
    assert.match(servicePath, /^\/staff\/admin\/services\/[0-9a-f-]{36}$/);
    const page = await admin.follow(created);
    assert.equal(page.heading, 'Report a pothole');
    assert.ok(page.html.includes('The service has been added.'));

    await admin.get(`${servicePath}/questions/new`);
    const question = await admin.post(`${servicePath}/questions`, {
      label: 'Is it dangerous?',
      code: 'dangerous',
      kind: 'yes_no',
      required: 'yes',
    });
    assert.equal(question.status, 303, question.errorSummary.join('; '));

    await admin.get(`${servicePath}/rules/new`);
    const rule = await admin.post(`${servicePath}/rules`, { questionCode: 'dangerous', answerValue: 'yes', priority: 'urgent' });
    assert.equal(rule.status, 303, rule.errorSummary.join('; '));
    const wardRule = await admin.post(`${servicePath}/rules`, { ward: 'Oswestry East', teamId: policeTeamId });
    assert.equal(wardRule.status, 303, wardRule.errorSummary.join('; '));

    const edit = await admin.get(`${servicePath}/edit`);
    assert.equal(edit.status, 200);
    assert.equal(edit.dom.querySelector('#name')?.getAttribute('value'), 'Report a pothole');
    const changed = await admin.post(servicePath, {
      name: 'Report a pothole or sunken road',
      nameCy: 'Rhoi gwybod am dwll yn y ffordd',
      teamId: highwaysId,
      slaWorkingDays: '5',
      defaultPriority: 'high',
      public: 'yes',
      firstContactResolvable: 'no',
    });
    assert.equal(changed.status, 303, changed.errorSummary.join('; '));

    const shown = await admin.get(servicePath);
    assert.equal(shown.heading, 'Report a pothole or sunken road');
    assert.ok(shown.html.includes('Is it dangerous?'));
    assert.ok(shown.html.includes('send to Neighbourhood Team'));
    assert.ok(shown.html.includes('5 working days'));

    const forCase = await server.services.services.forCase(councilId, 'potholes');
    assert.equal(forCase?.defaultPriority, 'high');
    assert.deepEqual(
      forCase?.questions.map((q) => q.code),
      ['dangerous'],
    );
    assert.equal(forCase?.routingRules.length, 2);
    const actions = await server.db
      .selectFrom('audit_events')
      .select(['action', 'actor_label'])
      .where('record_id', '=', forCase!.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      actions.map((event) => event.action),
      ['service.create', 'service.question.add', 'service.rule.add', 'service.rule.add', 'service.update'],
    );
    assert.ok(actions.every((event) => event.actor_label === ADMIN.email));

    const list = await admin.get(`/staff/admin/services?team=${highwaysId}&active=yes`);
    assert.equal(list.status, 200);
    assert.ok(list.html.includes('Report a pothole or sunken road'));
    const staffOnly = await admin.get('/staff/admin/services?public=no');
    assert.ok(!staffOnly.html.includes('Report a pothole or sunken road'));
  });

  it('refuses bad input with an error summary, and saves nothing', async () => {
    const before = await serviceRows();
    await admin.get('/staff/admin/services/new');
    const page = await admin.post('/staff/admin/services', {
      name: '',
      code: 'Not A Code',
      teamId: '',
      slaWorkingDays: 'soon',
      public: 'yes',
      firstContactResolvable: 'yes',
    });
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error:/);
    assert.deepEqual(page.errorSummary, [
      'The code must be 2 to 60 lower-case letters, numbers and hyphens, starting with a letter or number',
      'Enter a name',
      'Choose the owning team',
      'Enter the advisor’s script: advisors need it to resolve requests at first contact',
      'The target must be a whole number of working days from 1 to 365',
    ]);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#code');
    assert.equal(page.dom.querySelector('#code')?.getAttribute('value'), 'Not A Code', 'what was typed is kept');
    assert.deepEqual(await serviceRows(), before);

    const service = before.find((row) => row.code === 'potholes')!;
    const questionsBefore = await server.db.selectFrom('service_questions').select('id').execute();
    await admin.get(`/staff/admin/services/${service.id}/questions/new`);
    const question = await admin.post(`/staff/admin/services/${service.id}/questions`, {
      label: 'Which bin?',
      code: 'which bin',
      kind: 'choice',
      options: 'Black',
    });
    assert.equal(question.status, 400);
    assert.deepEqual(question.errorSummary, [
      'The answer code must be lower-case letters, numbers and underscores, starting with a letter, 40 at most',
      'Enter at least two choices, one a line',
    ]);
    const rule = await admin.post(`/staff/admin/services/${service.id}/rules`, { ward: '', teamId: '', priority: '' });
    assert.equal(rule.status, 400);
    assert.deepEqual(rule.errorSummary, [
      'Enter a ward, or choose a question and its answer',
      'Choose a team to send the case to, or a priority, or both',
    ]);
    assert.deepEqual(await server.db.selectFrom('service_questions').select('id').execute(), questionsBefore);
  });

  it('shows team leaders the catalogue without changing it, and refuses everyone else', async () => {
    const service = (await serviceRows()).find((row) => row.code === 'potholes')!;
    const leader = await server.signedIn(await aStaffMember(server.db, { roles: ['team_leader'] }));
    const list = await leader.get('/staff/admin/services');
    assert.equal(list.status, 200);
    assert.equal(list.dom.querySelector('a[href="/staff/admin/services/new"]'), null);
    const page = await leader.get(`/staff/admin/services/${service.id}`);
    assert.equal(page.status, 200);
    assert.equal(page.dom.querySelector(`a[href="/staff/admin/services/${service.id}/edit"]`), null);
    assert.equal((await leader.get('/staff/admin/services/new')).status, 403);
    const refused = await leader.post(`/staff/admin/services/${service.id}`, {
      name: 'Taken over',
      teamId: highwaysId,
      slaWorkingDays: '1',
    });
    assert.equal(refused.status, 403);

    const advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    assert.equal((await advisor.get('/staff/admin/services')).status, 403);
    assert.equal((await advisor.get(`/staff/admin/services/${service.id}`)).status, 403);
    await aPartnerAgency(server.db, 'catalogue-college');
    const partnerAdmin = await server.signedIn(
      await aStaffMember(server.db, { roles: ['admin'], organisation: 'catalogue-college' }),
    );
    assert.equal((await partnerAdmin.get('/staff/admin/services')).status, 403);
    assert.equal((await serviceRows()).find((row) => row.code === 'potholes')?.name, 'Report a pothole or sunken road');
  });

  it('lists the council’s services to an API key with services:read, and refuses one without it', async () => {
    const key = await server.services.apiKeys.create(systemActor('test'), {
      organisationId: councilId,
      name: 'Chatbot',
      scopes: ['services:read'],
    });
    const answer = await call(server.url, 'GET', '/api/v1/services', { key: key.key });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.next, null);
    const items = answer.body.items as Record<string, unknown>[];
    const potholes = items.find((item) => item.code === 'potholes');
    assert.deepEqual(
      {
        name: potholes?.name,
        nameCy: potholes?.nameCy,
        lgsl: potholes?.lgsl,
        team: potholes?.team,
        slaWorkingDays: potholes?.slaWorkingDays,
        defaultPriority: potholes?.defaultPriority,
        public: potholes?.public,
        firstContactResolvable: potholes?.firstContactResolvable,
      },
      {
        name: 'Report a pothole or sunken road',
        nameCy: 'Rhoi gwybod am dwll yn y ffordd',
        lgsl: null,
        team: { code: 'highways', name: 'Highways' },
        slaWorkingDays: 5,
        defaultPriority: 'high',
        public: true,
        firstContactResolvable: false,
      },
    );
    assert.deepEqual(potholes?.questions, [
      {
        code: 'dangerous',
        label: 'Is it dangerous?',
        labelCy: null,
        hint: null,
        kind: 'yes_no',
        required: true,
        options: [],
        maxLength: null,
        min: null,
        max: null,
      },
    ]);

    const other = await server.services.apiKeys.create(systemActor('test'), {
      organisationId: councilId,
      name: 'Customers only',
      scopes: ['customers:read'],
    });
    assertProblem(await call(server.url, 'GET', '/api/v1/services', { key: other.key }), 403, 'insufficient-scope');
    assertProblem(await call(server.url, 'GET', '/api/v1/services'), 401, 'unauthenticated');

    const openapi = await call(server.url, 'GET', '/api/v1/openapi.json');
    const operation = (openapi.body.paths as Record<string, Record<string, { security: unknown }>>)['/api/v1/services']?.get;
    assert.deepEqual(operation?.security, [{ apiKey: ['services:read'] }]);
  });
});
