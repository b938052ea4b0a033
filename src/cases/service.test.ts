// The case rules that have no page yet, against a real database: the team queue and its filters,
// assignment, escalation of overdue cases, what a resident's tracking link shows, satisfaction,
// and who sees which case.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createCustomersService } from '../customers/service.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createCalendarService } from '../services/calendarService.ts';
import { createServicesService } from '../services/service.ts';
import { createCasesService, type CasesService } from './service.ts';

const RECEIVED = new Date('2026-11-23T10:00:00.000Z');
const MONTH_LATER = new Date('2026-12-23T10:00:00.000Z');

describe('working cases', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let teamId: string;
  let otherTeamId: string;
  let leader: StaffActor & { email: string };
  let officer: StaffActor;
  let outsider: StaffActor;
  let partnerWorker: StaffActor;
  /** The cases service as of `now` (tests run side by side, so each has its own clock). */
  let casesAt: (now: Date) => CasesService;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    const partnerId = await aPartnerAgency(db, 'police', 'Borough Police');
    teamId = await aTeam(councilId, 'waste', 'Waste');
    otherTeamId = await aTeam(councilId, 'planning', 'Planning');
    const partnerTeamId = await aTeam(partnerId, 'neighbourhood', 'Neighbourhood');
    leader = { ...(await actorFor('team_leader', teamId)), email: '' };
    leader.email = (
      await db.selectFrom('staff_users').select('email').where('id', '=', leader.id).executeTakeFirstOrThrow()
    ).email;
    officer = await actorFor('officer', teamId);
    outsider = await actorFor('officer', otherTeamId);
    partnerWorker = await actorFor('partner_worker', partnerTeamId, 'police');

    const service = await db
      .insertInto('services')
      .values({
        council_id: councilId,
        code: 'missed-bin',
        name: 'Missed bin',
        team_id: teamId,
        organisation_id: councilId,
        sla_working_days: 2,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('service_questions')
      .values({ service_id: service.id, position: 1, code: 'ward', label: 'Where?', kind: 'text', required: false })
      .execute();
    await db
      .insertInto('service_routing_rules')
      .values({ service_id: service.id, position: 1, question_code: 'ward', answer_value: 'police', team_id: partnerTeamId })
      .execute();

    const customers = createCustomersService(db);
    casesAt = (now) =>
      createCasesService(db, {
        services: createServicesService(db),
        calendar: createCalendarService(db),
        findCustomer: (actor, id) => customers.findForContact(actor, id),
        notificationAddress: (id) => customers.notificationAddress(id),
        publicUrl: 'https://council.example',
        now: () => now,
      });
  });
  after(() => database.drop());

  async function aTeam(organisationId: string, code: string, name: string): Promise<string> {
    const row = await db
      .insertInto('teams')
      .values({ organisation_id: organisationId, code, name })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function actorFor(role: Role, team: string, organisation?: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role], ...(organisation ? { organisation } : {}) });
    await db.insertInto('team_members').values({ team_id: team, user_id: id }).execute();
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return staff.actor;
  }

  const raise = (description: string, answers: Record<string, unknown> = {}, at = RECEIVED) =>
    casesAt(at).raise(
      systemActor('test'),
      { serviceCode: 'missed-bin', description, channel: 'phone', answers },
      { council: councilId },
    );

  it('lists a team’s open cases in due order, filters them, and lets its leader share them out in one go', async () => {
    const cases = casesAt(RECEIVED);
    const first = await raise('Grey bin missed on Elm Road');
    const second = await raise('Green bin missed on Oak Lane', {}, new Date(RECEIVED.getTime() + 3_600_000));

    const queue = await cases.queue(leader, { teamId });
    assert.deepEqual(
      queue.items.filter((item) => [first.reference, second.reference].includes(item.reference)).map((item) => item.reference),
      [first.reference, second.reference],
    );
    assert.ok(queue.canAssign);

    await assert.rejects(cases.bulkAssign(officer, teamId, [first.id], officer.id), NotAllowed);
    await assert.rejects(cases.bulkAssign(leader, teamId, [first.id], outsider.id), Invalid, 'only someone in the team');
    const assigned = await cases.bulkAssign(leader, teamId, [first.id, second.id], officer.id);
    assert.deepEqual(assigned.assigned.sort(), [first.reference, second.reference].sort());

    const mine = await cases.queue(officer, { teamId, assignedToMe: true });
    assert.deepEqual(mine.items.map((item) => item.reference).sort(), [first.reference, second.reference].sort());
    assert.equal((await cases.queue(leader, { teamId, unassigned: true })).items.length, 0);
    const events = await db
      .selectFrom('case_events')
      .select('kind')
      .where('case_id', '=', first.id)
      .where('kind', '=', 'assigned')
      .execute();
    assert.equal(events.length, 1);
  });

  it('escalates each overdue open case once, to its team’s leaders, with an internal event and an email', async () => {
    const late = await raise('Bin missed three weeks running');
    const cases = casesAt(MONTH_LATER);
    const overdue = await cases.queue(leader, { teamId, slaStates: ['overdue'] });
    assert.ok(overdue.items.some((item) => item.reference === late.reference && item.slaState === 'overdue'));

    assert.ok((await cases.escalateOverdue()) >= 1);
    await cases.escalateOverdue(); // a second run (the job is delivered at least once) escalates it no further
    const escalations = await db
      .selectFrom('case_events')
      .select('details')
      .where('case_id', '=', late.id)
      .where('kind', '=', 'escalated')
      .execute();
    assert.equal(escalations.length, 1);
    assert.deepEqual((escalations[0]!.details as { to: string[] }).to, [leader.email]);
    const emails = await db
      .selectFrom('notifications')
      .select(['recipient', 'channel'])
      .where('event', '=', 'case.escalated')
      .where('record_id', '=', late.reference)
      .execute();
    assert.deepEqual(emails, [{ recipient: leader.email.toLowerCase(), channel: 'email' }]);
  });

  it('shows a resident only the public side of their case, and asks how satisfied they are once it is closed', async () => {
    const cases = casesAt(RECEIVED);
    const raised = await raise('Food caddy not emptied');
    await cases.addUpdate(officer, raised.reference, { text: 'Driver says the road was blocked', visibility: 'internal' });
    await assert.rejects(
      cases.addUpdate(officer, raised.reference, { text: 'Done', visibility: 'internal', status: 'resolved' }),
      (error: unknown) => error instanceof Invalid && error.errors[0]?.message === 'cases.errors.statusChangeIsPublic',
    );
    await cases.addUpdate(officer, raised.reference, { text: 'Collected today', visibility: 'public', status: 'resolved' });
    const token = (await db.selectFrom('cases').select('tracking_token').where('id', '=', raised.id).executeTakeFirstOrThrow())
      .tracking_token;

    const tracked = await cases.track(token);
    assert.deepEqual(
      tracked.events.map((event) => event.body),
      ['Collected today', null],
      'the internal note is not shown',
    );
    await assert.rejects(cases.track('x'.repeat(43)), NotFound);

    await assert.rejects(cases.recordSatisfaction(token, { score: 4 }), Conflict, 'not before it is closed');
    await cases.addUpdate(officer, raised.reference, { text: 'Closing this now', visibility: 'public', status: 'closed' });
    await assert.rejects(cases.recordSatisfaction(token, { score: 9 }), Invalid);
    await cases.recordSatisfaction(token, { score: 4, comment: 'Quick, thank you' });
    await assert.rejects(cases.recordSatisfaction(token, { score: 5 }), Conflict, 'only once');
    const row = await db
      .selectFrom('cases')
      .select(['satisfaction', 'satisfaction_comment'])
      .where('id', '=', raised.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { satisfaction: 4, satisfaction_comment: 'Quick, thank you' });
  });

  it('lets a partner see the cases routed to it and no others; only the owning organisation works a case', async () => {
    const cases = casesAt(RECEIVED);
    const council = await raise('Bin left on the pavement');
    const routed = await raise('Bins set on fire', { ward: 'police' });
    await assert.rejects(cases.view(partnerWorker, council.reference), NotFound);
    const seen = await cases.view(partnerWorker, routed.reference);
    assert.equal(seen.record.organisation.kind, 'partner');
    assert.ok(seen.can.update);
    await assert.rejects(
      cases.addUpdate(officer, routed.reference, { text: 'We will take it', visibility: 'public', status: 'in_progress' }),
      NotAllowed,
    );
  });
});
