// The pages that keep what the performance report shows beside the computed figures, from outside
// over real HTTP: a performance analyst sets a target for a period, defines an indicator kept by
// hand and enters its value, and adds and completes an action; each form's bad input comes back
// with the GOV.UK error summary linked to the field and nothing saved; a forged form is refused;
// team leaders read the lists but change nothing; others are refused; another council's analyst
// finds nothing; and the pages are in Welsh too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertOrganisation } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { financialYearOf, financialYearPeriods } from '../../src/performance/settings.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

const TARGETS = '/staff/performance/targets';
const MANUAL = '/staff/performance/manual';
const ACTIONS = '/staff/performance/actions';
const PERIOD = { from: '2026-04-01', to: '2026-08-01' };
const PERIOD_QUERY = 'from=2026-04-01&to=2026-08-01';
const NOT_ALLOWED = 'You do not have permission to see this page';

/** The three boxes of a date input for an ISO date. */
const dateFields = (prefix: string, date: string) => ({
  [`${prefix}-day`]: String(Number(date.slice(8, 10))),
  [`${prefix}-month`]: String(Number(date.slice(5, 7))),
  [`${prefix}-year`]: date.slice(0, 4),
});

const summaryLinks = (page: Page) =>
  page.dom.querySelectorAll('.govuk-error-summary__list a').map((link) => link.getAttribute('href'));
const title = (page: Page) => page.dom.querySelector('title')?.text.trim() ?? '';
const banner = (page: Page) => page.dom.querySelector('.govuk-notification-banner')?.text.replace(/\s+/g, ' ').trim() ?? '';

describe('the performance settings pages', () => {
  let server: TestServer;
  let councilId: string;
  let analyst: WebClient;
  let teamLeader: WebClient;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    analyst = await server.signedIn(await aStaffMember(server.db, { roles: ['performance_analyst'], name: 'Anwen Analyst' }));
    teamLeader = await server.signedIn(await aStaffMember(server.db, { roles: ['team_leader'] }));
  });
  after(() => server.close());

  const targetsKept = () =>
    server.db
      .selectFrom('performance_targets')
      .select(['indicator', 'period_from', 'period_to', 'target', 'tolerance', 'owner', 'comment'])
      .where('council_id', '=', councilId)
      .orderBy('indicator')
      .execute();
  const indicatorsKept = () =>
    server.db
      .selectFrom('performance_manual_indicators')
      .select(['id', 'code', 'name', 'unit', 'direction', 'active'])
      .where('council_id', '=', councilId)
      .orderBy('name')
      .execute();
  const actionsKept = () =>
    server.db
      .selectFrom('performance_actions')
      .select(['id', 'title', 'indicator', 'owner', 'due_on', 'status', 'progress'])
      .where('council_id', '=', councilId)
      .orderBy('title')
      .execute();
  const auditActions = async (prefix: string) =>
    (
      await server.db.selectFrom('audit_events').select('action').where('action', 'like', `${prefix}%`).orderBy('id').execute()
    ).map((event) => event.action);

  describe('targets', () => {
    it('opens on this financial year with its four-month periods offered, and every indicator', async () => {
      const year = financialYearPeriods(financialYearOf(todayInLondon()));
      const page = await analyst.get(TARGETS);
      assert.equal(page.status, 200);
      assert.equal(page.heading, 'Targets and benchmarks');
      const choices = page.dom.querySelectorAll('#period-choices a');
      assert.deepEqual(
        choices.map((link) => link.getAttribute('href')),
        [year.whole, ...year.parts].map((period) => `${TARGETS}?from=${period.from}&to=${period.to}`),
      );
      assert.equal(choices[0]!.getAttribute('aria-current'), 'true', 'the year is the one shown');
      assert.match(choices[0]!.text, new RegExp(`Financial year ${year.year} to ${year.year + 1}`));
      const rows = page.dom.querySelectorAll('#targets tbody tr');
      assert.equal(rows.length, 13, 'every computed indicator');
      assert.match(rows[0]!.text, /First-contact resolution/);
      assert.ok(page.dom.querySelector('a[href="/staff/performance"]'), 'a link back to the report');
    });

    it('saves one indicator’s target for the period on its own page, and shows it in the list', async () => {
      const list = await analyst.get(`${TARGETS}?${PERIOD_QUERY}`);
      assert.match(list.dom.querySelector('#period')!.text, /Showing 1 April 2026 to 31 July 2026\./);
      const change = list.dom.querySelector('#indicator-first_contact_resolution a')!.getAttribute('href')!;
      assert.equal(change, `${TARGETS}/first_contact_resolution?${PERIOD_QUERY}`);

      const form = await analyst.get(change);
      assert.equal(form.status, 200);
      assert.equal(form.heading, 'Target for First-contact resolution');
      assert.equal(form.dom.querySelector('input[name="to"]')?.getAttribute('value'), PERIOD.to);
      const saved = await analyst.post(`${TARGETS}/first_contact_resolution`, {
        ...PERIOD,
        target: '72.5',
        tolerance: '2.5',
        benchmark: '75',
        previousActual: '69.9',
        estimatedOutturn: '',
        owner: 'Customer services manager',
        comment: 'Web chat opened in May.',
      });
      assert.equal(saved.status, 303, saved.errorSummary.join('; '));
      assert.equal(saved.location, `${TARGETS}?${PERIOD_QUERY}#indicator-first_contact_resolution`);
      const after = await analyst.follow(saved);
      assert.match(banner(after), /The target has been saved\./);
      const row = after.dom.querySelector('#indicator-first_contact_resolution')!;
      assert.match(row.text, /72\.5%/);
      assert.match(row.text, /Customer services manager/);
      assert.match(row.text, /Web chat opened in May\./);
      assert.match(row.text, /Not set/, 'the estimated outturn left blank');
      assert.deepEqual(await targetsKept(), [
        {
          indicator: 'first_contact_resolution',
          period_from: PERIOD.from,
          period_to: PERIOD.to,
          target: '72.5',
          tolerance: '2.5',
          owner: 'Customer services manager',
          comment: 'Web chat opened in May.',
        },
      ]);
      assert.deepEqual(await auditActions('performance.target'), ['performance.target.save']);

      // Again: the same row changes.
      const again = await analyst.post(`${TARGETS}/first_contact_resolution`, { ...PERIOD, target: '73', tolerance: '2.5' });
      assert.equal(again.status, 303);
      assert.equal((await targetsKept()).length, 1);
      assert.equal((await targetsKept())[0]!.target, '73');
    });

    it('refuses figures that are not allowed, saving nothing, with the error summary linked to each field', async () => {
      const before = await targetsKept();
      await analyst.get(`${TARGETS}/cases_within_sla?${PERIOD_QUERY}`);
      const page = await analyst.post(`${TARGETS}/cases_within_sla`, {
        ...PERIOD,
        target: '150',
        tolerance: '-1',
        benchmark: 'ninety',
        owner: 'x'.repeat(121),
      });
      assert.equal(page.status, 400);
      assert.match(title(page), /^Error:/);
      assert.deepEqual(page.errorSummary, [
        'The target must be between 0 and 100',
        'The tolerance cannot be less than 0',
        'Enter the benchmark as a number, like 85 or 92.5 (up to 4 decimal places)',
        'The owner must be 120 characters or fewer',
      ]);
      assert.deepEqual(summaryLinks(page), ['#target', '#tolerance', '#benchmark', '#owner']);
      assert.ok(page.dom.querySelector('#target.govuk-input--error'), 'the field is marked');
      assert.equal(page.dom.querySelector('#target')?.getAttribute('value'), '150', 'what was typed is kept');
      assert.deepEqual(await targetsKept(), before);
    });

    it('shows any period chosen with the date inputs, and says what is wrong with one that is not', async () => {
      const page = await analyst.get(
        `${TARGETS}?${new URLSearchParams({ ...dateFields('from', '2026-08-01'), ...dateFields('last', '2026-11-30') })}`,
      );
      assert.equal(page.status, 200);
      assert.match(page.dom.querySelector('#period')!.text, /Showing 1 August 2026 to 30 November 2026\./);
      assert.ok(
        page.dom.querySelector('#period-choices a[aria-current="true"]')?.text.includes('1 August 2026 to 30 November 2026'),
      );

      const backwards = await analyst.get(
        `${TARGETS}?${new URLSearchParams({ ...dateFields('from', '2026-08-01'), ...dateFields('last', '2026-07-01') })}`,
      );
      assert.equal(backwards.status, 400);
      assert.deepEqual(backwards.errorSummary, ['The last day must be on or after the first day']);
      assert.deepEqual(summaryLinks(backwards), ['#last-day']);
      assert.ok(backwards.dom.querySelector('details[open] #last-day'), 'the form is open at the box');
      assert.equal(backwards.dom.querySelector('#targets'), null);
    });

    it('refuses an indicator it does not know', async () => {
      const page = await analyst.get(`${TARGETS}/no_such_thing?${PERIOD_QUERY}`);
      assert.equal(page.status, 404);
    });
  });

  describe('manual indicators', () => {
    let indicatorPath: string;

    it('defines an indicator, its code made from its name', async () => {
      const list = await analyst.get(MANUAL);
      assert.equal(list.heading, 'Indicators kept by hand');
      assert.ok(list.dom.querySelector('#no-indicators'));
      const form = await analyst.get(`${MANUAL}/new`);
      assert.equal(form.heading, 'Define an indicator');
      const defined = await analyst.post(MANUAL, {
        name: 'Residents satisfied with the website',
        code: '',
        unit: 'percent',
        direction: 'higher',
        definition: 'From the residents’ survey.',
      });
      assert.equal(defined.status, 303, defined.errorSummary.join('; '));
      indicatorPath = defined.location!;
      const page = await analyst.follow(defined);
      assert.equal(page.heading, 'Residents satisfied with the website');
      assert.match(banner(page), /The indicator has been defined\./);
      assert.match(page.html, /residents_satisfied_with_the_website/);
      const [kept] = await indicatorsKept();
      assert.equal(indicatorPath, `${MANUAL}/${kept!.id}`);
      assert.deepEqual(await auditActions('performance.manual_indicator'), ['performance.manual_indicator.define']);
      // It joins the targets list.
      const targets = await analyst.get(`${TARGETS}?${PERIOD_QUERY}`);
      assert.match(targets.dom.querySelector('#indicator-residents_satisfied_with_the_website')!.text, /kept by hand/);
    });

    it('refuses an indicator without a name, unit or direction, saving nothing', async () => {
      await analyst.get(`${MANUAL}/new`);
      const page = await analyst.post(MANUAL, { name: '', code: 'Bad Code', definition: '' });
      assert.equal(page.status, 400);
      assert.match(title(page), /^Error:/);
      assert.deepEqual(page.errorSummary, [
        'Enter the indicator’s name',
        'The code must start with a lower-case letter and have only lower-case letters, digits and underscores (2 to 61 of them)',
        'Select what the indicator is measured in',
        'Select which way is better',
      ]);
      assert.deepEqual(summaryLinks(page), ['#name', '#code', '#unit', '#direction']);
      assert.ok(page.dom.querySelector('input#unit'), 'the first radio has the id the summary links to');
      assert.equal((await indicatorsKept()).length, 1);
    });

    it('changes the indicator, and takes it out of use and back', async () => {
      await analyst.get(`${indicatorPath}/edit`);
      const changed = await analyst.post(`${indicatorPath}/edit`, {
        name: 'Residents satisfied with the council website',
        unit: 'percent',
        direction: 'higher',
        definition: 'From the residents’ survey, question 12.',
      });
      assert.equal(changed.status, 303);
      assert.match(banner(await analyst.follow(changed)), /The indicator has been changed\./);

      const out = await analyst.post(`${indicatorPath}/deactivate`, {});
      assert.equal(out.status, 303);
      const page = await analyst.follow(out);
      assert.match(banner(page), /The indicator is no longer in use\./);
      assert.match(page.html, /Not in use/);
      assert.equal((await indicatorsKept())[0]!.active, false);
      const back = await analyst.post(`${indicatorPath}/reactivate`, {});
      assert.match(banner(await analyst.follow(back)), /The indicator is in use again\./);
      assert.equal((await indicatorsKept())[0]!.active, true);
      assert.deepEqual(await auditActions('performance.manual_indicator'), [
        'performance.manual_indicator.define',
        'performance.manual_indicator.update',
        'performance.manual_indicator.deactivate',
        'performance.manual_indicator.reactivate',
      ]);
    });

    it('enters a value for a period with its evidence, lists it, and opens it again to correct it', async () => {
      const form = await analyst.get(`${indicatorPath}/value`);
      assert.equal(form.heading, 'Enter a value for Residents satisfied with the council website');
      const saved = await analyst.post(`${indicatorPath}/value`, {
        ...dateFields('from', PERIOD.from),
        ...dateFields('last', '2026-07-31'),
        value: '61.5',
        evidence: 'Residents’ survey, May 2026',
        note: '',
      });
      assert.equal(saved.status, 303, saved.errorSummary.join('; '));
      const page = await analyst.follow(saved);
      assert.match(banner(page), /The value has been saved\./);
      const row = page.dom.querySelector('#values tbody tr')!;
      assert.match(row.text, /1 Apr 2026 to 31 Jul 2026/);
      assert.match(row.text, /61\.5%/);
      assert.match(row.text, /Residents’ survey, May 2026/);
      assert.match(row.text, /Anwen Analyst/);

      const again = await analyst.get(row.querySelector('a')!.getAttribute('href')!);
      assert.equal(again.dom.querySelector('#value')?.getAttribute('value'), '61.5');
      assert.equal(again.dom.querySelector('input[name="last-day"]')?.getAttribute('value'), '31');
    });

    it('refuses a value without evidence, or a percentage over 100, saving nothing', async () => {
      const values = () => server.db.selectFrom('performance_manual_values').select(['value', 'evidence']).execute();
      const before = await values();
      await analyst.get(`${indicatorPath}/value`);
      const page = await analyst.post(`${indicatorPath}/value`, {
        ...dateFields('from', '2026-08-01'),
        'last-day': '31',
        'last-month': '11',
        'last-year': '2026',
        value: '101',
        evidence: '',
      });
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, [
        'Enter the last day of the period as a real date',
        'The value must be between 0 and 100',
        'Enter the evidence for the value',
      ]);
      assert.deepEqual(summaryLinks(page), ['#last-day', '#value', '#evidence']);
      assert.equal(page.dom.querySelector('input[name="last-day"]')?.getAttribute('value'), '31');
      assert.deepEqual(await values(), before);
    });
  });

  describe('the action tracker', () => {
    it('adds an action, lists the open ones by when they are due, and marks one done', async () => {
      const empty = await analyst.get(ACTIONS);
      assert.equal(empty.heading, 'Action tracker');
      assert.ok(empty.dom.querySelector('#no-open-actions'));
      const form = await analyst.get(`${ACTIONS}/new`);
      const options = form.dom.querySelectorAll('#indicator option').map((option) => option.text.trim());
      assert.equal(options[0], 'None');
      assert.ok(options.includes('Avoidable contact'));
      assert.ok(options.includes('Residents satisfied with the council website'), 'the manual ones too');

      const add = (title: string, due: string, status: string) =>
        analyst.post(ACTIONS, {
          title,
          indicator: 'avoidable_contact',
          progress: 'Texts sent when a case moves on.',
          issues: 'Templates need approving.',
          owner: 'Head of customer services',
          ...dateFields('due', due),
          status,
        });
      const first = await add('Cut chasing calls', '2026-10-31', 'on_track');
      assert.equal(first.status, 303, first.errorSummary.join('; '));
      assert.equal(first.location, ACTIONS);
      await analyst.get(`${ACTIONS}/new`);
      await add('Publish the new web forms', '2026-09-30', 'not_started');
      const list = await analyst.follow(first);
      const rows = list.dom.querySelectorAll('#open-actions tbody tr');
      assert.deepEqual(
        rows.map((row) => row.querySelector('th a')?.text.trim()),
        ['Publish the new web forms', 'Cut chasing calls'],
      );
      assert.match(rows[1]!.text, /For: Avoidable contact/);
      assert.match(rows[1]!.text, /31 Oct 2026/);
      assert.match(rows[1]!.text, /On track/);
      assert.ok(rows[1]!.querySelector('.govuk-tag.govuk-tag--green'), 'its status as a green tag');

      const chase = (await actionsKept()).find((action) => action.title === 'Cut chasing calls')!;
      const edit = await analyst.get(`${ACTIONS}/${chase.id}`);
      assert.equal(edit.dom.querySelector('input[name="due-day"]')?.getAttribute('value'), '31');
      assert.ok(edit.dom.querySelector('input[name="status"][value="on_track"][checked]'));
      const done = await analyst.post(`${ACTIONS}/${chase.id}`, {
        title: 'Cut chasing calls',
        indicator: 'avoidable_contact',
        progress: 'Texts sent; chasing calls down a fifth.',
        issues: '',
        owner: 'Head of customer services',
        ...dateFields('due', '2026-10-31'),
        status: 'done',
      });
      assert.equal(done.status, 303, done.errorSummary.join('; '));
      const after = await analyst.follow(done);
      assert.match(banner(after), /The action has been changed\./);
      assert.match(after.dom.querySelector('#done-actions')!.text, /Cut chasing calls/);
      assert.doesNotMatch(after.dom.querySelector('#open-actions')!.text, /Cut chasing calls/);
      assert.deepEqual(await auditActions('performance.action'), [
        'performance.action.add',
        'performance.action.add',
        'performance.action.update',
      ]);
    });

    it('refuses an action without a title, an owner or a real date, saving nothing', async () => {
      const before = await actionsKept();
      await analyst.get(`${ACTIONS}/new`);
      const page = await analyst.post(ACTIONS, {
        title: '',
        indicator: '',
        owner: '',
        'due-day': '30',
        'due-month': '2',
        'due-year': '2027',
        status: 'not_started',
      });
      assert.equal(page.status, 400);
      assert.match(title(page), /^Error:/);
      assert.deepEqual(page.errorSummary, [
        'Enter what the action is',
        'Enter who is responsible',
        'The date it is due by must be a real date',
      ]);
      assert.deepEqual(summaryLinks(page), ['#title', '#owner', '#due-day']);
      assert.equal(page.dom.querySelector('input[name="due-day"]')?.getAttribute('value'), '30');
      assert.deepEqual(await actionsKept(), before);
    });

    it('refuses a form without its CSRF token', async () => {
      const before = await actionsKept();
      const page = await analyst.post(ACTIONS, {
        _csrf: 'forged',
        title: 'Forged',
        owner: 'Someone',
        ...dateFields('due', '2026-10-31'),
        status: 'not_started',
      });
      assert.equal(page.status, 403);
      assert.deepEqual(await actionsKept(), before);
      const target = await analyst.post(`${TARGETS}/digital_share`, { _csrf: 'forged', ...PERIOD, target: '50' });
      assert.equal(target.status, 403);
    });
  });

  describe('who may do what', () => {
    it('lets team leaders read the lists, with nothing to change them', async () => {
      const targets = await teamLeader.get(`${TARGETS}?${PERIOD_QUERY}`);
      assert.equal(targets.status, 200);
      assert.match(targets.dom.querySelector('#indicator-first_contact_resolution')!.text, /73%/);
      assert.equal(targets.dom.querySelectorAll(`#targets a[href^="${TARGETS}/"]`).length, 0);
      const manual = await teamLeader.get(MANUAL);
      assert.equal(manual.status, 200);
      assert.equal(manual.dom.querySelector(`a[href="${MANUAL}/new"]`), null);
      const [indicator] = await indicatorsKept();
      const one = await teamLeader.get(`${MANUAL}/${indicator!.id}`);
      assert.equal(one.status, 200);
      assert.equal(one.dom.querySelector(`form[action$="/deactivate"]`), null);
      const actions = await teamLeader.get(ACTIONS);
      assert.equal(actions.status, 200);
      assert.equal(actions.dom.querySelector(`a[href="${ACTIONS}/new"]`), null);
      assert.equal(actions.dom.querySelectorAll(`#done-actions a[href^="${ACTIONS}/"]`).length, 0);
    });

    it('refuses team leaders every form and every change', async () => {
      const [indicator] = await indicatorsKept();
      const [action] = await actionsKept();
      for (const path of [
        `${TARGETS}/digital_share?${PERIOD_QUERY}`,
        `${MANUAL}/new`,
        `${MANUAL}/${indicator!.id}/edit`,
        `${MANUAL}/${indicator!.id}/value`,
        `${ACTIONS}/new`,
        `${ACTIONS}/${action!.id}`,
      ]) {
        const refused = await teamLeader.get(path);
        assert.equal(refused.status, 403, path);
        assert.equal(refused.heading, NOT_ALLOWED, path);
      }
      const before = { targets: await targetsKept(), indicators: await indicatorsKept(), actions: await actionsKept() };
      await teamLeader.get('/staff/change-password'); // a page with a form, for its CSRF token
      const posts: [string, Record<string, string>][] = [
        [`${TARGETS}/digital_share`, { ...PERIOD, target: '50' }],
        [MANUAL, { name: 'Mine', unit: 'number', direction: 'lower' }],
        [`${MANUAL}/${indicator!.id}/deactivate`, {}],
        [
          `${MANUAL}/${indicator!.id}/value`,
          { ...dateFields('from', PERIOD.from), ...dateFields('last', '2026-07-31'), value: '1', evidence: 'x' },
        ],
        [ACTIONS, { title: 'Mine', owner: 'Me', ...dateFields('due', '2026-10-31'), status: 'done' }],
        [`${ACTIONS}/${action!.id}`, { title: 'Mine', owner: 'Me', ...dateFields('due', '2026-10-31'), status: 'done' }],
      ];
      for (const [path, fields] of posts) {
        const refused = await teamLeader.post(path, fields);
        assert.equal(refused.status, 403, path);
        assert.equal(refused.heading, NOT_ALLOWED, `${path}: refused for who they are, not for the form`);
      }
      assert.deepEqual(
        { targets: await targetsKept(), indicators: await indicatorsKept(), actions: await actionsKept() },
        before,
      );
    });

    it('refuses advisors and partner agencies’ people', async () => {
      const advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
      await aPartnerAgency(server.db, 'perf-police', 'Perf Police');
      const partner = await server.signedIn(
        await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'perf-police' }),
      );
      for (const client of [advisor, partner])
        for (const path of [TARGETS, MANUAL, ACTIONS]) assert.equal((await client.get(path)).status, 403, path);
    });

    it('tells another council’s analyst that this council’s records do not exist', async () => {
      await insertOrganisation(server.db, { code: 'elsewhere', name: 'Elsewhere Council', kind: 'council', councilId: null });
      const stranger = await server.signedIn(
        await aStaffMember(server.db, { roles: ['performance_analyst'], organisation: 'elsewhere' }),
      );
      const [indicator] = await indicatorsKept();
      const [action] = await actionsKept();
      for (const path of [`${MANUAL}/${indicator!.id}`, `${MANUAL}/${indicator!.id}/edit`, `${ACTIONS}/${action!.id}`])
        assert.equal((await stranger.get(path)).status, 404, path);
      const theirs = await stranger.get(ACTIONS);
      assert.equal(theirs.status, 200);
      assert.ok(theirs.dom.querySelector('#no-open-actions'));
      await stranger.get('/staff/change-password');
      const changed = await stranger.post(`${ACTIONS}/${action!.id}`, {
        title: 'Taken over',
        owner: 'Me',
        ...dateFields('due', '2026-10-31'),
        status: 'done',
      });
      assert.equal(changed.status, 404);
      assert.notEqual((await actionsKept()).find((each) => each.id === action!.id)?.title, 'Taken over');
    });
  });

  it('speaks Welsh', async () => {
    const welsh = await server.signedIn(await aStaffMember(server.db, { roles: ['performance_analyst'] }));
    await welsh.get(`${TARGETS}?lang=cy`);
    const targets = await welsh.get(`${TARGETS}?${PERIOD_QUERY}`);
    assert.equal(targets.heading, 'Targedau a meincnodau');
    assert.match(targets.dom.querySelector('#period')!.text, /Yn dangos 1 Ebrill 2026 i 31 Gorffennaf 2026\./);
    assert.equal((await welsh.get(MANUAL)).heading, 'Dangosyddion a gedwir â llaw');
    assert.equal((await welsh.get(ACTIONS)).heading, 'Traciwr camau gweithredu');
    await welsh.get(`${ACTIONS}/new`);
    const refused = await welsh.post(ACTIONS, { title: '', owner: 'Fi', ...dateFields('due', '2026-10-31'), status: 'done' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.errorSummary, ['Rhowch beth yw’r cam gweithredu']);
  });
});
