// What the council keeps beside the computed figures, on PostgreSQL: targets per indicator and
// exact period (upserted, validated, audited in the same transaction), the indicators kept by hand
// and their values, and the action tracker; team leaders read but do not change, and another
// council's analyst is told none of it exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import type { Role, StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { codeFromName, createPerformanceSettingsService, financialYearPeriods, typedNumber } from './settings.ts';
import { manualValuesFor, targetsFor } from './settingsRepo.ts';

const YEAR = { from: '2026-04-01', to: '2027-04-01' };
const FIRST_FOUR_MONTHS = { from: '2026-04-01', to: '2026-08-01' };
const NOW = new Date('2026-09-15T10:00:00Z');

/** The fields an Invalid error names, in order. */
function invalidFields(error: unknown): string[] {
  assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
  return error.errors.map((problem) => `${problem.field}:${problem.message}`);
}

describe('keeping targets, manual indicators and actions', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let analyst: StaffActor;
  let teamLeader: StaffActor;
  let advisor: StaffActor;
  let otherAnalyst: StaffActor;
  const settings = () => createPerformanceSettingsService(db, { now: () => NOW });

  async function signedIn(role: Role, organisation?: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role], ...(organisation ? { organisation } : {}) });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.20');
    assert.ok(staff);
    return staff.actor;
  }

  async function auditOf(recordId: string) {
    return await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'organisation_id', 'changes', 'details'])
      .where('record_id', '=', recordId)
      .orderBy('id')
      .execute();
  }

  /** Whether the row and its latest audit record were written by one transaction. */
  async function sameTransaction(table: string, id: string): Promise<boolean> {
    const { rows } = await sql<{ same: boolean }>`
      select (select xmin::text from ${sql.table(table)} where id = ${id}) =
        (select xmin::text from audit_events where record_id = ${id} order by id desc limit 1) as same`.execute(db);
    return rows[0]?.same === true;
  }

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    await insertOrganisation(db, { code: 'elsewhere', name: 'Elsewhere Council', kind: 'council', councilId: null });
    analyst = await signedIn('performance_analyst');
    teamLeader = await signedIn('team_leader');
    advisor = await signedIn('advisor');
    otherAnalyst = await signedIn('performance_analyst', 'elsewhere');
  });
  after(() => database.drop());

  describe('targets', () => {
    it('keeps a target for exactly one period, upserting it, and audits each change in the same transaction', async () => {
      await settings().saveTarget(analyst, 'first_contact_resolution', YEAR, {
        target: '72.5',
        tolerance: '2.5',
        benchmark: '75',
        previousActual: '69.9',
        estimatedOutturn: '',
        owner: ' Customer services manager ',
        comment: 'Up on last year.',
      });
      const [first] = await db.selectFrom('performance_targets').selectAll().where('council_id', '=', councilId).execute();
      assert.ok(first);
      assert.equal(first.indicator, 'first_contact_resolution');
      assert.deepEqual([first.period_from, first.period_to], [YEAR.from, YEAR.to]);
      assert.deepEqual(
        [first.target, first.tolerance, first.benchmark, first.previous_actual, first.estimated_outturn].map((value) =>
          value === null ? null : Number(value),
        ),
        [72.5, 2.5, 75, 69.9, null],
      );
      assert.equal(first.owner, 'Customer services manager');
      assert.equal(first.updated_by, analyst.id);
      assert.ok(await sameTransaction('performance_targets', first.id));

      // The same indicator and period again: the one row changes.
      await settings().saveTarget(analyst, 'first_contact_resolution', YEAR, {
        target: '74',
        tolerance: '2.5',
        benchmark: '75',
        previousActual: '69.9',
        estimatedOutturn: '73',
        owner: 'Customer services manager',
        comment: 'Up on last year.',
      });
      const rows = await db
        .selectFrom('performance_targets')
        .select(['id', 'target'])
        .where('council_id', '=', councilId)
        .execute();
      assert.deepEqual(
        rows.map((row) => [row.id, Number(row.target)]),
        [[first.id, 74]],
      );
      assert.ok(await sameTransaction('performance_targets', first.id));
      const audit = await auditOf(first.id);
      assert.deepEqual(
        audit.map((event) => event.action),
        ['performance.target.save', 'performance.target.save'],
      );
      assert.equal(audit[0]!.actor_label, analyst.email);
      assert.equal(audit[0]!.organisation_id, councilId);
      assert.deepEqual(audit[0]!.details, { indicator: 'first_contact_resolution', periodFrom: YEAR.from, periodTo: YEAR.to });
      assert.deepEqual(audit[1]!.changes, { target: { from: 72.5, to: 74 }, estimatedOutturn: { from: null, to: 73 } });

      // The report reads it for any period within the year.
      const forReport = await targetsFor(db, councilId, FIRST_FOUR_MONTHS);
      assert.equal(forReport.get('first_contact_resolution')?.target, 74);
    });

    it('saving the same figures again changes nothing and records nothing', async () => {
      const [row] = await db.selectFrom('performance_targets').select('id').where('council_id', '=', councilId).execute();
      const before = (await auditOf(row!.id)).length;
      await settings().saveTarget(analyst, 'first_contact_resolution', YEAR, {
        target: '74.0',
        tolerance: '2.5',
        benchmark: '75',
        previousActual: '69.9',
        estimatedOutturn: '73',
        owner: 'Customer services manager',
        comment: 'Up on last year.',
      });
      assert.equal((await auditOf(row!.id)).length, before);
    });

    it('lists every indicator with what is kept for exactly the period asked', async () => {
      const year = await settings().targets(teamLeader, YEAR);
      assert.equal(year.lines.length, 13, 'the computed indicators (no manual ones yet)');
      assert.equal(year.lines[0]!.code, 'first_contact_resolution');
      assert.equal(year.lines[0]!.target?.target, 74);
      assert.equal(year.lines[1]!.target, null);
      // The four months within the year have nothing of their own.
      const part = await settings().targets(teamLeader, FIRST_FOUR_MONTHS);
      assert.equal(part.lines[0]!.target, null);
    });

    it('takes decimals, commas between thousands and a % after a percentage', async () => {
      await settings().saveTarget(analyst, 'open_backlog', FIRST_FOUR_MONTHS, { target: '1,250', tolerance: '50.25' });
      await settings().saveTarget(analyst, 'digital_share', FIRST_FOUR_MONTHS, { target: '45%', benchmark: '100' });
      const targets = await settings().targets(analyst, FIRST_FOUR_MONTHS);
      const line = (code: string) => targets.lines.find((each) => each.code === code)!.target;
      assert.deepEqual([line('open_backlog')?.target, line('open_backlog')?.tolerance], [1250, 50.25]);
      assert.deepEqual([line('digital_share')?.target, line('digital_share')?.benchmark], [45, 100]);
    });

    it('refuses figures that are not numbers, percentages outside 0 to 100, a negative tolerance and long text, saving nothing', async () => {
      const count = async () =>
        (
          await db
            .selectFrom('performance_targets')
            .select(sql<number>`count(*)::int`.as('n'))
            .executeTakeFirstOrThrow()
        ).n;
      const before = await count();
      await assert.rejects(
        settings().saveTarget(analyst, 'cases_within_sla', YEAR, {
          target: '101',
          tolerance: '-1',
          benchmark: 'about 80',
          previousActual: '-0.5',
          estimatedOutturn: '80.12345',
          owner: 'x'.repeat(121),
          comment: 'y'.repeat(2001),
        }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), [
            'target:performance.targets.errors.target.percent',
            'tolerance:performance.targets.errors.tolerance.negative',
            'benchmark:performance.targets.errors.benchmark.invalid',
            'previousActual:performance.targets.errors.previousActual.percent',
            'estimatedOutturn:performance.targets.errors.estimatedOutturn.invalid',
            'owner:performance.targets.errors.ownerTooLong',
            'comment:performance.targets.errors.commentTooLong',
          ]);
          return true;
        },
      );
      // Not a percentage: any size, and below 0 for what is not a tolerance.
      await settings().saveTarget(analyst, 'average_handling_time', YEAR, { target: '380', previousActual: '412.75' });
      await assert.rejects(settings().saveTarget(analyst, 'average_handling_time', YEAR, { tolerance: '-2' }), Invalid);
      assert.equal(await count(), before + 1);
    });

    it('refuses a period that is not one', async () => {
      await assert.rejects(
        settings().saveTarget(analyst, 'cases_within_sla', { from: '2026-04-31', to: '2026-04-01' }, {}),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), ['from:performance.targets.errors.fromInvalid']);
          return true;
        },
      );
      await assert.rejects(settings().targets(analyst, { from: '2026-05-01', to: '2026-05-01' }), (error: unknown) => {
        assert.deepEqual(invalidFields(error), ['to:performance.targets.errors.lastBeforeFrom']);
        return true;
      });
    });

    it('knows only the computed indicators and the council’s own manual ones', async () => {
      await assert.rejects(settings().saveTarget(analyst, 'no_such_indicator', YEAR, { target: '1' }), NotFound);
      await assert.rejects(settings().target(analyst, 'no_such_indicator', YEAR), NotFound);
    });

    it('lets team leaders read the targets but not change them, and advisors neither', async () => {
      await assert.rejects(settings().saveTarget(teamLeader, 'cases_within_sla', YEAR, { target: '90' }), NotAllowed);
      await assert.rejects(settings().target(teamLeader, 'cases_within_sla', YEAR), NotAllowed);
      await assert.rejects(settings().targets(advisor, YEAR), NotAllowed);
      // Another council's analyst sees their own council's (empty) targets, never these.
      const theirs = await settings().targets(otherAnalyst, YEAR);
      assert.ok(theirs.lines.every((line) => line.target === null));
    });
  });

  describe('manual indicators', () => {
    let surveyId: string;

    it('defines one with a code made from its name, and audits it in the same transaction', async () => {
      const defined = await settings().defineManualIndicator(analyst, {
        name: 'Residents satisfied with the council’s website',
        unit: 'percent',
        direction: 'higher',
        definition: 'From the annual residents’ survey.',
      });
      surveyId = defined.id;
      assert.equal(defined.code, 'residents_satisfied_with_the_council_s_website');
      assert.ok(await sameTransaction('performance_manual_indicators', defined.id));
      const [event] = await auditOf(defined.id);
      assert.equal(event?.action, 'performance.manual_indicator.define');
      assert.deepEqual((event?.changes as Record<string, { to: unknown }>).code, { from: null, to: defined.code });

      // The same name again gets the next free code.
      const again = await settings().defineManualIndicator(analyst, {
        name: 'Residents satisfied with the council’s website',
        unit: 'percent',
        direction: 'higher',
      });
      assert.equal(again.code, 'residents_satisfied_with_the_council_s_website_2');
      await settings().setManualIndicatorActive(analyst, again.id, false);
    });

    it('refuses a missing name, a bad or taken code, and no unit or direction', async () => {
      await assert.rejects(
        settings().defineManualIndicator(analyst, { name: '', code: '9lives', unit: 'kg' }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), [
            'name:performance.manual.errors.nameMissing',
            'code:performance.manual.errors.codeInvalid',
            'unit:performance.manual.errors.unitMissing',
            'direction:performance.manual.errors.directionMissing',
          ]);
          return true;
        },
      );
      for (const code of ['residents_satisfied_with_the_council_s_website', 'first_contact_resolution'])
        await assert.rejects(
          settings().defineManualIndicator(analyst, { name: 'Clash', code, unit: 'number', direction: 'lower' }),
          (error: unknown) => {
            assert.deepEqual(invalidFields(error), ['code:performance.manual.errors.codeTaken']);
            return true;
          },
        );
    });

    it('changes its name, unit, direction and definition but never its code', async () => {
      await settings().updateManualIndicator(analyst, surveyId, {
        code: 'something_else',
        name: 'Residents satisfied with the website',
        unit: 'percent',
        direction: 'higher',
        definition: 'From the annual residents’ survey, question 12.',
      });
      const { indicator } = await settings().manualIndicator(teamLeader, surveyId);
      assert.equal(indicator.code, 'residents_satisfied_with_the_council_s_website');
      assert.equal(indicator.name, 'Residents satisfied with the website');
      const events = await auditOf(surveyId);
      assert.equal(events.at(-1)?.action, 'performance.manual_indicator.update');
      assert.deepEqual(Object.keys(events.at(-1)?.changes as object).sort(), ['definition', 'name']);
    });

    it('enters a value per period with evidence, replacing it when entered again, audited in the same transaction', async () => {
      await assert.rejects(
        settings().saveManualValue(analyst, surveyId, { ...FIRST_FOUR_MONTHS, value: '104', evidence: ' ' }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), [
            'value:performance.manual.errors.valuePercent',
            'evidence:performance.manual.errors.evidenceMissing',
          ]);
          return true;
        },
      );
      await assert.rejects(
        settings().saveManualValue(analyst, surveyId, { ...FIRST_FOUR_MONTHS, evidence: 'Survey' }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), ['value:performance.manual.errors.valueMissing']);
          return true;
        },
      );

      await settings().saveManualValue(analyst, surveyId, { ...FIRST_FOUR_MONTHS, value: '61.5', evidence: 'Survey, May 2026' });
      await settings().saveManualValue(analyst, surveyId, {
        ...FIRST_FOUR_MONTHS,
        value: '62',
        evidence: 'Survey, May 2026 (reweighted)',
        note: 'Corrected',
      });
      const { values } = await settings().manualIndicator(analyst, surveyId);
      assert.deepEqual(
        values.map((value) => [value.periodFrom, value.periodTo, value.value, value.evidence, value.note]),
        [[FIRST_FOUR_MONTHS.from, FIRST_FOUR_MONTHS.to, 62, 'Survey, May 2026 (reweighted)', 'Corrected']],
      );
      assert.ok(await sameTransaction('performance_manual_values', values[0]!.id));
      const events = await auditOf(values[0]!.id);
      assert.deepEqual(
        events.map((event) => event.action),
        ['performance.manual_value.save', 'performance.manual_value.save'],
      );
      assert.deepEqual(events[1]!.changes, {
        value: { from: 61.5, to: 62 },
        evidence: { from: 'Survey, May 2026', to: 'Survey, May 2026 (reweighted)' },
        note: { from: null, to: 'Corrected' },
      });

      // The report reads it for that period, and its target beside the computed ones.
      const manual = await manualValuesFor(db, councilId, FIRST_FOUR_MONTHS);
      assert.deepEqual(
        manual.map((indicator) => [indicator.code, indicator.value]),
        [['residents_satisfied_with_the_council_s_website', 62]],
      );
      await settings().saveTarget(analyst, 'residents_satisfied_with_the_council_s_website', FIRST_FOUR_MONTHS, { target: '65' });
      const targets = await settings().targets(analyst, FIRST_FOUR_MONTHS);
      const line = targets.lines.find((each) => each.code === 'residents_satisfied_with_the_council_s_website');
      assert.equal(line?.kind, 'manual');
      assert.equal(line?.target?.target, 65);
    });

    it('takes an indicator out of use and puts it back, audited', async () => {
      await settings().setManualIndicatorActive(analyst, surveyId, false);
      assert.deepEqual(await manualValuesFor(db, councilId, FIRST_FOUR_MONTHS), []);
      assert.ok(!(await settings().targets(analyst, YEAR)).lines.some((line) => line.kind === 'manual'));
      await settings().setManualIndicatorActive(analyst, surveyId, true);
      const actions = (await auditOf(surveyId)).map((event) => event.action);
      assert.deepEqual(actions.slice(-2), ['performance.manual_indicator.deactivate', 'performance.manual_indicator.reactivate']);
      assert.equal((await manualValuesFor(db, councilId, FIRST_FOUR_MONTHS)).length, 1);
    });

    it('tells another council’s analyst it does not exist, and lets team leaders read but not change it', async () => {
      await assert.rejects(settings().manualIndicator(otherAnalyst, surveyId), NotFound);
      await assert.rejects(
        settings().updateManualIndicator(otherAnalyst, surveyId, { name: 'Taken over', unit: 'number', direction: 'lower' }),
        NotFound,
      );
      await assert.rejects(settings().setManualIndicatorActive(otherAnalyst, surveyId, false), NotFound);
      await assert.rejects(
        settings().saveManualValue(otherAnalyst, surveyId, { ...YEAR, value: '1', evidence: 'Made up' }),
        NotFound,
      );
      await assert.rejects(settings().manualIndicator(otherAnalyst, 'not-a-uuid'), NotFound);
      assert.deepEqual(await settings().manualIndicators(otherAnalyst), []);

      assert.equal((await settings().manualIndicators(teamLeader)).length, 2);
      await assert.rejects(
        settings().defineManualIndicator(teamLeader, { name: 'Mine', unit: 'number', direction: 'lower' }),
        NotAllowed,
      );
      await assert.rejects(settings().setManualIndicatorActive(teamLeader, surveyId, false), NotAllowed);
      await assert.rejects(settings().saveManualValue(teamLeader, surveyId, { ...YEAR, value: '1', evidence: 'x' }), NotAllowed);
    });
  });

  describe('the action tracker', () => {
    let chaseId: string;

    it('adds actions, audited in the same transaction, and lists the open ones by when they are due, then those done', async () => {
      const add = (title: string, dueOn: string, status: string, indicator = '') =>
        settings().addAction(analyst, {
          title,
          dueOn,
          status,
          indicator,
          owner: 'Head of customer services',
          progress: '',
          issues: '',
        });
      chaseId = (await add('Cut chasing calls', '2026-10-31', 'on_track', 'avoidable_contact')).id;
      await add('Publish the new web forms', '2026-09-30', 'not_started', 'digital_share');
      await add('Train the new starters', '2026-06-30', 'done');
      await add('Answer complaints sooner', '2026-12-01', 'at_risk', 'residents_satisfied_with_the_council_s_website');

      assert.ok(await sameTransaction('performance_actions', chaseId));
      const [event] = await auditOf(chaseId);
      assert.equal(event?.action, 'performance.action.add');
      assert.equal((event?.changes as Record<string, { to: unknown }>).indicator?.to, 'avoidable_contact');

      const actions = await settings().actions(teamLeader);
      assert.deepEqual(
        actions.map((action) => [action.title, action.status]),
        [
          ['Publish the new web forms', 'not_started'],
          ['Cut chasing calls', 'on_track'],
          ['Answer complaints sooner', 'at_risk'],
          ['Train the new starters', 'done'],
        ],
      );
    });

    it('changes an action, recording what changed', async () => {
      await settings().updateAction(analyst, chaseId, {
        title: 'Cut chasing calls',
        indicator: 'avoidable_contact',
        progress: 'Texts sent when a case moves on.',
        issues: 'Templates need approving.',
        owner: 'Head of customer services',
        dueOn: '2026-10-31',
        status: 'done',
      });
      const action = await settings().action(analyst, chaseId);
      assert.equal(action.status, 'done');
      assert.ok(await sameTransaction('performance_actions', chaseId));
      const events = await auditOf(chaseId);
      assert.equal(events.at(-1)?.action, 'performance.action.update');
      assert.deepEqual(Object.keys(events.at(-1)?.changes as object).sort(), ['issues', 'progress', 'status']);
    });

    it('refuses an action without a title, owner, real due date or status, or for an unknown indicator', async () => {
      await assert.rejects(
        settings().addAction(analyst, { title: ' ', indicator: 'made_up', owner: '', dueOn: '2026-02-30', status: 'finished' }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), [
            'title:performance.actions.errors.titleMissing',
            'indicator:performance.actions.errors.indicatorUnknown',
            'owner:performance.actions.errors.ownerMissing',
            'due:performance.actions.errors.dueInvalid',
            'status:performance.actions.errors.statusMissing',
          ]);
          return true;
        },
      );
      await assert.rejects(
        settings().addAction(analyst, { title: 'x'.repeat(201), owner: 'Me', dueOn: '', status: 'done' }),
        (error: unknown) => {
          assert.deepEqual(invalidFields(error), [
            'title:performance.actions.errors.titleTooLong',
            'due:performance.actions.errors.dueMissing',
          ]);
          return true;
        },
      );
    });

    it('tells another council’s analyst an action does not exist, and lets team leaders read but not change', async () => {
      await assert.rejects(settings().action(otherAnalyst, chaseId), NotFound);
      await assert.rejects(
        settings().updateAction(otherAnalyst, chaseId, { title: 'Mine', owner: 'Me', dueOn: '2026-10-31', status: 'done' }),
        NotFound,
      );
      assert.deepEqual(await settings().actions(otherAnalyst), []);
      await assert.rejects(settings().action(teamLeader, chaseId), NotAllowed);
      await assert.rejects(
        settings().addAction(teamLeader, { title: 'Mine', owner: 'Me', dueOn: '2026-10-31', status: 'done' }),
        NotAllowed,
      );
      await assert.rejects(settings().actions(advisor), NotAllowed);
    });
  });
});

describe('the settings’ small rules', () => {
  it('reads numbers as people type them', () => {
    assert.equal(typedNumber('92.5', 'percent'), 92.5);
    assert.equal(typedNumber(' 92.5 % ', 'percent'), 92.5);
    assert.equal(typedNumber('92.5%', 'number'), 'invalid');
    assert.equal(typedNumber('1,234,567.25', 'number'), 1234567.25);
    assert.equal(typedNumber('1,5', 'number'), 'invalid');
    assert.equal(typedNumber('-3', 'score'), -3);
    assert.equal(typedNumber('', 'days'), null);
    assert.equal(typedNumber('1e3', 'number'), 'invalid');
    assert.equal(typedNumber('0.12345', 'number'), 'invalid');
  });

  it('makes codes from names', () => {
    assert.equal(codeFromName('Bodlonrwydd â’r wefan'), 'bodlonrwydd_a_r_wefan');
    assert.equal(codeFromName('  % of calls answered in 20s  '), 'of_calls_answered_in_20s');
    assert.equal(codeFromName('2025 survey'), 'indicator_2025_survey');
    assert.ok(codeFromName('x'.repeat(100)).length <= 61);
  });

  it('splits a financial year into three four-month periods', () => {
    assert.deepEqual(financialYearPeriods(2026), {
      year: 2026,
      whole: { from: '2026-04-01', to: '2027-04-01' },
      parts: [
        { from: '2026-04-01', to: '2026-08-01' },
        { from: '2026-08-01', to: '2026-12-01' },
        { from: '2026-12-01', to: '2027-04-01' },
      ],
    });
  });
});
