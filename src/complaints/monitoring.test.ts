// Complaint figures and the Code self-assessment against a real database: a small council's June
// 2026, recorded and moved through the complaints service, and every figure worked out by hand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createCustomersService } from '../customers/service.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createCalendarService } from '../services/calendarService.ts';
import { createServicesService } from '../services/service.ts';
import {
  checkedPeriod,
  createComplaintMonitoring,
  csvCell,
  financialYearToDate,
  indicatorFigures,
  type ComplaintFigures,
} from './monitoring.ts';
import { REQUIREMENTS, createComplaintSelfAssessment } from './selfAssessment.ts';
import { createComplaintsService, type ComplaintsService } from './service.ts';

const NOW = new Date('2026-09-30T11:00:00.000Z');
const JUNE = { from: '2026-06-01', to: '2026-07-01' };
/** A time on a June or July 2026 day, in UTC (London is an hour ahead). */
const at = (day: string, time = '09:00') => new Date(`${day}T${time}:00.000Z`);

/** Parses `section,item,value` CSV (quoted cells included) into rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r') continue;
    else if (character === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += character;
  }
  return rows;
}

describe('complaint monitoring', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let officer: StaffActor;
  let reviewer: StaffActor;
  let analyst: StaffActor;
  let advisor: StaffActor;
  let complaints: ComplaintsService;
  const monitoring = () => createComplaintMonitoring(db, { now: () => NOW });

  async function actorFor(role: Role): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role] });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return staff.actor;
  }

  async function aService(code: string, name: string, teamName: string): Promise<void> {
    const team = await db
      .insertInto('teams')
      .values({ organisation_id: councilId, code: `${code}-team`, name: teamName })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('services')
      .values({ council_id: councilId, code, name, team_id: team.id, organisation_id: councilId, sla_working_days: 5 })
      .execute();
  }

  const record = (
    receivedAt: Date,
    fields: {
      serviceCode?: string;
      category?: 'delay' | 'quality_of_service' | 'staff_conduct';
      kind?: 'compliment' | 'comment';
    } = {},
  ) => complaints.record(officer, { description: 'What happened', channel: 'phone', receivedAt, ...fields });

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    await aService('missed-bin', 'Missed bins', 'Waste');
    await aService('fly-tipping', 'Fly-tipping', 'Street Scene');
    officer = await actorFor('complaints_officer');
    reviewer = await actorFor('complaints_officer');
    analyst = await actorFor('performance_analyst');
    advisor = await actorFor('advisor');
    const customers = createCustomersService(db);
    complaints = createComplaintsService(db, {
      services: createServicesService(db),
      calendar: createCalendarService(db),
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      notificationAddress: (id) => customers.notificationAddress(id),
      publicUrl: 'https://council.example',
      now: () => NOW,
    });

    // A: answered at stage 1 in time, upheld with maladministration; an apology and £50; learning done; very satisfied.
    const a = await record(at('2026-06-01'), { serviceCode: 'missed-bin', category: 'delay' });
    await complaints.acknowledge(officer, a.reference, { at: at('2026-06-02') });
    await complaints.respond(officer, a.reference, {
      outcome: 'upheld',
      maladministration: true,
      response: 'Sorry',
      at: at('2026-06-08'),
    });
    await complaints.addRemedy(officer, a.reference, { kind: 'apology', description: 'Apology letter' });
    await complaints.addRemedy(officer, a.reference, { kind: 'payment', description: 'For the trouble', amountPence: 5000 });
    const learned = await complaints.addLearningAction(officer, a.reference, {
      description: 'Fix the round',
      ownerId: officer.id,
      dueOn: '2026-07-01',
    });
    await complaints.completeLearningAction(officer, a.reference, learned.id);
    await complaints.recordSatisfaction(officer, a.reference, { score: 5 });
    await complaints.close(officer, a.reference);

    // B: acknowledged and answered late at stage 1 (not upheld); stage 2 in time, partly upheld with
    // service failure and an action; then the Ombudsman upheld it with maladministration and £75.
    const b = await record(at('2026-06-02'), { serviceCode: 'missed-bin', category: 'quality_of_service' });
    await complaints.acknowledge(officer, b.reference, { at: at('2026-06-10') });
    await complaints.respond(officer, b.reference, { outcome: 'not_upheld', response: 'No', at: at('2026-06-26') });
    await complaints.escalate(officer, b.reference, { at: at('2026-06-29') });
    await complaints.acknowledge(reviewer, b.reference, { at: at('2026-06-30') });
    await complaints.respond(reviewer, b.reference, {
      outcome: 'partly_upheld',
      serviceFailure: true,
      response: 'In part',
      at: at('2026-07-14'),
    });
    await complaints.addRemedy(reviewer, b.reference, { kind: 'action', description: 'Extra collection' });
    await complaints.recordSatisfaction(officer, b.reference, { score: 2 });
    await complaints.referToOmbudsman(officer, b.reference, { at: at('2026-08-03'), ombudsmanReference: 'LG-1' });
    await complaints.recordOmbudsmanDecision(officer, b.reference, {
      outcome: 'upheld',
      maladministration: true,
      at: at('2026-09-01'),
    });
    await complaints.addRemedy(officer, b.reference, {
      kind: 'payment',
      description: 'As the Ombudsman asked',
      amountPence: 7500,
    });

    // C: stage 1 in time, partly upheld; stage 2 in time, upheld; a learning action now overdue; satisfied.
    const c = await record(at('2026-06-03'), { serviceCode: 'fly-tipping', category: 'staff_conduct' });
    await complaints.acknowledge(officer, c.reference, { at: at('2026-06-03', '14:00') });
    await complaints.respond(officer, c.reference, { outcome: 'partly_upheld', response: 'In part', at: at('2026-06-10') });
    await complaints.escalate(officer, c.reference, { at: at('2026-06-12') });
    await complaints.acknowledge(reviewer, c.reference, { at: at('2026-06-15') });
    await complaints.respond(reviewer, c.reference, { outcome: 'upheld', response: 'Yes', at: at('2026-06-19') });
    await complaints.addLearningAction(officer, c.reference, {
      description: 'Training',
      ownerId: officer.id,
      dueOn: '2026-08-01',
    });
    await complaints.recordSatisfaction(officer, c.reference, { score: 4 });

    // D: no service or category; given 5 more days, answered in time, not upheld; a learning action not yet due.
    const d = await record(at('2026-06-15'));
    await complaints.acknowledge(officer, d.reference, { at: at('2026-06-16') });
    await complaints.extend(officer, d.reference, { days: 5, reason: 'Waiting for the crew' });
    await complaints.respond(officer, d.reference, { outcome: 'not_upheld', response: 'No', at: at('2026-06-18') });
    await complaints.addLearningAction(officer, d.reference, {
      description: 'Check the process',
      ownerId: officer.id,
      dueOn: '2026-12-01',
    });

    // E: still waiting to be acknowledged. F: received at 23:30 on 30 June in London (still June there).
    await record(at('2026-06-29'), { serviceCode: 'fly-tipping', category: 'delay' });
    const f = await record(at('2026-06-30', '22:30'), { serviceCode: 'missed-bin', category: 'delay' });
    await complaints.acknowledge(officer, f.reference, { at: at('2026-07-01') });

    // Two compliments and a comment in June.
    await record(at('2026-06-05'), { kind: 'compliment' });
    await record(at('2026-06-22'), { kind: 'compliment', serviceCode: 'missed-bin' });
    await record(at('2026-06-23'), { kind: 'comment' });

    // Outside June: 00:30 on 1 July in London, and 23:59 on 31 May; and another council's complaint.
    const g = await record(at('2026-06-30', '23:30'), { serviceCode: 'missed-bin', category: 'delay' });
    await complaints.acknowledge(officer, g.reference, { at: at('2026-07-01') });
    await complaints.respond(officer, g.reference, {
      outcome: 'upheld',
      maladministration: true,
      response: 'Yes',
      at: at('2026-07-02'),
    });
    await complaints.addRemedy(officer, g.reference, { kind: 'payment', description: 'Refund', amountPence: 99900 });
    await complaints.recordSatisfaction(officer, g.reference, { score: 1 });
    await record(at('2026-05-31', '22:59'), { serviceCode: 'fly-tipping', category: 'delay' });
    const otherCouncil = await insertOrganisation(db, {
      code: 'elsewhere',
      name: 'Elsewhere Council',
      kind: 'council',
      councilId: null,
    });
    await complaints.record(
      systemActor('test'),
      { description: 'Elsewhere', channel: 'web', receivedAt: at('2026-06-10') },
      { council: otherCouncil },
    );
  });
  after(() => database.drop());

  describe('the figures for June 2026', () => {
    let figures: ComplaintFigures;
    before(async () => {
      figures = await monitoring().figures(analyst, JUNE);
    });

    it('counts what was received in the period, by London day, and nothing else', () => {
      assert.deepEqual(figures.period, JUNE);
      assert.deepEqual(figures.received, { complaints: 6, compliments: 2, comments: 1 });
      assert.deepEqual(figures.stageReached, { stage1: 4, stage2: 1, ombudsman: 1 });
    });

    it('breaks the complaints down by service, team and category, most first', () => {
      assert.deepEqual(
        figures.byService.map((line) => [line.name, line.complaints]),
        [
          ['Missed bins', 3],
          ['Fly-tipping', 2],
          [null, 1],
        ],
      );
      assert.deepEqual(
        figures.byTeam.map((line) => [line.name, line.complaints]),
        [
          ['Waste', 3],
          ['Street Scene', 2],
          [null, 1],
        ],
      );
      assert.deepEqual(figures.byCategory, [
        { category: 'delay', complaints: 3 },
        { category: 'quality_of_service', complaints: 1 },
        { category: 'staff_conduct', complaints: 1 },
        { category: null, complaints: 1 },
      ]);
    });

    it('works out each stage: answered, justified, on time, and how long answers took', () => {
      assert.deepEqual(figures.stages[1], {
        started: 6,
        answered: 4,
        byOutcome: { upheld: 1, partly_upheld: 1, not_upheld: 2 },
        justified: 2,
        percentJustified: 50,
        acknowledgedInTime: 3,
        percentAcknowledgedInTime: 75,
        respondedInTime: 3,
        percentRespondedInTime: 75,
        // A 5, B 18, C 5, D 3 working days: 31 / 4.
        averageWorkingDays: 7.8,
        extended: 1,
        maladministration: 1,
        serviceFailure: 0,
        answeredByStageOneResponder: 0,
      });
      assert.deepEqual(figures.stages[2], {
        started: 2,
        answered: 2,
        byOutcome: { upheld: 1, partly_upheld: 1, not_upheld: 0 },
        justified: 2,
        percentJustified: 100,
        acknowledgedInTime: 2,
        percentAcknowledgedInTime: 100,
        respondedInTime: 2,
        percentRespondedInTime: 100,
        // B 11, C 5 working days.
        averageWorkingDays: 8,
        extended: 0,
        maladministration: 0,
        serviceFailure: 1,
        answeredByStageOneResponder: 0,
      });
      assert.deepEqual(figures.escalation, { stage2: 2, stage1Answered: 4, percent: 50 });
    });

    it('counts the Ombudsman’s part and what the council itself found', () => {
      assert.deepEqual(figures.ombudsman, {
        referrals: 1,
        decisions: 1,
        byOutcome: { upheld: 1, partly_upheld: 0, not_upheld: 0, not_investigated: 0 },
        maladministration: 1,
        serviceFailure: 0,
      });
      assert.deepEqual(figures.councilFindings, { maladministration: 1, serviceFailure: 1 });
    });

    it('adds up remedies, satisfaction and learning', () => {
      assert.deepEqual(figures.remedies, {
        byKind: { apology: 1, action: 1, payment: 2 },
        paymentsPence: 12500,
        complaintsRemedied: 2,
      });
      // 5, 2 and 4: average 3.7, two of three satisfied.
      assert.deepEqual(figures.satisfaction, { answered: 3, average: 3.7, satisfied: 2, percentSatisfied: 66.7 });
      assert.deepEqual(figures.learning, { open: 2, overdue: 1, completed: 1 });
    });
  });

  it('says "not known" (null) for every percentage and average of a period with nothing in it', async () => {
    const empty = await monitoring().figures(analyst, { from: '2025-01-01', to: '2025-02-01' });
    assert.deepEqual(empty.received, { complaints: 0, compliments: 0, comments: 0 });
    for (const stage of [empty.stages[1], empty.stages[2]]) {
      assert.equal(stage.answered, 0);
      assert.equal(stage.percentJustified, null);
      assert.equal(stage.percentAcknowledgedInTime, null);
      assert.equal(stage.percentRespondedInTime, null);
      assert.equal(stage.averageWorkingDays, null);
    }
    assert.equal(empty.escalation.percent, null);
    assert.deepEqual(empty.satisfaction, { answered: 0, average: null, satisfied: 0, percentSatisfied: null });
    assert.deepEqual(empty.remedies, { byKind: { apology: 0, action: 0, payment: 0 }, paymentsPence: 0, complaintsRemedied: 0 });
    assert.deepEqual([empty.byService, empty.byTeam, empty.byCategory], [[], [], []]);
    const sameDay = await monitoring().figures(analyst, { from: '2026-06-01', to: '2026-06-01' });
    assert.equal(sameDay.received.complaints, 0);
  });

  it('counts a day on its own: complaints received on 1 June only', async () => {
    const day = await monitoring().figures(analyst, { from: '2026-06-01', to: '2026-06-02' });
    assert.equal(day.received.complaints, 1);
    assert.equal(day.stages[1].percentJustified, 100);
  });

  it('lets complaints officers, team leaders and performance analysts see the figures, and nobody else', async () => {
    await assert.rejects(monitoring().figures(advisor, JUNE), NotAllowed);
    const leader = await actorFor('team_leader');
    assert.equal((await monitoring().figures(leader, JUNE)).received.complaints, 6);
    assert.equal((await monitoring().figures(officer, JUNE)).received.complaints, 6);
  });

  it('refuses a period that is not real dates, ends before it starts, or is longer than 5 years', async () => {
    const fieldsOf = async (period: { from?: string; to?: string }) => {
      try {
        await monitoring().figures(analyst, period);
      } catch (error) {
        if (error instanceof Invalid)
          return error.errors.map((problem) => `${problem.field}:${problem.message.split('.').pop()}`);
        throw error;
      }
      return [];
    };
    assert.deepEqual(await fieldsOf({ from: '2026-02-30', to: '2026-03-01' }), ['from:fromInvalid']);
    assert.deepEqual(await fieldsOf({ from: 'yesterday', to: 'today' }), ['from:fromInvalid', 'to:toInvalid']);
    assert.deepEqual(await fieldsOf({}), ['from:fromInvalid', 'to:toInvalid']);
    assert.deepEqual(await fieldsOf({ from: '2026-06-02', to: '2026-06-01' }), ['to:toBeforeFrom']);
    assert.deepEqual(await fieldsOf({ from: '2020-04-01', to: '2025-04-02' }), ['to:tooLong']);
    assert.deepEqual(await fieldsOf({ from: '2020-04-01', to: '2025-04-01' }), []);
    assert.deepEqual(checkedPeriod({ from: '2024-02-29', to: '2029-02-28' }), { from: '2024-02-29', to: '2029-02-28' });
  });

  it('starts from this financial year to date', () => {
    assert.deepEqual(financialYearToDate(NOW), { from: '2026-04-01', to: '2026-10-01' });
    assert.deepEqual(financialYearToDate(new Date('2027-03-31T23:30:00.000Z')), { from: '2027-04-01', to: '2027-04-02' });
    assert.deepEqual(financialYearToDate(new Date('2027-01-15T12:00:00.000Z')), { from: '2026-04-01', to: '2027-01-16' });
  });

  it('writes the figures as CSV, one figure or breakdown line a row, safe to open in a spreadsheet', async () => {
    const file = await monitoring().csv(analyst, JUNE);
    assert.equal(file.fileName, 'complaint-figures-2026-06-01-to-2026-06-30.csv');
    assert.ok(file.content.startsWith('\uFEFFsection,item,value\r\n'));
    const rows = parseCsv(file.content.slice(1));
    assert.ok(rows.every((row) => row.length === 3));
    const value = (section: string, item: string) => rows.find((row) => row[0] === section && row[1] === item)?.[2];
    assert.equal(value('received', 'complaints'), '6');
    assert.equal(value('stage_1', 'percent_justified'), '50.0');
    assert.equal(value('stage_1', 'percent_answered_in_time'), '75.0');
    assert.equal(value('stage_1', 'average_working_days'), '7.8');
    assert.equal(value('satisfaction', 'percent_satisfied'), '66.7');
    assert.equal(value('remedies', 'payments_total_pounds'), '125.00');
    assert.equal(value('by_service', 'Missed bins'), '3');
    assert.equal(value('by_service', '(none)'), '1');

    const empty = parseCsv((await monitoring().csv(analyst, { from: '2025-01-01', to: '2025-02-01' })).content.slice(1));
    assert.deepEqual(
      empty.find((row) => row[0] === 'satisfaction' && row[1] === 'percent_satisfied'),
      ['satisfaction', 'percent_satisfied', ''],
    );

    assert.equal(csvCell('=SUM(A1:A2), "total"'), `"'=SUM(A1:A2), ""total"""`);
    assert.equal(csvCell('+44 1234'), "'+44 1234");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@here'), "'@here");
    assert.equal(csvCell('Line one\nline two'), '"Line one\nline two"');
    assert.equal(csvCell('Gwasanaethau’r Cyngor'), 'Gwasanaethau’r Cyngor');
    assert.equal(csvCell(-3), '-3');
    assert.equal(csvCell(null), '');
  });

  it('keeps a service name that looks like a formula from running in the CSV', async () => {
    const team = await db
      .insertInto('teams')
      .values({ organisation_id: councilId, code: 'sneaky', name: '@Team' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('services')
      .values({
        council_id: councilId,
        code: 'sneaky',
        name: '=HYPERLINK("http://evil.example","Click")',
        team_id: team.id,
        organisation_id: councilId,
        sla_working_days: 5,
      })
      .execute();
    await record(at('2026-08-10'), { serviceCode: 'sneaky' });
    const file = await monitoring().csv(analyst, { from: '2026-08-01', to: '2026-09-01' });
    assert.match(file.content, /\r\nby_service,"'=HYPERLINK\(""http:\/\/evil\.example"",""Click""\)",1\r\n/);
    assert.match(file.content, /\r\nby_team,'@Team,1\r\n/);
  });

  it('gives the performance indicators the figures they read', async () => {
    assert.deepEqual(await indicatorFigures(db, councilId, JUNE), {
      stages: {
        1: { answered: 4, respondedInTime: 3, percentRespondedInTime: 75, justified: 2, percentJustified: 50 },
        2: { answered: 2, respondedInTime: 2, percentRespondedInTime: 100, justified: 2, percentJustified: 100 },
      },
      satisfaction: { answered: 3, average: 3.7, satisfied: 2, percentSatisfied: 66.7 },
    });
  });

  describe('the self-assessment against the Code', () => {
    const assessment = () => createComplaintSelfAssessment(db, { now: () => NOW });

    it('lists the Code’s requirements with the year’s figures beside those the data can speak to', async () => {
      const year = await assessment().selfAssessment(analyst, 2026);
      assert.deepEqual(year.period, { from: '2026-04-01', to: '2027-04-01' });
      assert.equal(year.requirements.length, REQUIREMENTS.length);
      assert.ok(REQUIREMENTS.length >= 12 && REQUIREMENTS.length <= 15);
      const figure = (key: string) => year.requirements.find((requirement) => requirement.key === key)?.figure;
      // The financial year also holds the complaints of 31 May and 1 July (G, answered in time), and August's.
      assert.deepEqual(figure('definition_used'), { value: 9, percent: false });
      // Acknowledged in time: A, C, D, G at stage 1 and both stage 2s, of 7 answered.
      assert.deepEqual(figure('acknowledged_in_5_days'), { value: 85.7, percent: true });
      assert.deepEqual(figure('stage_1_in_10_days'), { value: 80, percent: true });
      assert.deepEqual(figure('stage_2_in_20_days'), { value: 100, percent: true });
      assert.deepEqual(figure('stage_2_independent'), { value: 0, percent: false });
      assert.deepEqual(figure('extensions_explained'), { value: 1, percent: false });
      assert.deepEqual(figure('remedies_recorded'), { value: 5, percent: false });
      assert.deepEqual(figure('learning_acted_on'), { value: 1, percent: false });
      assert.equal(figure('policy_published'), null);
      assert.equal(year.canAssess, false);
      assert.deepEqual(year.summary, { met: 0, partly_met: 0, not_met: 0, notAssessed: REQUIREMENTS.length });
    });

    it('saves an answer per year, changes it, and records each change in the audit trail', async () => {
      await assessment().saveSelfAssessment(officer, 2026, 'stage_2_independent', {
        status: 'met',
        evidence: 'Reviewers are never the stage 1 responder.',
      });
      await assessment().saveSelfAssessment(officer, 2025, 'stage_2_independent', { status: 'not_met' });
      await assessment().saveSelfAssessment(officer, 2026, 'stage_2_independent', {
        status: 'partly_met',
        evidence: '  One exception, now fixed.  ',
      });

      const year = await assessment().selfAssessment(officer, 2026);
      assert.equal(year.canAssess, true);
      const answer = year.requirements.find((requirement) => requirement.key === 'stage_2_independent')?.answer;
      assert.equal(answer?.status, 'partly_met');
      assert.equal(answer?.evidence, 'One exception, now fixed.');
      assert.deepEqual(year.summary, { met: 0, partly_met: 1, not_met: 0, notAssessed: REQUIREMENTS.length - 1 });
      const earlier = await assessment().selfAssessment(officer, 2025);
      assert.equal(
        earlier.requirements.find((requirement) => requirement.key === 'stage_2_independent')?.answer?.status,
        'not_met',
      );

      const audit = await db
        .selectFrom('audit_events')
        .select(['record_id', 'changes'])
        .where('action', '=', 'complaint.self_assessment')
        .orderBy('occurred_at')
        .execute();
      assert.deepEqual(
        audit.map((entry) => entry.record_id),
        ['2026/stage_2_independent', '2025/stage_2_independent', '2026/stage_2_independent'],
      );
      assert.deepEqual(audit[2]?.changes, {
        status: { from: 'met', to: 'partly_met' },
        evidence: { from: 'Reviewers are never the stage 1 responder.', to: 'One exception, now fixed.' },
      });
    });

    it('refuses an answer without a status, or met without evidence, and keeps it to the complaints officers', async () => {
      await assert.rejects(
        assessment().saveSelfAssessment(officer, 2026, 'annual_report', { status: 'sort_of' }),
        (error: unknown) => {
          assert.ok(error instanceof Invalid);
          assert.deepEqual(
            error.errors.map((problem) => problem.field),
            ['status'],
          );
          return true;
        },
      );
      await assert.rejects(
        assessment().saveSelfAssessment(officer, 2026, 'annual_report', { status: 'met', evidence: ' ' }),
        (error: unknown) => {
          assert.ok(error instanceof Invalid);
          assert.deepEqual(
            error.errors.map((problem) => problem.message),
            ['complaints.selfAssessment.errors.evidenceMissing'],
          );
          return true;
        },
      );
      await assert.rejects(
        assessment().saveSelfAssessment(officer, 2026, 'annual_report', { status: 'met', evidence: 'x'.repeat(5001) }),
        Invalid,
      );
      await assert.rejects(assessment().saveSelfAssessment(analyst, 2026, 'annual_report', { status: 'not_met' }), NotAllowed);
      await assert.rejects(assessment().saveSelfAssessment(officer, 2026, 'no_such_thing', { status: 'not_met' }), NotFound);
      await assert.rejects(assessment().saveSelfAssessment(officer, 2027, 'annual_report', { status: 'not_met' }), NotFound);
      await assert.rejects(assessment().selfAssessment(officer, 2019), NotFound);
      await assert.rejects(assessment().selfAssessment(advisor, 2026), NotAllowed);
    });
  });
});
