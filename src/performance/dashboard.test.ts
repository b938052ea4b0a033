// The live dashboard on PostgreSQL, against figures worked out by hand: each team's open cases by
// SLA state now (closed and resolved cases, and another council's, left out; the team leader's
// own team first), and today's contacts by hour and channel against the average of the same
// weekday over the four weeks before (folded into the roll-ups or not yet). The team counts read
// the partial indexes of open cases, never the closed ones; partners and advisors are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aPartnerAgency, aService, aStaffMember, aTeam } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { CaseStatus } from '../cases/lifecycle.ts';
import { newCaseReference, newTrackingToken } from '../cases/reference.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import type { Role, StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { NotAllowed } from '../platform/errors.ts';
import { createPerformanceDashboard, londonTime, todaysContacts } from './dashboard.ts';
import { explainTeamQueues } from './dashboardRepo.ts';
import { foldRollups } from './repo.ts';

/** Friday 10 July 2026, 15:30 in London (British Summer Time). */
const NOW = new Date('2026-07-10T14:30:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(NOW.getTime() + offset);

describe('the live performance dashboard', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let otherCouncilId: string;
  let waste: string;
  let parking: string;
  let housing: string;
  let wasteService: string;
  let leader: StaffActor;
  let analyst: StaffActor;
  let advisor: StaffActor;
  let partnerWorker: StaffActor;
  const dashboard = () => createPerformanceDashboard(db, { now: () => NOW });

  async function signedIn(role: Role, organisation?: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role], ...(organisation ? { organisation } : {}) });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return staff.actor;
  }

  async function aCase(
    team: { id: string; councilId: string; serviceId: string },
    times: { received: Date; dueSoon: Date; due: Date },
    status: CaseStatus = 'submitted',
    assignedTo: string | null = null,
  ) {
    await db
      .insertInto('cases')
      .values({
        council_id: team.councilId,
        reference: newCaseReference(),
        tracking_token: newTrackingToken(),
        service_id: team.serviceId,
        channel: 'phone',
        description: 'A case',
        answers: JSON.stringify({}),
        status,
        priority: 'normal',
        team_id: team.id,
        organisation_id: team.councilId,
        assigned_to: assignedTo,
        received_at: times.received,
        due_at: times.due,
        due_soon_at: times.dueSoon,
        resolved_at: status === 'resolved' || status === 'closed' ? at(-DAY) : null,
        closed_at: status === 'closed' ? at(-DAY) : null,
      })
      .execute();
  }

  async function contact(council: string, startedAt: string, channel: string) {
    const started = new Date(startedAt);
    await db
      .insertInto('contacts')
      .values({
        council_id: council,
        channel,
        outcome: 'resolved_first_contact',
        started_at: started,
        ended_at: new Date(started.getTime() + 5 * 60_000),
      })
      .execute();
  }

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    leader = await signedIn('team_leader');
    analyst = await signedIn('performance_analyst');
    advisor = await signedIn('advisor');
    await aPartnerAgency(db, 'police', 'West Marches Police');
    partnerWorker = await signedIn('partner_worker', 'police');
    // Another council, made after this one's people (the builders put people in the first council).
    otherCouncilId = await insertOrganisation(db, { code: 'shire', name: 'Shire Council', kind: 'council', councilId: null });

    waste = await aTeam(db, { organisationId: councilId, code: 'dash-waste', name: 'Waste', nameCy: 'Gwastraff' });
    parking = await aTeam(db, { organisationId: councilId, code: 'dash-parking', name: 'Parking' }, [leader]);
    housing = await aTeam(db, { organisationId: councilId, code: 'dash-housing', name: 'Housing' });
    const shire = await aTeam(db, { organisationId: otherCouncilId, code: 'dash-shire', name: 'Shire roads' });
    wasteService = await aService(db, { councilId, teamId: waste, code: 'dash-bin', name: 'Missed bin', slaWorkingDays: 2 });
    const shireService = await aService(db, {
      councilId: otherCouncilId,
      teamId: shire,
      code: 'dash-pothole',
      name: 'Pothole',
      slaWorkingDays: 5,
    });
    const wasteTeam = { id: waste, councilId, serviceId: wasteService };

    // Waste: one on track (unassigned), one due soon (assigned), one overdue (unassigned, the
    // oldest: received 3 July), and a closed and a resolved case, neither open.
    await aCase(wasteTeam, { received: at(-DAY), dueSoon: at(DAY), due: at(2 * DAY) });
    await aCase(wasteTeam, { received: at(-4 * DAY), dueSoon: at(-HOUR), due: at(HOUR) }, 'in_progress', leader.id);
    await aCase(
      wasteTeam,
      { received: new Date('2026-07-03T08:00:00Z'), dueSoon: at(-2 * DAY), due: at(-DAY) },
      'awaiting_customer',
    );
    await aCase(wasteTeam, { received: new Date('2026-06-01T08:00:00Z'), dueSoon: at(-30 * DAY), due: at(-29 * DAY) }, 'closed');
    await aCase(
      wasteTeam,
      { received: new Date('2026-06-02T08:00:00Z'), dueSoon: at(-30 * DAY), due: at(-29 * DAY) },
      'resolved',
    );
    // Parking: one case due this very moment, which is overdue (as the queue judges it).
    await aCase({ id: parking, councilId, serviceId: wasteService }, { received: at(-2 * HOUR), dueSoon: at(-HOUR), due: NOW });
    // Another council's case: on no dashboard of this council's.
    await aCase(
      { id: shire, councilId: otherCouncilId, serviceId: shireService },
      { received: at(-DAY), dueSoon: at(-HOUR), due: at(-1) },
    );

    // The Fridays before (3 July, 26, 19 and 12 June), folded into the roll-ups: phone 09:00-10:00
    // 2 + 1 + 1 = 4 (typical 1.0), phone 15:00-16:00 2 (typical 0.5), web 16:00-17:00 1 (typical 0.25,
    // shown 0.3). Not counted: 5 June (five weeks before), Thursday 9 July, and another council's.
    await contact(councilId, '2026-07-03T08:05:00Z', 'phone');
    await contact(councilId, '2026-07-03T08:55:00Z', 'phone');
    await contact(councilId, '2026-06-26T08:30:00Z', 'phone');
    await contact(councilId, '2026-06-19T08:30:00Z', 'phone');
    await contact(councilId, '2026-07-03T14:10:00Z', 'phone');
    await contact(councilId, '2026-07-03T14:50:00Z', 'phone');
    await contact(councilId, '2026-06-26T15:20:00Z', 'web');
    for (let i = 0; i < 4; i++) await contact(councilId, '2026-06-05T08:30:00Z', 'phone');
    await contact(councilId, '2026-07-09T08:30:00Z', 'phone');
    await contact(otherCouncilId, '2026-07-03T08:30:00Z', 'phone');
    await foldRollups(db);
    // Today, not folded yet: phone twice and web once between 09:00 and 10:00, phone once at 15:05.
    await contact(councilId, '2026-07-10T08:10:00Z', 'phone');
    await contact(councilId, '2026-07-10T08:50:00Z', 'phone');
    await contact(councilId, '2026-07-10T08:40:00Z', 'web');
    await contact(councilId, '2026-07-10T14:05:00Z', 'phone');
    await contact(otherCouncilId, '2026-07-10T08:10:00Z', 'phone');
  });
  after(() => database.drop());

  it('counts each team’s open cases by SLA state now, the team leader’s own team first', async () => {
    const shown = await dashboard().dashboard(leader);
    assert.equal(shown.day, '2026-07-10');
    assert.deepEqual(shown.time, { hour: 15, minute: 30 });
    const ours = shown.teams.filter((team) => [waste, parking, housing].includes(team.id));
    assert.deepEqual(
      ours.map(({ name, nameCy, yourTeam, open, onTrack, dueSoon, overdue, unassigned, oldestAgeDays }) => ({
        name,
        nameCy,
        yourTeam,
        open,
        onTrack,
        dueSoon,
        overdue,
        unassigned,
        oldestAgeDays,
      })),
      [
        {
          name: 'Parking',
          nameCy: null,
          yourTeam: true,
          open: 1,
          onTrack: 0,
          dueSoon: 0,
          overdue: 1,
          unassigned: 1,
          oldestAgeDays: 0,
        },
        {
          name: 'Housing',
          nameCy: null,
          yourTeam: false,
          open: 0,
          onTrack: 0,
          dueSoon: 0,
          overdue: 0,
          unassigned: 0,
          oldestAgeDays: null,
        },
        {
          name: 'Waste',
          nameCy: 'Gwastraff',
          yourTeam: false,
          open: 3,
          onTrack: 1,
          dueSoon: 1,
          overdue: 1,
          unassigned: 2,
          oldestAgeDays: 7,
        },
      ],
    );
    assert.equal(shown.teams[0]?.id, parking, 'the leader’s own team comes first');
    assert.deepEqual(shown.teams.find((team) => team.id === waste)?.oldestReceivedAt, new Date('2026-07-03T08:00:00Z'));
    assert.ok(!shown.teams.some((team) => team.name === 'Shire roads'), 'another council’s teams are not shown');
  });

  it('shows an analyst, who is in no team, the same counts in name order', async () => {
    const shown = await dashboard().dashboard(analyst);
    assert.ok(shown.teams.every((team) => !team.yourTeam));
    assert.deepEqual(
      shown.teams.filter((team) => [waste, parking, housing].includes(team.id)).map((team) => team.name),
      ['Housing', 'Parking', 'Waste'],
    );
    assert.equal(shown.teams.find((team) => team.id === waste)?.open, 3);
  });

  it('sets today’s contacts by hour and channel against the same weekday of the four weeks before', async () => {
    const { contacts } = await dashboard().dashboard(analyst);
    assert.deepEqual(contacts.byHour, [
      { hour: 9, channel: 'phone', today: 2, typical: 1 },
      { hour: 9, channel: 'web', today: 1, typical: 0 },
      { hour: 15, channel: 'phone', today: 1, typical: 0.5 },
      { hour: 16, channel: 'web', today: 0, typical: 0.3 },
    ]);
    // By 15:30: the typical 1.0 of 09:00-10:00, and half the typical 0.5 of 15:00-16:00.
    assert.deepEqual(contacts.total, { today: 4, typicalByNow: 1.3 });
    assert.deepEqual(contacts.byChannel, [
      { channel: 'phone', today: 3, typicalByNow: 1.3 },
      { channel: 'web', today: 1, typicalByNow: 0 },
    ]);
    assert.deepEqual(contacts.hours, { first: 8, last: 17 });
    assert.equal(contacts.typicalWeeks, 4);
  });

  it('counts the typical day by now in whole hours gone and the share of this hour gone', () => {
    const rows = [
      { hour: 6, channel: 'web', today: 1, typical: 2 },
      { hour: 10, channel: 'phone', today: 5, typical: 6 },
      { hour: 11, channel: 'phone', today: 0, typical: 4 },
    ];
    const at1015 = todaysContacts(rows, { hour: 10, minute: 15 });
    assert.deepEqual(at1015.total, { today: 6, typicalByNow: 3.5 });
    assert.deepEqual(at1015.hours, { first: 6, last: 17 });
    assert.deepEqual(todaysContacts([], { hour: 9, minute: 0 }).total, { today: 0, typicalByNow: 0 });
    assert.deepEqual(londonTime(new Date('2026-12-06T15:56:00Z')), { hour: 15, minute: 56 });
    assert.deepEqual(londonTime(new Date('2026-07-10T23:30:00Z')), { hour: 0, minute: 30 });
  });

  it('refuses a partner agency’s worker and an advisor', async () => {
    await assert.rejects(dashboard().dashboard(partnerWorker), NotAllowed);
    await assert.rejects(dashboard().dashboard(advisor), NotAllowed);
  });

  it('reads only the partial indexes of open cases, however many closed cases a council has', async () => {
    // 6,000 closed cases of the team, as a council has after a few years.
    for (let batch = 0; batch < 6; batch++) {
      await db
        .insertInto('cases')
        .values(
          Array.from({ length: 1000 }, (_, index) => ({
            council_id: councilId,
            reference: newCaseReference(),
            tracking_token: newTrackingToken(),
            service_id: wasteService,
            channel: 'web',
            description: 'An old case',
            answers: JSON.stringify({}),
            status: 'closed' as const,
            priority: 'normal' as const,
            team_id: waste,
            organisation_id: councilId,
            received_at: at(-(400 + index) * DAY),
            due_at: at(-(398 + index) * DAY),
            due_soon_at: at(-(399 + index) * DAY),
            resolved_at: at(-(399 + index) * DAY),
            closed_at: at(-(399 + index) * DAY),
          })),
        )
        .onConflict((conflict) => conflict.column('reference').doNothing())
        .execute();
    }
    await sql`analyze cases`.execute(db);
    const plan = await explainTeamQueues(db, councilId, leader.id, NOW);
    // Whether through an index scan or a bitmap of one, only the partial indexes of open cases.
    assert.doesNotMatch(plan, /Seq Scan on cases/, plan);
    const indexes = [
      ...[...plan.matchAll(/Index (?:Only )?Scan(?: Backward)? using (\w+) on cases\b/g)].map((match) => match[1]),
      ...[...plan.matchAll(/Bitmap Index Scan on (cases_\w+)/g)].map((match) => match[1]),
    ];
    assert.ok(indexes.length > 0, plan);
    for (const index of indexes) assert.match(index ?? '', /^cases_team_(queue|priority|received|ward|service)_idx$/, plan);
    // And the counts are what they were.
    const shown = await dashboard().dashboard(leader);
    assert.equal(shown.teams.find((team) => team.id === waste)?.open, 3);
  });
});
