// The period report and the indicators' definitions over real HTTP. May and June 2026 are worked
// out by hand from the contacts and cases inserted here: nine contacts (one more a minute past
// midnight on 1 July in London, which June does not count), two cases resolved in June (one in
// time) and one open now, targets for four indicators, a manual indicator, and three actions (one
// open, one done in June, one done since). The page, the CSV (formulas made inert), the PDF and the
// definition pages; a bad period answered with the error summary; refusals; Welsh.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newCaseReference } from '../../src/cases/reference.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { createTranslator, loadMessages } from '../../src/platform/i18n.ts';
import { fourMonthPeriodOf } from '../../src/performance/report.ts';
import { aPartnerAgency, aService, aStaffMember, aTeam, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { HTMLElement } from 'node-html-parser';
import type { Page } from '../support/web.ts';

const MAY_AND_JUNE = '/staff/performance?from=2026-05-01&to=2026-06-30';
const PERIOD = { from: '2026-05-01', to: '2026-07-01' };

describe('the performance report pages', () => {
  let server: TestServer;
  let councilId: string;
  let councilName: string;
  let analyst: BuiltStaffMember;
  let teamLeader: BuiltStaffMember;
  let advisor: BuiltStaffMember;
  let partnerWorker: BuiltStaffMember;

  async function contact(startedAt: string, channel: string, outcome: string, avoidable?: string) {
    const started = new Date(startedAt);
    await server.db
      .insertInto('contacts')
      .values({
        council_id: councilId,
        channel,
        outcome,
        avoidable_reason: avoidable ?? null,
        started_at: started,
        ended_at: new Date(started.getTime() + 5 * 60_000),
      })
      .execute();
  }

  async function aCase(serviceId: string, teamId: string, received: Date, due: Date, resolved: Date | null) {
    await server.db
      .insertInto('cases')
      .values({
        council_id: councilId,
        reference: newCaseReference(),
        tracking_token: crypto.randomBytes(32).toString('base64url'),
        service_id: serviceId,
        channel: 'phone',
        description: 'A case',
        answers: JSON.stringify({}),
        status: resolved ? 'resolved' : 'submitted',
        priority: 'normal',
        team_id: teamId,
        organisation_id: councilId,
        received_at: received,
        due_at: due,
        due_soon_at: due,
        resolved_at: resolved,
      })
      .execute();
  }

  async function target(indicator: string, values: Record<string, number | string>) {
    await server.db
      .insertInto('performance_targets')
      .values({ council_id: councilId, indicator, period_from: PERIOD.from, period_to: PERIOD.to, ...values })
      .execute();
  }

  before(async () => {
    server = await startTestServer();
    const council = (await findFirstCouncil(server.db))!;
    councilId = council.id;
    councilName = council.name;
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'] });
    teamLeader = await aStaffMember(server.db, { roles: ['team_leader'] });
    advisor = await aStaffMember(server.db, { roles: ['advisor'] });
    await aPartnerAgency(server.db, 'report-police');
    partnerWorker = await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'report-police' });

    // May: one phone call resolved at once. June: eight contacts, one abandoned.
    await contact('2026-05-10T09:00:00Z', 'phone', 'resolved_first_contact');
    await contact('2026-06-02T09:00:00Z', 'phone', 'resolved_first_contact');
    await contact('2026-06-03T09:00:00Z', 'phone', 'resolved_first_contact');
    await contact('2026-06-04T09:00:00Z', 'phone', 'resolved_first_contact');
    await contact('2026-06-05T09:00:00Z', 'phone', 'case_raised', 'chasing_progress');
    await contact('2026-06-06T09:00:00Z', 'phone', 'abandoned');
    await contact('2026-06-07T09:00:00Z', 'web', 'resolved_first_contact');
    await contact('2026-06-08T09:00:00Z', 'web', 'signposted', 'repeat');
    await contact('2026-06-09T09:00:00Z', 'email', 'transferred');
    // 00:30 on 1 July in London: after the period.
    await contact('2026-06-30T23:30:00Z', 'web', 'abandoned');

    // Two cases resolved in June, one before it was due; one open now.
    const teamId = await aTeam(server.db, { organisationId: councilId, code: 'report-waste', name: 'Waste' });
    const serviceId = await aService(server.db, { councilId, teamId, code: 'report-bins', name: 'Bins', slaWorkingDays: 2 });
    const day = (iso: string) => new Date(iso);
    await aCase(serviceId, teamId, day('2026-06-01T10:00:00Z'), day('2026-06-05T10:00:00Z'), day('2026-06-03T10:00:00Z'));
    await aCase(serviceId, teamId, day('2026-06-01T10:00:00Z'), day('2026-06-03T10:00:00Z'), day('2026-06-10T10:00:00Z'));
    await aCase(serviceId, teamId, new Date(), new Date(Date.now() + 3 * 86_400_000), null);

    // Targets: first-contact resolution green (62.5 against 60), avoidable contact amber (25 against
    // 20, lower is better, 10 of tolerance), digital share red (33.3 against 50), abandoned red
    // (11.1 against 10, no tolerance). A comment a spreadsheet would run as a formula.
    await target('first_contact_resolution', {
      target: 60,
      tolerance: 5,
      benchmark: 70,
      previous_actual: 58,
      owner: 'Head of Customer Services',
      comment: '=HYPERLINK("http://evil.example","Click")',
    });
    await target('avoidable_contact', { target: 20, tolerance: 10 });
    await target('digital_share', { target: 50, tolerance: 5 });
    await target('abandoned_contacts', { target: 10, tolerance: 0 });

    // A manual indicator with its value for the period: green.
    const manual = await server.db
      .insertInto('performance_manual_indicators')
      .values({
        council_id: councilId,
        code: 'tenant_satisfaction',
        name: 'Tenant satisfaction',
        unit: 'percent',
        direction: 'higher',
        definition: 'Of the tenants answering the yearly survey, the share satisfied with the service.',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.db
      .insertInto('performance_manual_values')
      .values({ indicator_id: manual.id, period_from: PERIOD.from, period_to: PERIOD.to, value: 82, evidence: 'Survey' })
      .execute();
    await target('tenant_satisfaction', { target: 80 });

    // The action tracker: one open, one done in June (shown), one done in December (not).
    const action = (values: { title: string; status: 'on_track' | 'done'; updatedAt?: Date }) =>
      server.db
        .insertInto('performance_actions')
        .values({
          council_id: councilId,
          indicator: 'first_contact_resolution',
          title: values.title,
          progress: 'Trained 12 advisors',
          issues: 'Two vacancies',
          owner: 'Contact centre manager',
          due_on: '2026-09-30',
          status: values.status,
          ...(values.updatedAt ? { updated_at: values.updatedAt } : {}),
        })
        .execute();
    await action({ title: 'Call back within a day', status: 'on_track' });
    await action({ title: 'Publish bin days online', status: 'done', updatedAt: new Date('2026-06-15T12:00:00Z') });
    await action({ title: 'Done long after', status: 'done', updatedAt: new Date('2026-12-01T12:00:00Z') });
  });
  after(() => server.close());

  /** A row's header and data cells, in order, their text with white space made single. */
  const cellsOf = (row: HTMLElement | null | undefined) =>
    (row?.childNodes ?? [])
      .filter((node): node is HTMLElement => node instanceof HTMLElement && ['TH', 'TD'].includes(node.tagName))
      .map((cell) => cell.text.trim().replace(/\s+/g, ' '));
  const cells = (page: Page, selector: string) => cellsOf(page.dom.querySelector(selector));
  const tableRows = (page: Page, selector: string) => page.dom.querySelectorAll(`${selector} tbody tr`).map(cellsOf);
  const count = (page: Page, rag: string) => page.dom.querySelector(`#rag-${rag} .onedoor-rag-summary__count`)?.text.trim();

  it('shows an analyst the current four months by default, from their navigation', async () => {
    const client = await server.signedIn(analyst);
    const home = await client.get('/staff');
    assert.ok(home.dom.querySelector('.moj-primary-navigation a[href="/staff/performance"]'));
    const page = await client.get('/staff/performance');
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Performance report');
    const current = fourMonthPeriodOf(todayInLondon());
    assert.equal(page.dom.querySelector('#from-month')?.getAttribute('value'), String(Number(current.from.slice(5, 7))));
    assert.equal(page.dom.querySelector('#to-year')?.getAttribute('value'), current.lastDay.slice(0, 4));
    // The financial year's periods, the current one marked.
    const links = page.dom.querySelectorAll('#periods a');
    assert.ok(links.length >= 5);
    assert.equal(
      page.dom.querySelector('#periods a[aria-current="page"]')?.getAttribute('href'),
      `/staff/performance?from=${current.from}&to=${current.lastDay}`,
    );
  });

  it('reports May and June as worked out by hand', async () => {
    const client = await server.signedIn(analyst);
    const page = await client.get(MAY_AND_JUNE);
    assert.equal(page.status, 200);
    assert.equal(page.dom.querySelector('#period')?.text.trim(), 'From 1 May 2026 to 30 June 2026');
    assert.equal(page.dom.querySelector('#council')?.text.trim(), councilName);
    assert.equal(page.dom.querySelector('#running'), null, 'the period is over');

    // 13 computed indicators and the manual one: 2 green, 1 amber, 2 red, the rest without a target.
    assert.deepEqual(
      ['red', 'amber', 'green', 'not_known'].map((rag) => count(page, rag)),
      ['2', '1', '2', '9'],
    );
    assert.deepEqual(
      page.dom.querySelectorAll('#summary .govuk-tag').map((tag) => tag.text.trim()),
      ['Red', 'Amber', 'Green', 'Not known'],
    );

    // Answered: 8 of 9 (one abandoned); resolved at first contact: 5 of them.
    assert.deepEqual(cells(page, '#indicator-first_contact_resolution'), [
      'First-contact resolution',
      '70.0%',
      '58.0%',
      '60.0%',
      '62.5%',
      '–Not given',
      'Green',
      'Head of Customer Services',
      '=HYPERLINK("http://evil.example","Click")',
    ]);
    assert.equal(
      page.dom.querySelector('#indicator-first_contact_resolution a')?.getAttribute('href'),
      '/staff/performance/indicators/first_contact_resolution',
    );
    const actualAndStatus = (code: string) => {
      const row = cells(page, `#indicator-${code}`);
      return [row[4], row[6]];
    };
    assert.deepEqual(actualAndStatus('avoidable_contact'), ['25.0%', 'Amber']);
    assert.deepEqual(actualAndStatus('digital_share'), ['33.3%', 'Red']);
    assert.deepEqual(actualAndStatus('abandoned_contacts'), ['11.1%', 'Red']);
    assert.deepEqual(actualAndStatus('average_handling_time'), ['5.0 minutes', 'Not known']);
    assert.deepEqual(actualAndStatus('cases_within_sla'), ['50.0%', 'Not known']);
    assert.deepEqual(actualAndStatus('open_backlog'), ['1', 'Not known']);
    assert.deepEqual(actualAndStatus('complaints_responded_in_time'), ['Not known', 'Not known']);
    assert.deepEqual(actualAndStatus('tenant_satisfaction'), ['82.0%', 'Green']);
    assert.match(cells(page, '#indicator-tenant_satisfaction')[0]!, /^Tenant satisfaction\s*Entered by hand$/);

    // The breakdowns.
    assert.deepEqual(tableRows(page, '#breakdown-first_contact_resolution'), [
      ['Phone', '4', '5', '80.0%'],
      ['Web', '1', '2', '50.0%'],
      ['Email', '0', '1', '0.0%'],
    ]);
    assert.deepEqual(tableRows(page, '#breakdown-avoidable_contact').slice(0, 2), [
      ['Chasing progress', '1', '8', '12.5%'],
      ['Repeat contact', '1', '8', '12.5%'],
    ]);
    assert.deepEqual(tableRows(page, '#breakdown-open_backlog')[0], ['5 days ago or less', '1', '1', '100.0%']);

    // The charts: images with a title and a description, each beside its table.
    const charts = page.dom.querySelectorAll('svg[role="img"]');
    assert.equal(charts.length, 3);
    for (const chart of charts) {
      assert.ok(chart.querySelector('title')?.text.trim());
      assert.ok(chart.querySelector('desc')?.text.trim());
    }
    assert.deepEqual(tableRows(page, '#channel-shift-table'), [
      ['May 2026', '1', '0', '0', '1'],
      ['June 2026', '5', '2', '1', '8'],
    ]);
    assert.deepEqual(
      page.dom.querySelectorAll('#channel-shift-table thead th').map((cell) => cell.text.trim()),
      ['Month', 'Phone', 'Web', 'Email', 'Total'],
    );
    assert.deepEqual(tableRows(page, '#first-contact-resolution-table'), [
      ['Phone', '4', '5', '80.0%'],
      ['Web', '1', '2', '50.0%'],
      ['Email', '0', '1', '0.0%'],
    ]);
    assert.deepEqual(tableRows(page, '#rag-chart-table'), [
      ['Red', '2'],
      ['Amber', '1'],
      ['Green', '2'],
      ['Not known', '9'],
    ]);

    // The action tracker: the open action and the one done in June.
    assert.deepEqual(tableRows(page, '#actions'), [
      [
        'Call back within a day',
        'First-contact resolution',
        'Trained 12 advisors',
        'Two vacancies',
        'Contact centre manager',
        '30 September 2026',
        'On track',
      ],
      [
        'Publish bin days online',
        'First-contact resolution',
        'Trained 12 advisors',
        'Two vacancies',
        'Contact centre manager',
        '30 September 2026',
        'Done',
      ],
    ]);

    assert.equal(
      page.dom.querySelector('#download-csv')?.getAttribute('href'),
      '/staff/performance.csv?from=2026-05-01&to=2026-06-30',
    );
    assert.equal(
      page.dom.querySelector('#download-pdf')?.getAttribute('href'),
      '/staff/performance.pdf?from=2026-05-01&to=2026-06-30',
    );

    // The same period asked with the form's date boxes.
    const boxes = await client.get('/staff/performance?from-day=1&from-month=5&from-year=2026&to-day=30&to-month=6&to-year=2026');
    assert.equal(boxes.status, 200);
    assert.equal(count(boxes, 'red'), '2');
  });

  it('shows a team leader the report too', async () => {
    const client = await server.signedIn(teamLeader);
    const page = await client.get(MAY_AND_JUNE);
    assert.equal(page.status, 200);
    assert.equal(count(page, 'green'), '2');
  });

  it('downloads the indicator table and the action tracker as CSV, with formulas made inert', async () => {
    const client = await server.signedIn(analyst);
    const download = await client.get('/staff/performance.csv?from=2026-05-01&to=2026-06-30');
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      download.headers.get('content-disposition') ?? '',
      /^attachment; filename="performance-report-2026-05-01-to-2026-06-30\.csv"/,
    );
    const lines = download.html.replace(/^\uFEFF/, '').split('\r\n');
    assert.equal(lines[1], '2026-05-01,2026-06-30,no');
    assert.equal(
      lines.find((line) => line.startsWith('first_contact_resolution,')),
      `first_contact_resolution,First-contact resolution,computed,percent,higher,70,58,60,5,62.5,,green,Head of Customer Services,"'=HYPERLINK(""http://evil.example"",""Click"")"`,
    );
    assert.equal(
      lines.find((line) => line.startsWith('tenant_satisfaction,')),
      'tenant_satisfaction,Tenant satisfaction,manual,percent,higher,,,80,,82,,green,,',
    );
    assert.ok(lines.includes('action,indicator,progress,issues,who,by_when,status'));
    assert.ok(
      lines.includes(
        'Call back within a day,first_contact_resolution,Trained 12 advisors,Two vacancies,Contact centre manager,2026-09-30,on_track',
      ),
    );
    assert.ok(!lines.some((line) => line.startsWith('Done long after')));
  });

  it('makes the report a PDF on the server', async () => {
    const client = await server.signedIn(analyst);
    const response = await fetch(new URL('/staff/performance.pdf?from=2026-05-01&to=2026-06-30', server.url), {
      headers: { cookie: client.cookieHeader() },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.match(
      response.headers.get('content-disposition') ?? '',
      /^attachment; filename="performance-report-2026-05-01-to-2026-06-30\.pdf"/,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.toString('latin1').includes(`(${councilName})`), 'the council is named in the document');
    assert.ok(bytes.toString('latin1').trimEnd().endsWith('%%EOF'));
  });

  it('explains how each indicator is counted on a page of its own', async () => {
    const client = await server.signedIn(analyst);
    const en = createTranslator(loadMessages(), 'en');
    const facts = (page: Page) =>
      page.dom
        .querySelectorAll('#facts .govuk-summary-list__row')
        .map((row) => [row.querySelector('dt')?.text.trim(), row.querySelector('dd')?.text.trim()]);

    const resolution = await client.get('/staff/performance/indicators/first_contact_resolution');
    assert.equal(resolution.status, 200);
    assert.equal(resolution.heading, 'First-contact resolution');
    assert.equal(
      resolution.dom.querySelector('#definition')?.text.trim(),
      en('performance.indicators.first_contact_resolution.definition'),
    );
    assert.deepEqual(facts(resolution), [
      ['Unit', 'Percentage'],
      ['Direction', 'Higher is better'],
      ['Where the figure comes from', 'Counted by OneDoor from its own records'],
    ]);

    const handling = await client.get('/staff/performance/indicators/average_handling_time');
    assert.deepEqual(facts(handling).slice(0, 2), [
      ['Unit', 'Minutes'],
      ['Direction', 'Lower is better'],
    ]);

    const manual = await client.get('/staff/performance/indicators/tenant_satisfaction');
    assert.equal(manual.status, 200);
    assert.equal(manual.heading, 'Tenant satisfaction');
    assert.equal(
      manual.dom.querySelector('#definition')?.text.trim(),
      'Of the tenants answering the yearly survey, the share satisfied with the service.',
    );
    assert.equal(facts(manual)[2]?.[1], 'Entered by the council for each period, with its evidence');

    assert.equal((await client.get('/staff/performance/indicators/no_such_indicator')).status, 404);
    assert.equal((await client.get('/staff/performance/indicators/%3Cscript%3E')).status, 404);
  });

  it('answers a period that is not one with the error summary, and saves nothing', async () => {
    const client = await server.signedIn(analyst);
    const rows = async () =>
      Promise.all(
        (['performance_targets', 'performance_actions', 'performance_manual_values', 'audit_events'] as const).map(
          async (table) =>
            Number(
              (
                await server.db
                  .selectFrom(table)
                  .select((eb) => eb.fn.countAll<string>().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ),
        ),
      );
    const before = await rows();

    const page = await client.get('/staff/performance?from=2026-02-30&to=2026-03-01');
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^\s*Error:/);
    assert.deepEqual(page.errorSummary, ['Enter a real date for the start of the period, for example 1 4 2026']);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#from-day');
    assert.equal(page.dom.querySelector('#indicators'), null);

    const backwards = await client.get(
      '/staff/performance?from-day=2&from-month=6&from-year=2026&to-day=1&to-month=6&to-year=2026',
    );
    assert.equal(backwards.status, 400);
    assert.deepEqual(backwards.errorSummary, ['The last day of the period must be the same as or after its first day']);
    assert.equal(backwards.dom.querySelector('#to-day')?.getAttribute('value'), '1');

    const missing = await client.get('/staff/performance?from-day=1&from-month=&from-year=2026');
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.errorSummary, ['Enter a real date for the start of the period, for example 1 4 2026']);

    for (const path of ['/staff/performance.csv?from=2020-01-01&to=2026-01-01', '/staff/performance.pdf?from=x&to=y']) {
      const refused = await client.get(path);
      assert.equal(refused.status, 400, path);
      assert.match(refused.headers.get('content-type') ?? '', /^text\/html/);
    }
    assert.deepEqual(await rows(), before);
  });

  it('refuses the report to advisors and partner agencies’ people, and keeps it off their navigation', async () => {
    for (const person of [advisor, partnerWorker]) {
      const client = await server.signedIn(person);
      const home = await client.get('/staff');
      assert.equal(home.dom.querySelector('a[href="/staff/performance"]'), null);
      for (const path of [
        '/staff/performance',
        MAY_AND_JUNE,
        '/staff/performance.csv?from=2026-05-01&to=2026-06-30',
        '/staff/performance.pdf?from=2026-05-01&to=2026-06-30',
        '/staff/performance/indicators/first_contact_resolution',
        '/staff/performance/indicators/tenant_satisfaction',
      ]) {
        assert.equal((await client.get(path)).status, 403, path);
      }
    }
    const signedOut = await server.client().get(MAY_AND_JUNE);
    assert.equal(signedOut.status, 303);
  });

  it('reads in Welsh', async () => {
    const cy = createTranslator(loadMessages(), 'cy');
    const client = await server.signedIn(analyst);
    const chosen = await client.get(`${MAY_AND_JUNE}&lang=cy`);
    assert.equal(chosen.status, 303);
    const page = await client.follow(chosen);
    assert.equal(page.status, 200);
    assert.equal(page.dom.querySelector('html')?.getAttribute('lang'), 'cy');
    assert.equal(page.heading, cy('performance.report.title'));
    assert.deepEqual(
      page.dom.querySelectorAll('#summary .govuk-tag').map((tag) => tag.text.trim()),
      ['red', 'amber', 'green', 'not_known'].map((rag) => cy(`performance.report.rag.${rag}`)),
    );
    assert.equal(
      page.dom.querySelector('#indicator-first_contact_resolution a')?.text.trim(),
      cy('performance.indicators.first_contact_resolution.name'),
    );
    assert.equal(page.dom.querySelector('#period')?.text.trim(), 'O 1 Mai 2026 i 30 Mehefin 2026');
    assert.deepEqual(tableRows(page, '#channel-shift-table')[1]?.slice(0, 1), ['Mehefin 2026']);

    const definition = await client.get('/staff/performance/indicators/avoidable_contact');
    assert.equal(definition.heading, cy('performance.indicators.avoidable_contact.name'));
    assert.equal(
      definition.dom.querySelector('#definition')?.text.trim(),
      cy('performance.indicators.avoidable_contact.definition'),
    );

    const pdf = await fetch(new URL('/staff/performance.pdf?from=2026-05-01&to=2026-06-30', server.url), {
      headers: { cookie: client.cookieHeader() },
    });
    assert.equal(pdf.status, 200);
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
      '%PDF-',
    );
  });
});
