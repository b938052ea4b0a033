// The staff desktop's case pages over real HTTP: an advisor raises a case for a customer against
// the service's form (finding the address by postcode, being offered a case already reported
// there), and the owning team works it: takes it, notes, updates the resident, moves it through
// its lifecycle, attaches files. Refusals come back as the page with an error summary; other
// organisations' people are told the case does not exist.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { mergeInto } from '../../src/customers/repo.ts';
import { saveProperties } from '../../src/gazetteer/service.ts';
import { systemActor } from '../../src/platform/actor.ts';
import {
  FLY_TIPPING_QUESTIONS,
  aPartnerAgency,
  aService,
  aStaffMember,
  aTeam,
  type BuiltStaffMember,
} from '../support/builders.ts';
import { aPng, anExe } from '../support/files.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

const REFERENCE = /ODR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

describe('the case pages', () => {
  let server: TestServer;
  let councilId: string;
  let customerId: string;
  let advisor: BuiltStaffMember;
  let officer: BuiltStaffMember;
  let leader: BuiltStaffMember;
  let partner: BuiltStaffMember;
  let firstReference: string;
  let articleId: string;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene' });
    const serviceId = await aService(db, {
      councilId,
      teamId,
      code: 'fly-tipping',
      name: 'Report fly-tipping',
      slaWorkingDays: 5,
      advisorScript: 'Ask whether anything looks dangerous.',
      questions: FLY_TIPPING_QUESTIONS,
    });
    const article = await server.services.knowledge.create(
      systemActor('test'),
      {
        title: 'Fly-tipping: what to ask',
        body: 'Ask what has been dumped, and where.',
        audience: 'advisor',
        serviceId,
      },
      { councilId, status: 'published' },
    );
    articleId = article.id;
    await db.transaction().execute((trx) =>
      saveProperties(trx, councilId, [
        {
          uprn: 100071234567,
          line1: '1 Willow Street',
          town: 'Oswestry',
          postcode: 'SY11 1AA',
          latitude: 52.8601,
          longitude: -3.0551,
          ward: 'Oswestry East',
        },
        {
          uprn: 100071234568,
          line1: '3 Willow Street',
          town: 'Oswestry',
          postcode: 'SY11 1AA',
          latitude: 52.8602,
          longitude: -3.0552,
          ward: 'Oswestry East',
        },
      ]),
    );
    const created = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    customerId = created.customer.id;
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    officer = await aStaffMember(db, { roles: ['officer'], name: 'Owain Officer' });
    leader = await aStaffMember(db, { roles: ['team_leader'], name: 'Lowri Leader' });
    await db
      .insertInto('team_members')
      .values([officer, leader].map((member) => ({ team_id: teamId, user_id: member.id })))
      .execute();
    await aPartnerAgency(db, 'police', 'West Marches Police');
    partner = await aStaffMember(db, { roles: ['partner_worker'], organisation: 'police' });
  });
  after(() => server.close());

  const raiseForm = (fields: Record<string, string>) => ({
    serviceCode: 'fly-tipping',
    customerId,
    channel: 'phone',
    ...fields,
  });

  it('raises a case for a customer from their record, against the service’s form', async () => {
    const client = await server.signedIn(advisor);
    const record = await client.get(`/staff/customers/${customerId}`);
    assert.match(record.html, new RegExp(`href="/staff/cases/new\\?customer=${customerId}"`));

    const picker = await client.get(`/staff/cases/new?customer=${customerId}`);
    assert.equal(picker.status, 200);
    assert.match(picker.html, /For Bethan Morgan/);
    assert.match(picker.html, /<option value="fly-tipping">Report fly-tipping – Street Scene<\/option>/);

    const form = await client.get(`/staff/cases/new?customer=${customerId}&service=fly-tipping`);
    assert.match(form.html, /Ask whether anything looks dangerous\./);
    assert.match(form.html, /What has been dumped\?/);
    assert.match(
      form.html,
      new RegExp(`<a class="govuk-link" href="/staff/knowledge/${articleId}">Fly-tipping: what to ask</a>`),
    );

    const empty = await client.post('/staff/cases', raiseForm({ description: '' }));
    assert.equal(empty.status, 400);
    assert.equal(empty.errorSummary[0], 'Enter a description of the problem or request');
    assert.equal(empty.errorSummary.length, 3, 'and each required question');
    assert.match(empty.html, /href="#answers.what"/);

    // Without JavaScript, "Find address" posts the form back with the addresses at the postcode.
    const found = await client.post(
      '/staff/cases',
      raiseForm({ description: 'Bags by the gate', action: 'find-address:where', 'answers.where.postcode': 'sy11 1aa' }),
    );
    assert.equal(found.status, 200);
    assert.match(found.html, /<option value="100071234567">1 Willow Street, Oswestry, SY11 1AA<\/option>/);
    assert.match(found.html, /Bags by the gate<\/textarea>/, 'what was typed is kept');

    const badPostcode = await client.post(
      '/staff/cases',
      raiseForm({ action: 'find-address:where', 'answers.where.postcode': 'nowhere' }),
    );
    assert.equal(badPostcode.status, 400);
    assert.match(badPostcode.html, /href="#answers.where"/);

    const raised = await client.post(
      '/staff/cases',
      raiseForm({ description: 'Bags by the gate', 'answers.what': 'bags', 'answers.where.uprn': '100071234567' }),
    );
    assert.equal(raised.status, 303, raised.html);
    firstReference = raised.location!.replace('/staff/cases/', '');
    assert.match(firstReference, REFERENCE);

    const page = await client.follow(raised);
    assert.equal(page.status, 200);
    assert.match(page.html, new RegExp(`Case ${firstReference}`));
    assert.match(page.html, /Case raised and sent to the team that owns the service/);
    assert.match(page.html, /Bethan Morgan/);
    assert.match(page.html, /<dd class="govuk-summary-list__value">Bags<\/dd>/);
    assert.match(page.html, /Oswestry East ward/);
    assert.doesNotMatch(page.html, /name="visibility" type="radio"/, 'an advisor adds internal notes only');

    const customerPage = await client.get(`/staff/customers/${customerId}`);
    assert.match(customerPage.html, new RegExp(`href="/staff/cases/${firstReference}"`));
  });

  it('lists a customer’s cases on their record, also those raised on a duplicate merged into it', async () => {
    const duplicate = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Beth', familyName: 'Morgan', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!duplicate.created) throw new Error('no customer');
    const raised = await server.services.cases.raise(
      systemActor('test'),
      {
        serviceCode: 'fly-tipping',
        description: 'Mattress',
        channel: 'email',
        customerId: duplicate.customer.id,
        answers: { what: 'bags', where: { uprn: 100071234567 } },
        linkTo: firstReference,
      },
      { council: councilId },
    );
    await server.db.transaction().execute((trx) => mergeInto(trx, duplicate.customer.id, customerId));
    const client = await server.signedIn(advisor);
    const record = await client.get(`/staff/customers/${customerId}`);
    assert.match(record.html, new RegExp(`href="/staff/cases/${raised.reference}"`));
    assert.match(record.html, new RegExp(`href="/staff/cases/${firstReference}"`));
  });

  it('offers an open case of the same service nearby as already reported, and links the new one to it', async () => {
    const client = await server.signedIn(advisor);
    await client.get('/staff/cases/new?service=fly-tipping');
    const fields = raiseForm({ description: 'More bags', 'answers.what': 'bags', 'answers.where.uprn': '100071234568' });
    const offered = await client.post('/staff/cases', fields);
    assert.equal(offered.status, 200);
    assert.match(offered.html, /Has this already been reported\?/);
    assert.match(offered.html, new RegExp(`value="${firstReference}"`));
    const count = await server.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 2, 'nothing is raised until the advisor chooses');

    const linked = await client.post('/staff/cases', { ...fields, alreadyReported: firstReference });
    assert.equal(linked.status, 303);
    const page = await client.follow(linked);
    assert.match(page.html, /Already reported as/);
    assert.match(page.html, new RegExp(`href="/staff/cases/${firstReference}"`));

    const separate = await client.post('/staff/cases', { ...fields, alreadyReported: 'new' });
    assert.equal(separate.status, 303);
    assert.doesNotMatch((await client.follow(separate)).html, /Already reported as/);
  });

  it('lets the owning team take, note, update and resolve a case, refusing moves the lifecycle does not allow', async () => {
    const client = await server.signedIn(officer);
    const queue = await client.get('/staff/cases');
    assert.match(queue.html, new RegExp(`href="/staff/cases/${firstReference}"`), 'the case is in the team’s queue');
    assert.match(queue.html, /href="\/staff\/cases\/new"/, 'a case can be raised from the queue');
    const page = await client.get(`/staff/cases/${firstReference}`);
    assert.match(page.html, /Take this case/);

    assert.equal((await client.post(`/staff/cases/${firstReference}/take`, {})).status, 303);
    const taken = await client.get(`/staff/cases/${firstReference}`);
    assert.match(taken.html, /The case is yours now/);
    assert.match(taken.html, /Assigned to Owain Officer/);
    assert.doesNotMatch(taken.html, /Take this case/);

    const note = await client.post(`/staff/cases/${firstReference}/updates`, {
      text: 'Crew booked for Tuesday',
      visibility: 'internal',
    });
    assert.equal(note.status, 303);

    const closing = await client.post(`/staff/cases/${firstReference}/updates`, {
      text: 'Closing',
      visibility: 'public',
      status: 'closed',
    });
    assert.equal(closing.status, 409);
    assert.deepEqual(closing.errorSummary, ['Only a resolved case can be closed: resolve it first']);
    assert.match(closing.html, />Closing<\/textarea>/, 'what was typed is kept');

    const quietly = await client.post(`/staff/cases/${firstReference}/updates`, {
      text: 'Done',
      visibility: 'internal',
      status: 'resolved',
    });
    assert.equal(quietly.status, 400);
    assert.match(quietly.errorSummary[0]!, /always shown to the resident/);

    const missing = await client.post(`/staff/cases/${firstReference}/updates`, { text: ' ', visibility: 'public' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.errorSummary, ['Enter the text of the update']);

    const resolved = await client.post(`/staff/cases/${firstReference}/updates`, {
      text: 'We have cleared the bags.',
      visibility: 'public',
      status: 'resolved',
    });
    assert.equal(resolved.status, 303);
    const after = await client.get(`/staff/cases/${firstReference}`);
    assert.match(after.html, /Status changed to Resolved/);
    assert.match(after.html, /Crew booked for Tuesday/);
    assert.match(after.html, /We have cleared the bags\./);

    // The resident was told, and so was the resident of the case that follows this one.
    const told = await server.db.selectFrom('notifications').select(['record_id']).where('event', '=', 'case.resolved').execute();
    assert.ok(told.some((message) => message.record_id === firstReference));
  });

  it('lets a team leader assign a case to someone in the team, and only them', async () => {
    const client = await server.signedIn(leader);
    const page = await client.get(`/staff/cases/${firstReference}`);
    assert.match(page.html, /<option value="[0-9a-f-]{36}"[^>]*>Owain Officer<\/option>/);
    const stranger = await client.post(`/staff/cases/${firstReference}/assign`, { assignee: advisor.id });
    assert.equal(stranger.status, 400);
    assert.deepEqual(stranger.errorSummary, ['Choose someone in the team that owns the case']);
    assert.equal((await client.post(`/staff/cases/${firstReference}/assign`, { assignee: leader.id })).status, 303);
    assert.match((await client.get(`/staff/cases/${firstReference}`)).html, /Assigned to Lowri Leader/);
    assert.equal((await client.post(`/staff/cases/${firstReference}/assign`, { assignee: '' })).status, 303);
    assert.match((await client.get(`/staff/cases/${firstReference}`)).html, /The case is not assigned to anyone now/);
  });

  async function upload(client: WebClient, content: Buffer, fileName: string, visibility = 'internal') {
    await client.get(`/staff/cases/${firstReference}`);
    return await client.postMultipart(`/staff/cases/${firstReference}/attachments`, [
      ['attachmentVisibility', visibility],
      ['attachment', { content, fileName }],
    ]);
  }

  it('keeps attachments checked by content, outside the web root, and serves them as downloads', async () => {
    const client = await server.signedIn(officer);
    const png = aPng();
    const stored = await upload(client, png, 'gate.png', 'public');
    assert.equal(stored.status, 303, stored.html);
    const page = await client.get(`/staff/cases/${firstReference}`);
    const href = page.html.match(
      new RegExp(`href="(/staff/cases/${firstReference}/attachments/[0-9a-f-]{36})" download>gate.png`),
    )?.[1];
    assert.ok(href, 'the file is listed');

    const download = await fetch(`${server.url}${href}`, { headers: { cookie: client.cookieHeader() } });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="gate.png"/);
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), png);

    const disguised = await upload(client, anExe(), 'photo.png');
    assert.equal(disguised.status, 400);
    assert.equal(disguised.errorSummary.length, 1);
    const rows = await server.db.selectFrom('case_attachments').select('file_name').execute();
    assert.deepEqual(
      rows.map((row) => row.file_name),
      ['gate.png'],
      'nothing is kept of a refused file',
    );

    // Someone who cannot see the case cannot download its files either.
    const outsider = await server.signedIn(partner);
    assert.equal((await outsider.get(href)).status, 404);
  });

  it('tells people of another organisation that the case does not exist, and asks the signed out to sign in', async () => {
    const outsider = await server.signedIn(partner);
    assert.equal((await outsider.get(`/staff/cases/${firstReference}`)).status, 404);
    assert.ok((await outsider.get('/staff/cases/new?service=fly-tipping')).html.includes('name="_csrf"'));
    assert.equal(
      (await outsider.post(`/staff/cases/${firstReference}/updates`, { text: 'x', visibility: 'internal' })).status,
      404,
    );
    assert.equal((await outsider.get('/staff/cases/ODR-0000-0000')).status, 404);
    const anonymous = await server.client().get(`/staff/cases/${firstReference}`);
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.location ?? '', /^\/staff\/sign-in/);
  });

  it('refuses a form without its CSRF token', async () => {
    const client = await server.signedIn(officer);
    await client.get(`/staff/cases/${firstReference}`);
    const forged = await client.post(
      `/staff/cases/${firstReference}/updates`,
      { text: 'forged', visibility: 'internal' },
      { csrf: false },
    );
    assert.equal(forged.status, 403);
  });
});
