// Complaint figures and the Code self-assessment over real HTTP: a performance analyst reads the
// figures for a period and downloads them as CSV; a wrong period comes back with the GOV.UK error
// summary; a complaints officer answers a requirement of the Code and reads it back; people with no
// part in complaints are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import type { Page } from '../support/web.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DAY_MS = 86_400_000;

describe('complaint figures and the self-assessment pages', () => {
  let server: TestServer;
  let analyst: BuiltStaffMember;
  let advisor: BuiltStaffMember;
  let officer: BuiltStaffMember;
  let from: string;
  let to: string;

  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'] });
    advisor = await aStaffMember(server.db, { roles: ['advisor'] });
    officer = await aStaffMember(server.db, { roles: ['complaints_officer'] });

    // Two complaints and a compliment received three days ago; one complaint answered, upheld.
    const system = systemActor('test');
    const complaints = server.services.complaints;
    const receivedAt = new Date(Date.now() - 3 * DAY_MS);
    const answered = await complaints.record(
      system,
      { description: 'Bin not emptied', channel: 'phone', receivedAt },
      { council: councilId },
    );
    await complaints.acknowledge(system, answered.reference);
    await complaints.respond(system, answered.reference, { outcome: 'upheld', response: 'Sorry' });
    await complaints.record(system, { description: 'Rude reply', channel: 'email', receivedAt }, { council: councilId });
    await complaints.record(
      system,
      { kind: 'compliment', description: 'Thank you', channel: 'web', receivedAt },
      { council: councilId },
    );
    from = todayInLondon(receivedAt);
    to = todayInLondon(new Date(Date.now() + DAY_MS));
  });
  after(() => server.close());

  /** The value beside a summary list key on the page. */
  const summaryValue = (page: Page, section: string, key: string) =>
    page.dom
      .querySelectorAll(`#${section} .govuk-summary-list__row`)
      .find((row) => row.querySelector('.govuk-summary-list__key')?.text.trim() === key)
      ?.querySelector('.govuk-summary-list__value')
      ?.text.trim();

  it('shows a performance analyst the figures for a period, from their navigation', async () => {
    const client = await server.signedIn(analyst);
    const home = await client.get('/staff');
    assert.ok(home.dom.querySelector('.moj-primary-navigation a[href="/staff/complaints/monitoring"]'));

    const initial = await client.get('/staff/complaints/monitoring');
    assert.equal(initial.status, 200);
    assert.equal(initial.heading, 'Complaint figures');
    // This financial year to date, unless asked otherwise.
    assert.equal(initial.dom.querySelector('#from-month')?.getAttribute('value'), '4');

    const page = await client.get(`/staff/complaints/monitoring?from=${from}&to=${to}`);
    assert.equal(page.status, 200);
    assert.equal(summaryValue(page, 'received', 'Complaints'), '2');
    assert.equal(summaryValue(page, 'received', 'Compliments'), '1');
    assert.equal(summaryValue(page, 'satisfaction', 'Average score (1 to 5)'), 'Not known');
    const stages = page.dom.querySelector('#stages-table');
    assert.equal(stages?.querySelector('caption')?.text.trim(), 'Stages');
    const justified = stages
      ?.querySelectorAll('tbody tr')
      .find((row) => row.querySelector('th')?.text.trim() === 'Justified, as a percentage of those answered');
    assert.deepEqual(
      justified?.querySelectorAll('td').map((cell) => cell.text.trim()),
      ['100.0%', 'Not known'],
    );
    assert.equal(
      page.dom.querySelector('#download-csv')?.getAttribute('href'),
      `/staff/complaints/monitoring.csv?from=${from}&to=${to}`,
    );

    // The same question asked with the form's date boxes.
    const [year, month, day] = from.split('-');
    const [toYear, toMonth, toDay] = to.split('-');
    const boxes = await client.get(
      `/staff/complaints/monitoring?from-day=${day}&from-month=${month}&from-year=${year}&to-day=${toDay}&to-month=${toMonth}&to-year=${toYear}`,
    );
    assert.equal(boxes.status, 200);
    assert.equal(summaryValue(boxes, 'received', 'Complaints'), '2');
  });

  it('downloads the figures as a CSV file', async () => {
    const client = await server.signedIn(analyst);
    const download = await client.get(`/staff/complaints/monitoring.csv?from=${from}&to=${to}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="complaint-figures-.*\.csv"/);
    const rows = download.html
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .map((line) => line.split(','));
    assert.deepEqual(rows[0], ['section', 'item', 'value']);
    const value = (section: string, item: string) => rows.find((row) => row[0] === section && row[1] === item)?.[2];
    assert.equal(value('received', 'complaints'), '2');
    assert.equal(value('received', 'compliments'), '1');
    assert.equal(value('stage_1', 'answered'), '1');
    assert.equal(value('stage_1', 'percent_justified'), '100.0');
    assert.equal(value('stage_2', 'percent_justified'), '');
  });

  it('answers a period that is not a real one with the error summary', async () => {
    const client = await server.signedIn(analyst);
    const page = await client.get('/staff/complaints/monitoring?from=2026-02-30&to=2026-03-01');
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^\s*Error:/);
    assert.deepEqual(page.errorSummary, ['Enter a real date for the start of the period, for example 1 4 2026']);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#from-day');
    assert.equal(page.dom.querySelector('#stages-table'), null);

    const backwards = await client.get(
      '/staff/complaints/monitoring?from-day=2&from-month=6&from-year=2026&to-day=1&to-month=6&to-year=2026',
    );
    assert.equal(backwards.status, 400);
    assert.deepEqual(backwards.errorSummary, ['The end of the period must be the same as or after its start']);
    assert.equal(backwards.dom.querySelector('#to-day')?.getAttribute('value'), '1');

    const tooLong = await client.get('/staff/complaints/monitoring.csv?from=2015-01-01&to=2026-01-01');
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.errorSummary, ['The period can be no longer than 5 years']);
  });

  it('refuses the figures to people with no part in complaints', async () => {
    const client = await server.signedIn(advisor);
    const home = await client.get('/staff');
    assert.equal(home.dom.querySelector('a[href="/staff/complaints/monitoring"]'), null);
    assert.equal((await client.get('/staff/complaints/monitoring')).status, 403);
    assert.equal((await client.get(`/staff/complaints/monitoring.csv?from=${from}&to=${to}`)).status, 403);
    assert.equal((await client.get('/staff/complaints/self-assessment/2026')).status, 403);
  });

  it('lets a complaints officer answer a requirement of the Code for the year, and reads it back', async () => {
    const year = server.services.complaintSelfAssessment.currentYear();
    const client = await server.signedIn(officer);
    const start = await client.get('/staff/complaints/self-assessment');
    assert.equal(start.status, 303);
    assert.equal(start.location, `/staff/complaints/self-assessment/${year}`);

    const table = await client.follow(start);
    assert.equal(table.status, 200);
    assert.match(table.heading, /^Self-assessment against the Complaint Handling Code/);
    const row = table.dom.querySelector('tr#stage_2_independent');
    assert.match(row?.text ?? '', /Stage 2 answers by the stage 1 responder \(should be 0\): 0/);
    assert.match(row?.text ?? '', /Not yet assessed/);

    const form = await client.get(`/staff/complaints/self-assessment/${year}/stage_2_independent`);
    assert.equal(form.status, 200);
    const path = `/staff/complaints/self-assessment/${year}/stage_2_independent`;

    const missing = await client.post(path, { evidence: '' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.errorSummary, ['Select whether we meet this requirement']);
    const noEvidence = await client.post(path, { status: 'met', evidence: '' });
    assert.equal(noEvidence.status, 400);
    assert.deepEqual(noEvidence.errorSummary, ['Enter the evidence that we meet this requirement']);
    assert.equal(noEvidence.dom.querySelector('input[name="status"][value="met"]')?.hasAttribute('checked'), true);

    const forged = await client.post(path, { status: 'met', evidence: 'x', _csrf: 'forged' });
    assert.equal(forged.status, 403);

    await client.get(path);
    const saved = await client.post(path, {
      status: 'met',
      evidence: 'Stage 2 reviewers are <b>never</b> the stage 1 responder.',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `/staff/complaints/self-assessment/${year}#stage_2_independent`);
    const after = await client.follow(saved);
    assert.match(after.dom.querySelector('.govuk-notification-banner')?.text ?? '', /Answer saved/);
    const answered = after.dom.querySelector('tr#stage_2_independent');
    assert.match(answered?.text ?? '', /Met/);
    assert.match(answered?.text ?? '', /Stage 2 reviewers are <b>never<\/b> the stage 1 responder\./);
    assert.match(after.html, /&lt;b&gt;never&lt;\/b&gt;/);

    // Analysts read it but do not answer it.
    const reader = await server.signedIn(analyst);
    const read = await reader.get(`/staff/complaints/self-assessment/${year}`);
    assert.equal(read.status, 200);
    assert.match(read.dom.querySelector('tr#stage_2_independent')?.text ?? '', /Met/);
    assert.equal(read.dom.querySelector(`a[href="${path}"]`), null);
    assert.equal((await reader.get(path)).status, 403);
    assert.equal((await reader.post(path, { status: 'not_met' })).status, 403);
    assert.equal((await reader.get('/staff/complaints/self-assessment/1999')).status, 404);
  });
});
