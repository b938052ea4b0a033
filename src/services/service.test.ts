import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation, insertTeam } from '../organisations/repo.ts';
import { systemActor, type ApiKeyActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { routeCase } from './routing.ts';
import { createServicesService, type ServicesService } from './service.ts';

describe('the service catalogue', () => {
  let database: TestDatabase;
  let db: Db;
  let services: ServicesService;
  let councilId: string;
  let otherCouncilId: string;
  let highwaysId: string;
  let policeTeamId: string;
  let policeId: string;
  let otherCouncilTeamId: string;
  let admin: StaffActor;
  let teamLeader: StaffActor;
  let advisor: StaffActor;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    policeId = await insertOrganisation(db, { code: 'police', name: 'Borough Police', kind: 'partner', councilId });
    highwaysId = await insertTeam(db, { organisationId: councilId, code: 'highways', name: 'Highways' });
    policeTeamId = await insertTeam(db, { organisationId: policeId, code: 'neighbourhood', name: 'Neighbourhood' });
    otherCouncilTeamId = await insertTeam(db, { organisationId: otherCouncilId, code: 'roads', name: 'County Roads' });
    admin = await actorFor('admin');
    teamLeader = await actorFor('team_leader');
    advisor = await actorFor('advisor');
    services = createServicesService(db);
  });
  after(() => database.drop());

  async function actorFor(role: Role): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role], organisation: 'borough' });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return staff.actor;
  }

  const potholes = (overrides: Record<string, unknown> = {}) => ({
    code: 'potholes',
    name: 'Report a pothole',
    nameCy: 'Rhoi gwybod am dwll yn y ffordd',
    lgsl: '',
    description: 'A hole in a road or pavement.',
    teamId: highwaysId,
    public: 'yes',
    firstContactResolvable: 'no',
    slaWorkingDays: '10',
    defaultPriority: 'normal',
    ...overrides,
  });

  const auditOf = async (recordId: string) =>
    (await db.selectFrom('audit_events').select('action').where('record_id', '=', recordId).orderBy('id').execute()).map(
      (event) => event.action,
    );

  it('creates a service with a question and a rule, and hands a case what it needs in one read', async () => {
    const { id } = await services.create(admin, potholes());
    await services.addQuestion(admin, id, { code: 'where', label: 'Where is it?', kind: 'location', required: 'yes' });
    await services.addQuestion(admin, id, { code: 'dangerous', label: 'Is it dangerous?', kind: 'yes_no', required: 'yes' });
    await services.addRule(admin, id, { questionCode: 'dangerous', answerValue: 'Yes', priority: 'urgent' });
    await services.addRule(admin, id, { ward: 'Oswestry East', teamId: policeTeamId });

    const forCase = await services.forCase(councilId, 'potholes');
    assert.ok(forCase);
    assert.equal(forCase.teamName, 'Highways');
    assert.equal(forCase.organisationId, councilId);
    assert.deepEqual(
      forCase.questions.map((question) => [question.code, question.kind, question.required]),
      [
        ['where', 'location', true],
        ['dangerous', 'yes_no', true],
      ],
    );
    assert.deepEqual(
      forCase.routingRules.map((rule) => [rule.questionCode, rule.answerValue, rule.priority, rule.organisationId]),
      [
        ['dangerous', 'yes', 'urgent', null],
        [null, null, null, policeId],
      ],
    );
    assert.deepEqual(routeCase(forCase, { ward: 'Oswestry East', answers: { dangerous: true } }), {
      teamId: policeTeamId,
      organisationId: policeId,
      priority: 'urgent',
    });
    assert.deepEqual(await auditOf(id), [
      'service.create',
      'service.question.add',
      'service.question.add',
      'service.rule.add',
      'service.rule.add',
    ]);
    assert.equal(await services.forCase(otherCouncilId, 'potholes'), undefined);
  });

  it('refuses a service with every problem named by field, and saves nothing', async () => {
    const before = await db.selectFrom('services').select('id').execute();
    await assert.rejects(
      services.create(
        admin,
        potholes({ code: 'Pot Holes!', name: '', slaWorkingDays: '0', firstContactResolvable: 'yes', defaultPriority: 'soon' }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(
          error.errors.map((problem) => `${problem.field} ${problem.message}`),
          [
            'code services.errors.codeFormat',
            'name services.errors.nameMissing',
            'advisorScript services.errors.advisorScriptMissing',
            'slaWorkingDays services.errors.slaFormat',
            'defaultPriority services.errors.priorityInvalid',
          ],
        );
        return true;
      },
    );
    await assert.rejects(services.create(admin, potholes({ code: 'potholes' })), Invalid);
    await assert.rejects(services.create(admin, potholes({ code: 'roads', teamId: otherCouncilTeamId })), Invalid);
    assert.equal((await db.selectFrom('services').select('id').execute()).length, before.length);
  });

  it('lets a partner agency’s team own a service, and keeps the owning organisation the team’s', async () => {
    const { id } = await services.create(
      admin,
      potholes({ code: 'anti-social-behaviour', name: 'Report anti-social behaviour', teamId: policeTeamId }),
    );
    const service = await services.get(admin, id);
    assert.equal(service.organisationId, policeId);
    await services.update(admin, id, { ...potholes({ teamId: highwaysId, name: 'Report nuisance' }) });
    const changed = await services.get(admin, id);
    assert.equal(changed.organisationId, councilId);
    assert.equal(changed.code, 'anti-social-behaviour', 'the code stays');
    assert.equal(changed.name, 'Report nuisance');
  });

  it('moves questions up and down, and keeps a question a rule tests', async () => {
    const { id } = await services.create(admin, potholes({ code: 'bins', name: 'Missed bin' }));
    const first = await services.addQuestion(admin, id, {
      code: 'colour',
      label: 'Which bin?',
      kind: 'choice',
      options: 'Black\nGreen | Gwyrdd',
    });
    const second = await services.addQuestion(admin, id, { code: 'notes', label: 'Anything else?', kind: 'long_text' });
    assert.equal(await services.moveQuestion(admin, id, second, 'up'), true);
    assert.equal(await services.moveQuestion(admin, id, second, 'up'), false, 'already first');
    assert.deepEqual(
      (await services.get(admin, id)).questions.map((question) => question.code),
      ['notes', 'colour'],
    );
    assert.deepEqual((await services.get(admin, id)).questions[1]!.options, [
      { value: 'black', label: 'Black', labelCy: null },
      { value: 'green', label: 'Green', labelCy: 'Gwyrdd' },
    ]);
    await assert.rejects(services.addRule(admin, id, { questionCode: 'colour', answerValue: 'blue', priority: 'high' }), Invalid);
    const rule = await services.addRule(admin, id, { questionCode: 'colour', answerValue: 'green', priority: 'high' });
    await assert.rejects(services.removeQuestion(admin, id, first), Conflict);
    await assert.rejects(
      services.updateQuestion(admin, id, first, { code: 'bin', label: 'Which bin?', kind: 'choice', options: 'Black\nGreen' }),
      Invalid,
    );
    await services.removeRule(admin, id, rule);
    await services.removeQuestion(admin, id, first);
    assert.deepEqual(
      (await services.get(admin, id)).questions.map((question) => question.code),
      ['notes'],
    );
  });

  it('stops offering a deactivated service to cases and the picker, and keeps it in the catalogue', async () => {
    const { id } = await services.create(admin, potholes({ code: 'garden-waste', name: 'Garden waste' }));
    assert.ok((await services.picker(advisor)).some((service) => service.code === 'garden-waste'));
    assert.equal(await services.setActive(admin, id, false), true);
    assert.equal(await services.setActive(admin, id, false), false);
    assert.equal(await services.forCase(councilId, 'garden-waste'), undefined);
    assert.ok(!(await services.picker(advisor)).some((service) => service.code === 'garden-waste'));
    assert.ok((await services.list(admin, { active: false })).some((service) => service.code === 'garden-waste'));
    assert.deepEqual(await auditOf(id), ['service.create', 'service.deactivate']);
  });

  it('lets team leaders read the catalogue, advisors only pick from it, and only administrators change it', async () => {
    const { id } = await services.create(admin, potholes({ code: 'street-lights', name: 'Street lights' }));
    assert.ok((await services.list(teamLeader)).length > 0);
    await assert.rejects(services.update(teamLeader, id, potholes()), NotAllowed);
    await assert.rejects(services.create(teamLeader, potholes({ code: 'other' })), NotAllowed);
    await assert.rejects(services.list(advisor), NotAllowed);
    await assert.rejects(services.get(advisor, id), NotFound, 'a service the person may not read is not there for them');
    const picker = await services.picker(advisor);
    assert.deepEqual(
      picker.map((service) => service.name),
      [...picker.map((service) => service.name)].sort((a, b) => (a < b ? -1 : 1)),
    );
    await assert.rejects(services.get(admin, '00000000-0000-4000-8000-000000000000'), NotFound);
  });

  it('lists a council’s active services for an API key with services:read, and no other council’s', async () => {
    const key = (councilIdOfKey: string, scopes: ApiKeyActor['scopes']): ApiKeyActor => ({
      kind: 'api_key',
      id: '00000000-0000-4000-8000-00000000000a',
      name: 'test',
      organisationId: councilIdOfKey,
      organisationKind: 'council',
      councilId: councilIdOfKey,
      scopes,
      ip: null,
    });
    const { items } = await services.listForApi(key(councilId, ['services:read']));
    const listed = items.find((item) => item.code === 'potholes');
    assert.ok(listed);
    assert.deepEqual(listed.team, { code: 'highways', name: 'Highways' });
    assert.deepEqual(
      listed.questions.map((question) => question.code),
      ['where', 'dangerous'],
    );
    assert.equal((await services.listForApi(key(otherCouncilId, ['services:read']))).items.length, 0);
    await assert.rejects(services.listForApi(key(councilId, ['cases:read'])), NotAllowed);
    await assert.rejects(services.create(systemActor('test'), potholes()), /must say which council/);
  });
});
