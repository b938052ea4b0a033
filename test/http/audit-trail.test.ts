// The audit trail page, from outside over real HTTP: searching by action, person, record and
// dates, newest first, a page at a time; each reader sees only their own organisations; and the
// table itself refuses to be changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';

interface Row {
  who: string;
  action: string;
  record: string;
  address: string;
  changes: string;
}

describe('the audit trail page', () => {
  let server: TestServer;
  let councilId: string;
  let admin: WebClient;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    admin = await server.signedIn(ADMIN, '203.0.113.7');
  });
  after(() => server.close());

  function rows(page: Page): Row[] {
    assert.equal(page.status, 200);
    return page.dom.querySelectorAll('table tbody tr').map((tr) => {
      const cells = tr.querySelectorAll('td').map((cell) => cell.text.trim().replace(/\s+/g, ' '));
      return {
        who: cells[1] ?? '',
        action: cells[2] ?? '',
        record: cells[3] ?? '',
        address: cells[4] ?? '',
        changes: cells[5] ?? '',
      };
    });
  }

  async function search(client: WebClient, query: Record<string, string>): Promise<Row[]> {
    return rows(await client.get(`/staff/audit?${new URLSearchParams(query)}`));
  }

  /** An event written straight to the table, at a time of the test's choosing. */
  async function anEvent(event: { at: string; action: string; recordId: string; organisationId?: string | null }): Promise<void> {
    await sql`
      insert into audit_events (occurred_at, organisation_id, actor_type, actor_label, action, record_type, record_id)
      values (${event.at}::timestamptz, ${event.organisationId === undefined ? councilId : event.organisationId}, 'system', 'test', ${event.action}, 'test', ${event.recordId})
    `.execute(server.db);
  }

  async function createUser(
    client: WebClient,
    fields: {
      name: string;
      email: string;
      organisationId: string;
      roles: string[];
    },
  ): Promise<string> {
    await client.get('/staff/admin/users/new');
    const created = await client.post('/staff/admin/users', fields);
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    return created.location!.split('/').at(-1)!;
  }

  it('shows who changed which record, from which address, and what changed, newest first', async () => {
    const id = await createUser(admin, {
      name: 'Ffion Davies',
      email: 'ffion@test.example',
      organisationId: councilId,
      roles: ['advisor'],
    });
    await admin.get(`/staff/admin/users/${id}/edit`);
    const edited = await admin.post(`/staff/admin/users/${id}`, {
      name: 'Ffion Davies-Price',
      email: 'ffion@test.example',
      organisationId: councilId,
      roles: ['advisor'],
    });
    assert.equal(edited.status, 303);

    const found = await search(admin, { recordId: id });
    assert.deepEqual(
      found.map((row) => [row.who, row.action, row.record, row.address]),
      [
        [ADMIN.email, 'user.update', `staff_user ${id}`, '203.0.113.7'],
        [ADMIN.email, 'user.create', `staff_user ${id}`, '203.0.113.7'],
      ],
    );
    assert.match(found[0]!.changes, /name: "Ffion Davies" → "Ffion Davies-Price"/);
    assert.doesNotMatch(found[0]!.changes, /roles/, 'only what changed');
  });

  it('finds events by the beginning of their action', async () => {
    await admin.get('/staff/admin/teams/new');
    assert.equal(
      (
        await admin.post('/staff/admin/teams', {
          organisationId: councilId,
          name: 'Planning',
          code: 'planning',
        })
      ).status,
      303,
    );
    await createUser(admin, {
      name: 'Iolo Jenkins',
      email: 'iolo@test.example',
      organisationId: councilId,
      roles: ['officer'],
    });

    const teams = await search(admin, { action: 'team.' });
    assert.ok(teams.length > 0);
    assert.ok(
      teams.every((row) => row.action.startsWith('team.')),
      teams.map((row) => row.action).join(', '),
    );
    assert.ok(teams.some((row) => row.action === 'team.create'));

    const users = await search(admin, { action: 'user.' });
    assert.ok(users.some((row) => row.action === 'user.create'));
    assert.ok(users.every((row) => row.action.startsWith('user.')));

    const exact = await search(admin, { action: 'sign_in.success' });
    assert.ok(exact.length > 0);
    assert.ok(exact.every((row) => row.action === 'sign_in.success'));

    // The search is for a beginning, not a pattern: % and _ are only themselves.
    assert.deepEqual(await search(admin, { action: '%' }), []);
    assert.deepEqual(await search(admin, { action: 'user_' }), []);
    const none = await admin.get('/staff/audit?action=nothing.like.this');
    assert.match(none.dom.querySelector('main')?.text ?? '', /No events match\./);
  });

  it('finds events by the person who acted', async () => {
    const other = await aStaffMember(server.db, {
      roles: ['admin'],
      email: 'glenys.jones@test.example',
    });
    const client = await server.signedIn(other);
    await client.get('/staff/admin/teams/new');
    assert.equal(
      (
        await client.post('/staff/admin/teams', {
          organisationId: councilId,
          name: 'Housing',
          code: 'housing',
        })
      ).status,
      303,
    );

    const byGlenys = await search(admin, {
      actor: 'glenys.jones@test.example',
    });
    assert.deepEqual(byGlenys.map((row) => row.action).sort(), ['sign_in.success', 'team.create']);
    assert.ok(byGlenys.every((row) => row.who === 'glenys.jones@test.example'));

    // Part of the address will do, and the administrator's own events are not among them.
    const partial = await search(admin, { actor: 'glenys' });
    assert.deepEqual(
      partial.map((row) => row.who),
      byGlenys.map((row) => row.who),
    );
    assert.ok((await search(admin, { actor: ADMIN.email })).every((row) => row.who === ADMIN.email));
  });

  it('finds events between two dates, whole days in UK time', async () => {
    // British Summer Time: midnight in London is 23:00 UTC the day before.
    await anEvent({
      at: '2024-07-09 23:30+01',
      action: 'test.dated',
      recordId: 'before-the-first-day',
    });
    await anEvent({
      at: '2024-07-10 00:30+01',
      action: 'test.dated',
      recordId: 'early-on-the-first-day',
    });
    await anEvent({
      at: '2024-07-12 12:00+01',
      action: 'test.dated',
      recordId: 'in-the-middle',
    });
    await anEvent({
      at: '2024-07-15 23:30+01',
      action: 'test.dated',
      recordId: 'late-on-the-last-day',
    });
    await anEvent({
      at: '2024-07-16 00:30+01',
      action: 'test.dated',
      recordId: 'after-the-last-day',
    });
    const records = (found: Row[]) => found.map((row) => row.record.replace(/^test /, ''));

    assert.deepEqual(
      records(
        await search(admin, {
          action: 'test.dated',
          from: '2024-07-10',
          to: '2024-07-15',
        }),
      ),
      ['late-on-the-last-day', 'in-the-middle', 'early-on-the-first-day'],
    );
    assert.deepEqual(records(await search(admin, { action: 'test.dated', from: '2024-07-12' })), [
      'after-the-last-day',
      'late-on-the-last-day',
      'in-the-middle',
    ]);
    assert.deepEqual(records(await search(admin, { action: 'test.dated', to: '2024-07-09' })), ['before-the-first-day']);
    // A date that does not exist is ignored rather than guessed at.
    assert.equal((await search(admin, { action: 'test.dated', from: '2024-02-30' })).length, 5);
  });

  it('shows 50 events a page, newest first, with a link to older ones', async () => {
    // Sixty events, three to a moment, so that a page ends between events of the same moment;
    // PostgreSQL keeps microseconds, which the link to older events must not round away.
    for (let i = 0; i < 60; i++) {
      const minute = String(Math.floor(i / 3)).padStart(2, '0');
      await anEvent({
        at: `2025-01-06 10:${minute}:00.123456Z`,
        action: 'test.paging',
        recordId: `p-${i}`,
      });
    }
    const first = await admin.get('/staff/audit?action=test.paging');
    const firstRows = rows(first);
    assert.deepEqual(
      firstRows.map((row) => row.record),
      Array.from({ length: 50 }, (_, index) => `test p-${59 - index}`),
    );
    const older = first.dom.querySelectorAll('main a').find((link) => link.text.trim() === 'Older events');
    assert.ok(older, 'there is an "Older events" link');
    const href = older.getAttribute('href') ?? '';
    assert.match(href, /action=test\.paging/, 'the link keeps the search');

    const second = await admin.get(`/staff/audit${href}`);
    assert.deepEqual(
      rows(second).map((row) => row.record),
      Array.from({ length: 10 }, (_, index) => `test p-${9 - index}`),
    );
    assert.equal(
      second.dom.querySelectorAll('main a').find((link) => link.text.trim() === 'Older events'),
      undefined,
      'the last page has no "Older events" link',
    );
  });

  describe('for a partner agency', () => {
    let partnerId: string;
    let partnerDpo: BuiltStaffMember;
    let partnerUserId: string;
    let councilUserId: string;

    before(async () => {
      partnerId = await aPartnerAgency(server.db, 'audit-police', 'Audit Police');
      const partnerAdmin = await aStaffMember(server.db, {
        roles: ['admin'],
        organisation: 'audit-police',
      });
      partnerDpo = await aStaffMember(server.db, {
        roles: ['dpo'],
        organisation: 'audit-police',
      });
      partnerUserId = await createUser(await server.signedIn(partnerAdmin), {
        name: 'Heddwas Partner',
        email: 'heddwas@test.example',
        organisationId: partnerId,
        roles: ['partner_worker'],
      });
      councilUserId = await createUser(admin, {
        name: 'Llinos Council',
        email: 'llinos@test.example',
        organisationId: councilId,
        roles: ['advisor'],
      });
      // A failed sign-in for an account that does not exist belongs to no organisation.
      assert.equal((await server.client().signIn('nobody-here@test.example', 'wrong password here')).status, 400);
    });

    it("shows the agency's data-protection officer their agency's events and nothing of the council's", async () => {
      const client = await server.signedIn(partnerDpo);
      assert.equal((await search(client, { recordId: partnerUserId })).length, 1);
      assert.deepEqual(await search(client, { recordId: councilUserId }), []);
      assert.deepEqual(await search(client, { action: 'sign_in.failure' }), []);
      assert.deepEqual(await search(client, { actor: ADMIN.email }), []);

      const everything = await search(client, {});
      const { count } = await server.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('organisation_id', '=', partnerId)
        .executeTakeFirstOrThrow();
      assert.ok(Number(count) < 50, 'all of them fit on one page');
      assert.equal(everything.length, Number(count), "exactly the agency's events");
    });

    it("shows the council's readers the council's events, its partners' and those of no organisation", async () => {
      const councilDpo = await aStaffMember(server.db, { roles: ['dpo'] });
      const client = await server.signedIn(councilDpo);
      assert.equal((await search(client, { recordId: partnerUserId })).length, 1);
      assert.equal((await search(client, { recordId: councilUserId })).length, 1);
      const failures = await search(client, { action: 'sign_in.failure' });
      assert.ok(
        failures.some((row) => row.who === 'Not signed in'),
        'the failed sign-in of an unknown account',
      );
    });
  });

  describe('the table', () => {
    it('refuses to update or delete an event: the audit trail is append-only', async () => {
      await anEvent({
        at: '2025-02-01 09:00Z',
        action: 'test.permanent',
        recordId: 'kept',
      });
      const before = await sql`select * from audit_events where action = 'test.permanent'`.execute(server.db);
      assert.equal(before.rows.length, 1);
      await assert.rejects(
        sql`update audit_events set action = 'test.rewritten' where action = 'test.permanent'`.execute(server.db),
        /the audit trail is append-only/,
      );
      await assert.rejects(
        sql`delete from audit_events where action = 'test.permanent'`.execute(server.db),
        /the audit trail is append-only/,
      );
      await assert.rejects(sql`delete from audit_events`.execute(server.db), /the audit trail is append-only/);
      const after = await sql`select * from audit_events where action = 'test.permanent'`.execute(server.db);
      assert.deepEqual(after.rows, before.rows);
    });
  });
});
