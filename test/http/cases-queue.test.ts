// The team queue page from outside over real HTTP: the filter narrows the list through GET
// parameters, headings sort it, pages keep the filter, each person sees only their own
// organisation's teams, and a team leader shares cases out in one go (CSRF-checked, refusals on
// the same page with an error summary).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aStaffMember } from '../support/builders.ts';
import { aQueueFixture, type QueueFixture } from '../support/cases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

const MANY = 30;

describe('the team queue page', () => {
  let server: TestServer;
  let fixture: QueueFixture;
  let leader: WebClient;
  const raised: Record<string, { id: string; reference: string }> = {};
  const bulk: { id: string; reference: string }[] = [];

  before(async () => {
    server = await startTestServer();
    fixture = await aQueueFixture(server);
    // Named cases, each in a state the filters pick out; then enough plain ones for two pages.
    raised.overdue = await fixture.raise({ description: 'Grey bin missed three weeks running', ward: 'castle' });
    await fixture.due(raised.overdue.id, -3);
    raised.dueSoon = await fixture.raise({ service: 'fly-tipping', description: 'Mattress in the lane', ward: 'carreg' });
    await fixture.due(raised.dueSoon.id, 1, -1);
    raised.onTrack = await fixture.raise({
      service: 'fly-tipping',
      description: 'Bags by the bottle bank',
      ward: 'oswestryEast',
    });
    await fixture.due(raised.onTrack.id, 20);
    raised.partner = await fixture.raise({ service: 'fly-tipping', description: 'Burnt-out car', toPartner: true });
    for (let index = 0; index < MANY; index++) {
      const item = await fixture.raise({ description: `Recycling box not emptied, number ${index + 1}` });
      await fixture.due(item.id, 30 + index);
      bulk.push(item);
    }
    leader = await server.signedIn(fixture.people.leader);
  });
  after(() => server.close());

  const references = (page: Page) => page.dom.querySelectorAll('#queue tbody tr td a.govuk-link').map((link) => link.text.trim());
  const rowOf = (page: Page, reference: string) =>
    page.dom.querySelectorAll('#queue tbody tr').find((row) => row.text.includes(reference));
  const countOf = (page: Page) => page.dom.querySelector('#case-count')?.text.trim();

  it('shows a team leader their team’s open cases, soonest due first, with the SLA state in words', async () => {
    const page = await leader.get('/staff/cases');
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Cases: Waste and Recycling');
    assert.equal(countOf(page), `${MANY + 3} cases`);
    assert.deepEqual(references(page).slice(0, 3), [
      raised.overdue!.reference,
      raised.dueSoon!.reference,
      raised.onTrack!.reference,
    ]);
    assert.equal(references(page).length, 25);
    assert.ok(
      !references(page).includes(raised.partner!.reference),
      'a case routed to the partner is not in the council’s queue',
    );

    const overdue = rowOf(page, raised.overdue!.reference)!;
    assert.equal(overdue.querySelector('.govuk-tag')?.text.trim(), 'Overdue');
    assert.ok(overdue.querySelector('.govuk-tag')?.classList.contains('govuk-tag--red'));
    assert.equal(rowOf(page, raised.dueSoon!.reference)!.querySelector('.govuk-tag')?.text.trim(), 'Due soon');
    assert.equal(rowOf(page, raised.onTrack!.reference)!.querySelector('.govuk-tag')?.text.trim(), 'On track');
    assert.ok(overdue.text.includes('Castle'));
    assert.ok(overdue.text.includes('Unassigned'));
    assert.equal(
      overdue.querySelector('a')?.getAttribute('href'),
      `/staff/cases/${raised.overdue!.reference}`,
      'the reference links to the case page',
    );
  });

  it('narrows the list by service, SLA state, ward and status, and each chosen filter has a link that removes it', async () => {
    const byService = await leader.get(`/staff/cases?service=${fixture.services.flyTipping}`);
    assert.deepEqual(references(byService).sort(), [raised.dueSoon!.reference, raised.onTrack!.reference].sort());
    assert.equal(countOf(byService), '2 cases');
    assert.ok(
      byService.dom.querySelector(`input[name="service"][value="${fixture.services.flyTipping}"]`)?.hasAttribute('checked'),
    );

    assert.deepEqual(references(await leader.get('/staff/cases?sla=overdue')), [raised.overdue!.reference]);
    assert.deepEqual(references(await leader.get('/staff/cases?sla=overdue&sla=due_soon')), [
      raised.overdue!.reference,
      raised.dueSoon!.reference,
    ]);
    const byWard = await leader.get(`/staff/cases?ward=${encodeURIComponent('Carreg Llwyd')}&sla=due_soon`);
    assert.deepEqual(references(byWard), [raised.dueSoon!.reference]);
    const tags = byWard.dom.querySelectorAll('a.moj-filter__tag');
    assert.deepEqual(
      tags.map((tag) => tag.text.replace('Remove this filter', '').trim()),
      ['Due soon', 'Carreg Llwyd'],
    );
    const removeWard = tags.find((tag) => tag.text.includes('Carreg Llwyd'))!.getAttribute('href')!;
    assert.ok(!removeWard.includes('ward='), removeWard);
    assert.ok(removeWard.includes('sla=due_soon'), 'removing one filter keeps the others');
    assert.equal(references(await leader.get(removeWard)).length, 1);

    assert.equal(countOf(await leader.get('/staff/cases?status=in_progress')), '0 cases');
    const nothing = await leader.get('/staff/cases?status=in_progress');
    assert.ok(nothing.html.includes('No cases match these filters.'));
    assert.equal(countOf(await leader.get('/staff/cases?status=submitted&status=bogus&sla=later')), `${MANY + 3} cases`);
  });

  it('sorts on the server by the column heading chosen, saying which way with aria-sort', async () => {
    const byDue = await leader.get('/staff/cases');
    const sorted = (page: Page) =>
      Object.fromEntries(
        page.dom
          .querySelectorAll('#queue th[aria-sort]')
          .map((heading) => [heading.text.trim(), heading.getAttribute('aria-sort')]),
      );
    assert.deepEqual(sorted(byDue), { Received: 'none', Due: 'ascending', Priority: 'none' });

    const receivedLink = byDue.dom
      .querySelectorAll('#queue th a')
      .find((link) => link.text.trim() === 'Received')!
      .getAttribute('href')!;
    const byReceived = await leader.get(receivedLink);
    assert.deepEqual(sorted(byReceived), { Received: 'descending', Due: 'none', Priority: 'none' });
    assert.deepEqual(references(byReceived).slice(0, 2), [bulk.at(-1)!.reference, bulk.at(-2)!.reference], 'newest first');
    assert.ok(!references(byReceived).includes(raised.overdue!.reference), 'the oldest are on the next page');

    const filteredSort = await leader.get(`/staff/cases?service=${fixture.services.flyTipping}&sort=received`);
    assert.deepEqual(references(filteredSort), [raised.onTrack!.reference, raised.dueSoon!.reference]);
    const dueLink = filteredSort.dom
      .querySelectorAll('#queue th a')
      .find((link) => link.text.trim() === 'Due')!
      .getAttribute('href')!;
    assert.ok(dueLink.includes(`service=${fixture.services.flyTipping}`), 'sorting keeps the filter');
  });

  it('pages through the queue with links that keep the filter and the sort', async () => {
    const first = await leader.get('/staff/cases?status=submitted&sort=received');
    const next = first.dom.querySelector('.govuk-pagination__next a')?.getAttribute('href');
    assert.ok(next, 'a link to the next page');
    assert.match(next, /status=submitted/);
    assert.match(next, /sort=received/);
    assert.match(next, /page=2/);
    const second = await leader.get(next);
    assert.equal(references(second).length, MANY + 3 - 25);
    assert.equal(
      references(second).filter((reference) => references(first).includes(reference)).length,
      0,
      'no case on both pages',
    );
    assert.ok(second.dom.querySelector('.govuk-pagination__prev a'));
    assert.equal(references(await leader.get('/staff/cases?page=99')).length, 0);
    assert.equal((await leader.get('/staff/cases?page=-1')).status, 200);
  });

  it('switches between the teams of the person’s own organisation, and ignores another organisation’s team', async () => {
    const planning = await leader.get(`/staff/cases?team=${fixture.teams.planning}`);
    assert.equal(planning.heading, 'Cases: Planning');
    assert.equal(countOf(planning), '0 cases');
    const teamChoices = planning.dom.querySelectorAll('#team option').map((option) => option.text.trim());
    assert.ok(teamChoices.includes('Waste and Recycling') && teamChoices.includes('Planning'));
    assert.ok(!teamChoices.includes('Neighbourhood Policing'), 'no partner’s team offered');

    const foreign = await leader.get(`/staff/cases?team=${fixture.teams.partner}`);
    assert.equal(foreign.status, 200);
    assert.equal(foreign.heading, 'Cases: Waste and Recycling');
    assert.ok(!references(foreign).includes(raised.partner!.reference));
  });

  it('shows a partner agency’s worker only the cases routed to their own team', async () => {
    const partner = await server.signedIn(fixture.people.partnerWorker);
    const page = await partner.get('/staff/cases');
    assert.equal(page.heading, 'Cases: Neighbourhood Policing');
    assert.deepEqual(references(page), [raised.partner!.reference]);
    const asked = await partner.get(`/staff/cases?team=${fixture.teams.waste}&sort=received`);
    assert.deepEqual(references(asked), [raised.partner!.reference], 'the council’s team is not theirs to open');
    assert.equal(asked.dom.querySelector('input[name="cases"]'), null, 'a partner worker does not share cases out');
  });

  it('refuses the queue to those who neither work nor lead cases', async () => {
    const dpo = await server.signedIn(await aStaffMember(server.db, { roles: ['dpo'] }));
    assert.equal((await dpo.get('/staff/cases')).status, 403);
    assert.equal((await dpo.get('/staff/cases')).heading, 'You do not have permission to see this page');
  });

  it('lets a team leader assign the chosen cases to someone in the team, and returns to the same queue', async () => {
    const queueUrl = `/staff/cases?team=${fixture.teams.waste}&service=${fixture.services.missedBin}&sort=received`;
    const [newest, nextNewest] = [bulk.at(-1), bulk.at(-2)];
    const page = await leader.get(queueUrl);
    assert.ok(page.dom.querySelector('input[name="cases"]'), 'the leader has checkboxes');
    const assigned = await leader.post('/staff/cases/assign', {
      team: fixture.teams.waste,
      cases: [newest!.id, nextNewest!.id],
      assignee: fixture.people.officer.id,
      returnTo: queueUrl,
    });
    assert.equal(assigned.status, 303);
    assert.equal(assigned.location, queueUrl);
    const back = await leader.follow(assigned);
    assert.match(back.dom.querySelector('.govuk-notification-banner')!.text, /2 cases assigned to Sam Officer/);
    assert.match(rowOf(back, newest!.reference)?.text ?? '', /Sam Officer/);
    const rows = await server.db
      .selectFrom('cases')
      .select('assigned_to')
      .where('id', 'in', [newest!.id, nextNewest!.id])
      .execute();
    assert.deepEqual(
      rows.map((row) => row.assigned_to),
      [fixture.people.officer.id, fixture.people.officer.id],
    );

    const officer = await server.signedIn(fixture.people.officer);
    const mine = await officer.get('/staff/cases?mine=yes');
    assert.deepEqual(references(mine).sort(), [newest!.reference, nextNewest!.reference].sort());
    assert.equal(mine.dom.querySelector('input[name="cases"]'), null, 'an officer does not share cases out');
    assert.equal(countOf(await leader.get('/staff/cases?unassigned=yes')), `${MANY + 1} cases`);

    await leader.get(queueUrl);
    const unassigned = await leader.post('/staff/cases/assign', {
      team: fixture.teams.waste,
      cases: [nextNewest!.id],
      assignee: 'nobody',
      returnTo: 'https://elsewhere.example/staff/cases',
    });
    assert.equal(unassigned.location, `/staff/cases?team=${fixture.teams.waste}`, 'only the queue itself is returned to');
    assert.match((await leader.follow(unassigned)).html, /1 case unassigned/);
  });

  it('says what to fix when no case or nobody is chosen, on the same queue (400)', async () => {
    const queueUrl = `/staff/cases?team=${fixture.teams.waste}&sla=overdue`;
    await leader.get(queueUrl);
    const nothing = await leader.post('/staff/cases/assign', { team: fixture.teams.waste, assignee: '', returnTo: queueUrl });
    assert.equal(nothing.status, 400);
    assert.deepEqual(nothing.errorSummary, ['Select at least one case', 'Choose who to assign the selected cases to']);
    assert.match(nothing.dom.querySelector('title')!.text, /^Error: /);
    assert.deepEqual(references(nothing), [raised.overdue!.reference], 'the same filtered queue');
    assert.ok(nothing.dom.querySelector('#cases'), 'the summary links to the first checkbox');

    const stranger = await aStaffMember(server.db, { roles: ['officer'], name: 'Not In Team' });
    const outsider = await leader.post('/staff/cases/assign', {
      team: fixture.teams.waste,
      cases: [raised.overdue!.id],
      assignee: stranger.id,
      returnTo: queueUrl,
    });
    assert.equal(outsider.status, 400);
    assert.deepEqual(outsider.errorSummary, ['Choose someone in the team that owns the case']);
    assert.ok(
      outsider.dom.querySelector(`input[name="cases"][value="${raised.overdue!.id}"]`)?.hasAttribute('checked'),
      'the choice is kept',
    );

    const otherTeams = await leader.post('/staff/cases/assign', {
      team: fixture.teams.waste,
      cases: [raised.partner!.id],
      assignee: fixture.people.officer.id,
      returnTo: queueUrl,
    });
    assert.equal(otherTeams.status, 404, 'a case of another team is not found in this one');
    const partnerCase = await server.db
      .selectFrom('cases')
      .select('assigned_to')
      .where('id', '=', raised.partner!.id)
      .executeTakeFirstOrThrow();
    assert.equal(partnerCase.assigned_to, null);
  });

  it('does not let an officer share cases out, nor anyone post without the form’s CSRF token', async () => {
    const officer = await server.signedIn(fixture.people.officer);
    await officer.get('/staff/cases');
    const refused = await officer.post('/staff/cases/assign', {
      team: fixture.teams.waste,
      cases: [raised.onTrack!.id],
      assignee: fixture.people.officer.id,
    });
    assert.equal(refused.status, 403);

    const forged = await leader.post('/staff/cases/assign', {
      _csrf: 'forged',
      team: fixture.teams.waste,
      cases: [raised.onTrack!.id],
      assignee: fixture.people.officer.id,
    });
    assert.equal(forged.status, 403);
    const row = await server.db
      .selectFrom('cases')
      .select('assigned_to')
      .where('id', '=', raised.onTrack!.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.assigned_to, null);
  });
});
