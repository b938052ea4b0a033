// The live performance dashboard from outside over real HTTP, without JavaScript: a team leader
// sees each of the council's teams with its open cases by SLA state (their own team first, each
// linking to its queue), today's contacts against a typical day as an SVG chart with tables of
// the same figures, a "Refresh" link and the time the figures were read, and no meta refresh; the
// same figures come as JSON and the live parts as a fragment for the page's script; performance
// analysts see it too, in Welsh as well; everyone else is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import type { Role } from '../../src/platform/actor.ts';
import { createTranslator, loadMessages } from '../../src/platform/i18n.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { aQueueFixture, type QueueFixture } from '../support/cases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { clearOfMidnight } from '../support/wait.ts';
import type { Page } from '../support/web.ts';

const PAGE = '/staff/performance/dashboard';
const DAY_MS = 86_400_000;

interface DashboardJson {
  updatedAt: string;
  day: string;
  teams: {
    id: string;
    name: string;
    yourTeam: boolean;
    queueHref: string;
    open: number;
    onTrack: number;
    dueSoon: number;
    overdue: number;
    unassigned: number;
    oldestAgeDays: number | null;
  }[];
  contacts: {
    typicalWeeks: number;
    total: { today: number; typicalByNow: number };
    byChannel: { channel: string; today: number; typicalByNow: number }[];
    byHour: { hour: number; channel: string; today: number; typical: number }[];
  };
}

describe('the live performance dashboard pages', () => {
  let server: TestServer;
  let fixture: QueueFixture;
  let analyst: BuiltStaffMember;

  before(async () => {
    const startOfToday = await clearOfMidnight();
    server = await startTestServer();
    fixture = await aQueueFixture(server, 'dash');
    const overdue = await fixture.raise({ description: 'Grey bin missed three weeks running' });
    await fixture.due(overdue.id, -3);
    const dueSoon = await fixture.raise({ description: 'Green bin missed' });
    await fixture.due(dueSoon.id, 1, -1);
    const onTrack = await fixture.raise({ description: 'Recycling box not emptied' });
    await fixture.due(onTrack.id, 20);
    await server.db.updateTable('cases').set({ assigned_to: fixture.people.officer.id }).where('id', '=', onTrack.id).execute();
    // Resolved, and routed to a partner agency's team: on no line of the council's teams.
    const resolved = await fixture.raise({ description: 'Bin returned to the wrong house' });
    await server.db
      .updateTable('cases')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('id', '=', resolved.id)
      .execute();
    await fixture.raise({ service: 'fly-tipping', description: 'Burnt-out car', toPartner: true });

    // Two phone contacts a minute ago (today, however near midnight the test runs), and one a week
    // ago at the same time: a typical day of 1/4.
    const councilId = (await findFirstCouncil(server.db))!.id;
    const contact = (startedAt: Date) => ({
      council_id: councilId,
      channel: 'phone',
      outcome: 'resolved_first_contact',
      started_at: startedAt,
      ended_at: new Date(startedAt.getTime() + 60_000),
    });
    const minuteAgo = new Date(Math.max(Date.now() - 60_000, startOfToday.getTime()));
    await server.db
      .insertInto('contacts')
      .values([contact(minuteAgo), contact(minuteAgo), contact(new Date(minuteAgo.getTime() - 7 * DAY_MS))])
      .execute();
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'], name: 'Anwen Analyst' });
  });
  after(() => server.close());

  const rowOf = (page: Page, teamId: string) => page.dom.querySelector(`#team-${teamId}`);
  const figure = (page: Page, teamId: string, name: string) =>
    rowOf(page, teamId)?.querySelector(`[data-figure="${name}"]`)?.text.trim();

  it('shows a team leader each team’s queue and SLA state now, their own team first, linking to its queue', async () => {
    const leader = await server.signedIn(fixture.people.leader);
    const page = await leader.get(PAGE);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Live dashboard');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const rows = page.dom.querySelectorAll('#team-queues-table tbody tr');
    assert.equal(rows[0]?.getAttribute('id'), `team-${fixture.teams.waste}`, 'the leader’s own team first');
    assert.match(rows[0]?.querySelector('th')?.text ?? '', /Waste and Recycling\s+Your team/);
    assert.deepEqual(
      ['open', 'onTrack', 'dueSoon', 'overdue', 'unassigned'].map((name) => figure(page, fixture.teams.waste, name)),
      ['3', '1', '1', '1', '2'],
    );
    assert.equal(figure(page, fixture.teams.planning, 'open'), '0');
    assert.equal(figure(page, fixture.teams.planning, 'oldest'), 'None open');
    assert.equal(rowOf(page, fixture.teams.partner), null, 'a partner agency’s team is not one of the council’s');

    const link = rowOf(page, fixture.teams.waste)?.querySelector('a');
    assert.equal(link?.getAttribute('href'), `/staff/cases?team=${fixture.teams.waste}`);
    const queue = await leader.get(link?.getAttribute('href') ?? '');
    assert.equal(queue.status, 200);
    assert.equal(queue.heading, 'Cases: Waste and Recycling');
    const planningQueue = await leader.get(rowOf(page, fixture.teams.planning)?.querySelector('a')?.getAttribute('href') ?? '');
    assert.equal(planningQueue.heading, 'Cases: Planning');
  });

  it('draws today’s contacts against a typical day as an SVG chart with tables beside it', async () => {
    const leader = await server.signedIn(fixture.people.leader);
    const page = await leader.get(PAGE);
    const chart = page.dom.querySelector('svg#chart-all');
    assert.ok(chart, 'a chart of all channels');
    assert.equal(chart.getAttribute('role'), 'img');
    assert.deepEqual(chart.getAttribute('aria-labelledby')?.split(' '), ['chart-all-title', 'chart-all-desc']);
    assert.equal(chart.querySelector('title')?.text.trim(), 'Contacts by hour today: All channels');
    assert.match(chart.querySelector('desc')?.text ?? '', /So far today: 2; by \d\d:\d\d on a typical \w+day: /);
    const todayBars = chart.querySelectorAll('rect[data-today]');
    assert.deepEqual(
      todayBars.map((bar) => bar.getAttribute('data-today')),
      ['2'],
    );
    assert.ok(chart.querySelectorAll('circle[data-typical]').length >= 10, 'a marker for every hour shown');
    assert.ok(page.dom.querySelector('svg#chart-phone'), 'a chart for the phone');
    assert.match(
      page.dom.querySelector('#contacts-so-far')?.text ?? '',
      /^Contacts so far today: 2\. By \d\d:\d\d on a typical \w+day: /,
    );
    const hourRows = page.dom
      .querySelectorAll('#contacts-by-hour tbody tr')
      .map((row) => row.querySelectorAll('td').map((cell) => cell.text.trim()));
    assert.ok(
      hourRows.some(
        ([hour, channel, today, typical]) =>
          /^\d\d:00 to \d\d:00$/.test(hour ?? '') && channel === 'Phone' && today === '2' && typical === '0.3',
      ),
      JSON.stringify(hourRows),
    );
    assert.deepEqual(page.dom.querySelectorAll('#contacts-total td').map((cell) => cell.text.trim())[0], '2');
    assert.deepEqual(
      page.dom.querySelectorAll('#contacts-by-hour thead th').map((cell) => cell.text.trim()),
      ['Hour', 'Channel', 'Today', 'Typical'],
    );
  });

  it('works without JavaScript: a Refresh link, the time the figures were read, and no meta refresh', async () => {
    const leader = await server.signedIn(fixture.people.leader);
    const page = await leader.get(PAGE);
    assert.doesNotMatch(page.html, /http-equiv="refresh"/i);
    assert.equal(page.dom.querySelector('a#refresh-dashboard')?.getAttribute('href'), PAGE);
    assert.match(page.dom.querySelector('#last-updated')?.text ?? '', /^Figures as at \d{1,2} \w+ \d{4} at \d\d:\d\d\.$/);
    const dashboard = page.dom.querySelector('#performance-dashboard');
    assert.equal(dashboard?.getAttribute('data-source'), `${PAGE}/live`);
    assert.equal(dashboard?.getAttribute('data-refresh-seconds'), '60');
    const script = page.dom
      .querySelectorAll('script')
      .find((element) => /performance-dashboard/.test(element.getAttribute('src') ?? ''));
    assert.match(script?.getAttribute('src') ?? '', /^\/assets\/performance-dashboard-[0-9a-f]{12}\.js$/);
    assert.equal(script?.text.trim(), '', 'no inline script');
    const asset = await fetch(`${server.url}${script?.getAttribute('src')}`);
    assert.equal(asset.status, 200);
    assert.doesNotMatch(await asset.text(), /\beval\(|new Function/);
  });

  it('gives the live parts alone, for the page’s script, and the same figures as JSON', async () => {
    const leader = await server.signedIn(fixture.people.leader);
    const live = await leader.get(`${PAGE}/live`);
    assert.equal(live.status, 200);
    assert.equal(live.headers.get('cache-control'), 'no-store');
    assert.deepEqual(
      live.dom.querySelectorAll('[data-dashboard-part]').map((part) => part.getAttribute('data-dashboard-part')),
      ['status', 'teams', 'contacts'],
    );
    assert.equal(live.dom.querySelector('header'), null, 'no page layout around the parts');
    assert.equal(live.dom.querySelector(`#team-${fixture.teams.waste} [data-figure="open"]`)?.text.trim(), '3');

    const json = await leader.get(`${PAGE}.json`);
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(json.headers.get('cache-control'), 'no-store');
    const body = JSON.parse(json.html) as DashboardJson;
    assert.ok(Math.abs(Date.parse(body.updatedAt) - Date.now()) < 60_000);
    const waste = body.teams.find((team) => team.id === fixture.teams.waste);
    assert.deepEqual(
      waste && {
        name: waste.name,
        yourTeam: waste.yourTeam,
        queueHref: waste.queueHref,
        open: waste.open,
        onTrack: waste.onTrack,
        dueSoon: waste.dueSoon,
        overdue: waste.overdue,
        unassigned: waste.unassigned,
      },
      {
        name: 'Waste and Recycling',
        yourTeam: true,
        queueHref: `/staff/cases?team=${fixture.teams.waste}`,
        open: 3,
        onTrack: 1,
        dueSoon: 1,
        overdue: 1,
        unassigned: 2,
      },
    );
    assert.equal(body.teams[0]?.id, fixture.teams.waste);
    assert.ok(!body.teams.some((team) => team.id === fixture.teams.partner));
    assert.equal(body.contacts.typicalWeeks, 4);
    assert.equal(body.contacts.total.today, 2);
    assert.deepEqual(
      body.contacts.byChannel.map((line) => [line.channel, line.today]),
      [['phone', 2]],
    );
    assert.equal(
      body.contacts.byHour.reduce((sum, row) => sum + row.typical, 0),
      0.3,
    );
  });

  it('opens to a performance analyst, in Welsh too', async () => {
    const client = await server.signedIn(analyst);
    const page = await client.get(PAGE);
    assert.equal(page.status, 200);
    assert.ok(page.dom.querySelectorAll('#team-queues-table tbody tr .govuk-tag--blue').length === 0, 'an analyst leads no team');
    const navigation = page.dom.querySelector('.moj-primary-navigation__link[aria-current="page"]');
    assert.equal(navigation?.getAttribute('href'), PAGE);

    const cy = createTranslator(loadMessages(), 'cy');
    const welsh = await client.follow(await client.get(`${PAGE}?lang=cy`));
    assert.equal(welsh.heading, cy('performance.dashboard.title'));
    assert.equal(welsh.dom.querySelector('a#refresh-dashboard')?.text.trim(), cy('performance.dashboard.refresh'));
    assert.equal(
      welsh.dom.querySelector('#team-queues-table thead th')?.text.trim(),
      cy('performance.dashboard.teams.columns.team'),
    );
    assert.equal(
      welsh.dom.querySelector('#chart-all title')?.text.trim(),
      cy('performance.dashboard.contacts.chartTitle', { channel: cy('performance.dashboard.contacts.allChannels') }),
    );
  });

  it('refuses everyone else, the page, its live parts and its JSON alike, and sends the signed-out to sign in', async () => {
    const refused: [Role, string | undefined][] = [
      ['advisor', undefined],
      ['officer', undefined],
      ['complaints_officer', undefined],
      ['admin', undefined],
      ['dpo', undefined],
      ['partner_worker', 'dash-police'],
      ['team_leader', 'dash-police'],
    ];
    for (const [role, organisation] of refused) {
      const person = await aStaffMember(server.db, { roles: [role], ...(organisation ? { organisation } : {}) });
      const client = await server.signedIn(person);
      for (const path of [PAGE, `${PAGE}/live`, `${PAGE}.json`]) {
        const page = await client.get(path);
        assert.equal(page.status, 403, `${role}${organisation ? ` of ${organisation}` : ''} GET ${path}`);
        assert.doesNotMatch(page.html, /Waste and Recycling/);
      }
    }
    const stranger = server.client();
    const page = await stranger.get(PAGE);
    assert.equal(page.status, 303);
    assert.equal(page.location, `/staff/sign-in?returnTo=${encodeURIComponent(PAGE)}`);
  });
});
