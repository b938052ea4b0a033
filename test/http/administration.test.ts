// The administration pages, from outside over real HTTP: staff accounts (create, edit,
// deactivate, reactivate), teams, partner agencies and the security settings.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';

const TEMPORARY_PASSWORD = /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/;

describe('the administration pages', () => {
  let server: TestServer;
  let councilId: string;
  let adminId: string;
  let admin: WebClient;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    adminId = (await server.db.selectFrom('staff_users').select('id').where('email', '=', ADMIN.email).executeTakeFirstOrThrow())
      .id;
    admin = await server.signedIn(ADMIN);
  });
  after(() => server.close());

  async function staffCount(): Promise<number> {
    const row = await server.db
      .selectFrom('staff_users')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async function aTeam(organisationId: string, code: string, name: string): Promise<string> {
    return await server.services.organisations.createTeam(systemActor('test'), {
      organisationId,
      code,
      name,
    });
  }

  async function userRow(id: string) {
    return await server.db
      .selectFrom('staff_users')
      .select(['name', 'email', 'roles', 'active', 'organisation_id', 'must_change_password', 'password_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async function teamsOf(userId: string): Promise<string[]> {
    const rows = await server.db.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute();
    return rows.map((row) => row.team_id).sort();
  }

  async function auditEvents(recordId: string, action: string) {
    return await server.db
      .selectFrom('audit_events')
      .select(['actor_label', 'changes', 'details', sql<string>`host(ip)`.as('ip')])
      .where('record_id', '=', recordId)
      .where('action', '=', action)
      .orderBy('id')
      .execute();
  }

  /** Each error summary link points at a field on the page. */
  function assertLinksToFields(page: Page): void {
    const links = page.dom.querySelectorAll('.govuk-error-summary__list a');
    assert.ok(links.length > 0, 'the summary has links');
    for (const link of links) {
      const href = link.getAttribute('href') ?? '';
      assert.match(href, /^#\w+$/);
      assert.ok(page.dom.querySelector(href), `the page has the field ${href}`);
      assert.ok(page.dom.querySelector(`${href}-error`), `the field ${href} has its own error message`);
    }
  }

  describe('staff accounts', () => {
    let teamA: string;
    let teamB: string;

    before(async () => {
      teamA = await aTeam(councilId, 'customer-services', 'Customer Services');
      teamB = await aTeam(councilId, 'revenues', 'Revenues and Benefits');
    });

    it('creates an account from the form, shows its temporary password once, and makes its holder choose their own', async () => {
      const form = await admin.get('/staff/admin/users/new');
      assert.equal(form.status, 200);
      assert.equal(form.heading, 'Add a user');
      const created = await admin.post('/staff/admin/users', {
        name: 'Bethan Morgan',
        email: 'bethan.morgan@test.example',
        organisationId: councilId,
        roles: ['advisor', 'officer'],
        teams: [teamA],
      });
      assert.equal(created.status, 303);
      const id = /^\/staff\/admin\/users\/([0-9a-f-]{36})$/.exec(created.location ?? '')?.[1];
      assert.ok(id, `redirected to the new account's page, not ${created.location}`);

      const page = await admin.follow(created);
      assert.equal(page.status, 200);
      assert.equal(page.heading, 'Bethan Morgan');
      const password = page.dom.querySelector('#temporary-password')?.text.trim() ?? '';
      assert.match(password, TEMPORARY_PASSWORD);

      const again = await admin.get(created.location!);
      assert.equal(again.status, 200);
      assert.equal(again.dom.querySelector('#temporary-password'), null, 'the password is shown only once');
      assert.ok(!again.html.includes(password));

      const row = await userRow(id);
      assert.deepEqual(
        {
          name: row.name,
          email: row.email,
          roles: row.roles,
          organisation: row.organisation_id,
          mustChange: row.must_change_password,
        },
        {
          name: 'Bethan Morgan',
          email: 'bethan.morgan@test.example',
          roles: ['advisor', 'officer'],
          organisation: councilId,
          mustChange: true,
        },
      );
      assert.ok(!row.password_hash.includes(password), 'only a hash is stored');
      assert.deepEqual(await teamsOf(id), [teamA]);
      const [audit] = await auditEvents(id, 'user.create');
      assert.equal(audit?.actor_label, ADMIN.email);
      assert.doesNotMatch(JSON.stringify(audit), new RegExp(password), 'the audit trail never holds the password');

      const bethan = server.client();
      const signIn = await bethan.signIn('bethan.morgan@test.example', password);
      assert.equal(signIn.status, 303);
      const home = await bethan.get('/staff');
      assert.equal(home.status, 303);
      assert.equal(home.location, '/staff/change-password');
      const change = await bethan.follow(home);
      assert.equal(change.status, 200);
      const changed = await bethan.post('/staff/change-password', {
        currentPassword: password,
        newPassword: 'copper meadow lighthouse',
        confirmPassword: 'copper meadow lighthouse',
      });
      assert.equal(changed.status, 303);
      assert.equal(changed.location, '/staff');
      const arrived = await bethan.follow(changed);
      assert.equal(arrived.status, 200);
      assert.equal(arrived.heading, 'Hello, Bethan Morgan');
      assert.equal((await userRow(id)).must_change_password, false);
      // The temporary password is spent.
      assert.equal((await server.client().signIn('bethan.morgan@test.example', password)).status, 400);
      assert.equal((await server.client().signIn('bethan.morgan@test.example', 'copper meadow lighthouse')).status, 303);
    });

    it('refuses a malformed form with an error for each field, linked to it, and saves nothing', async () => {
      await admin.get('/staff/admin/users/new');
      const before = await staffCount();
      const page = await admin.post('/staff/admin/users', {
        name: '   ',
        email: 'not-an-email-address',
        organisationId: councilId,
        teams: [teamA],
      });
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, [
        'Enter their full name',
        'Enter an email address in the correct format, like name@example.com',
        'Select at least one role',
      ]);
      assert.deepEqual(
        page.dom.querySelectorAll('.govuk-error-summary__list a').map((link) => link.getAttribute('href')),
        ['#name', '#email', '#roles'],
      );
      assertLinksToFields(page);
      assert.match(page.dom.querySelector('title')?.text ?? '', /^Error:/);
      assert.equal(page.dom.querySelector('#email')?.getAttribute('value'), 'not-an-email-address', 'what was typed is kept');
      assert.equal(await staffCount(), before);
    });

    it('refuses a team of another organisation and saves nothing', async () => {
      await aPartnerAgency(server.db, 'teams-police', 'Teams Police');
      const partner = await server.db
        .selectFrom('organisations')
        .select('id')
        .where('code', '=', 'teams-police')
        .executeTakeFirstOrThrow();
      const policeTeam = await aTeam(partner.id, 'response', 'Response Team');
      await admin.get('/staff/admin/users/new');
      const before = await staffCount();
      const page = await admin.post('/staff/admin/users', {
        name: 'Gareth Price',
        email: 'gareth.price@test.example',
        organisationId: councilId,
        roles: ['advisor'],
        teams: [teamA, policeTeam],
      });
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Select teams of their own organisation']);
      assert.deepEqual(
        page.dom.querySelectorAll('.govuk-error-summary__list a').map((link) => link.getAttribute('href')),
        ['#teams'],
      );
      assertLinksToFields(page);
      assert.equal(await staffCount(), before);
      assert.equal(
        await server.db
          .selectFrom('staff_users')
          .select('id')
          .where('email', '=', 'gareth.price@test.example')
          .executeTakeFirst(),
        undefined,
      );
    });

    it('refuses an email address that already has an account, whatever its capitals', async () => {
      await aStaffMember(server.db, {
        roles: ['officer'],
        email: 'owen.evans@test.example',
      });
      await admin.get('/staff/admin/users/new');
      const before = await staffCount();
      for (const email of ['owen.evans@test.example', 'Owen.Evans@Test.Example']) {
        const page = await admin.post('/staff/admin/users', {
          name: 'Owen Evans',
          email,
          organisationId: councilId,
          roles: ['advisor'],
        });
        assert.equal(page.status, 400);
        assert.deepEqual(page.errorSummary, ['There is already an account with this email address']);
        assert.equal(page.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#email');
      }
      assert.equal(await staffCount(), before);
    });

    it('changes name, roles and teams, and records what changed in the same transaction', async () => {
      const person = await aStaffMember(server.db, {
        roles: ['advisor'],
        name: 'Dafydd Hughes',
      });
      const form = await admin.get(`/staff/admin/users/${person.id}/edit`);
      assert.equal(form.status, 200);
      assert.equal(form.heading, 'Change Dafydd Hughes');
      assert.equal(form.dom.querySelector('#name')?.getAttribute('value'), 'Dafydd Hughes');
      const saved = await admin.post(`/staff/admin/users/${person.id}`, {
        name: 'Dafydd Hughes-Jones',
        email: person.email,
        organisationId: councilId,
        roles: ['officer', 'team_leader'],
        teams: [teamA, teamB],
      });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `/staff/admin/users/${person.id}`);

      const row = await userRow(person.id);
      assert.equal(row.name, 'Dafydd Hughes-Jones');
      assert.deepEqual(row.roles, ['officer', 'team_leader']);
      assert.deepEqual(await teamsOf(person.id), [teamA, teamB].sort());

      const events = await auditEvents(person.id, 'user.update');
      assert.equal(events.length, 1);
      const [event] = events;
      assert.equal(event!.actor_label, ADMIN.email);
      const changes = event!.changes as Record<string, { from: unknown; to: unknown }>;
      assert.deepEqual(Object.keys(changes).sort(), ['name', 'roles', 'teams'], 'only what changed');
      assert.deepEqual(changes.name, {
        from: 'Dafydd Hughes',
        to: 'Dafydd Hughes-Jones',
      });
      assert.deepEqual(changes.roles, {
        from: ['advisor'],
        to: ['officer', 'team_leader'],
      });
      assert.deepEqual(changes.teams?.from, []);
      assert.deepEqual([...(changes.teams?.to as string[])].sort(), [teamA, teamB].sort());

      // The account's row and its audit record were written by one transaction.
      const { rows } = await sql<{ user: string; audit: string }>`
        select (select xmin::text from staff_users where id = ${person.id}) as user,
               (select xmin::text from audit_events where record_id = ${person.id} and action = 'user.update') as audit`.execute(
        server.db,
      );
      assert.ok(rows[0]?.user && rows[0].audit, 'both rows are there');
      assert.equal(rows[0].user, rows[0].audit);

      const page = await admin.follow(saved);
      assert.equal(page.heading, 'Dafydd Hughes-Jones');
      assert.match(page.dom.querySelector('.govuk-notification-banner')?.text ?? '', /The account has been changed\./);
    });

    it('refuses a malformed change with field errors and changes nothing', async () => {
      const person = await aStaffMember(server.db, {
        roles: ['advisor'],
        name: 'Nia Thomas',
      });
      await admin.get(`/staff/admin/users/${person.id}/edit`);
      const before = await userRow(person.id);
      const page = await admin.post(`/staff/admin/users/${person.id}`, {
        name: '',
        email: person.email,
        organisationId: councilId,
        teams: [],
      });
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Enter their full name', 'Select at least one role']);
      assertLinksToFields(page);
      assert.deepEqual(await userRow(person.id), before);
      assert.deepEqual(await auditEvents(person.id, 'user.update'), []);
    });

    it("deactivating ends the person's sessions at once and keeps them out; reactivating lets them in again", async () => {
      const person = await aStaffMember(server.db, {
        roles: ['advisor'],
        name: 'Siân Roberts',
      });
      const them = await server.signedIn(person);
      assert.equal((await them.get('/staff')).status, 200);

      const confirm = await admin.get(`/staff/admin/users/${person.id}/deactivate`);
      assert.equal(confirm.status, 200);
      assert.equal(confirm.heading, 'Deactivate Siân Roberts?');
      assert.equal((await userRow(person.id)).active, true, 'the confirmation page changes nothing');
      const done = await admin.post(`/staff/admin/users/${person.id}/deactivate`, {});
      assert.equal(done.status, 303);
      const page = await admin.follow(done);
      assert.match(page.dom.querySelector('.govuk-notification-banner')?.text ?? '', /deactivated and its sessions ended/);
      assert.equal((await userRow(person.id)).active, false);
      assert.deepEqual(await server.db.selectFrom('sessions').select('id').where('user_id', '=', person.id).execute(), []);
      const [event] = await auditEvents(person.id, 'user.deactivate');
      assert.deepEqual(event?.changes, { active: { from: true, to: false } });
      assert.deepEqual(event?.details, { sessionsEnded: 1 });

      const next = await them.get('/staff');
      assert.equal(next.status, 303);
      assert.match(next.location ?? '', /^\/staff\/sign-in/);
      const refused = await server.client().signIn(person.email, person.password);
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.errorSummary, ['Enter a correct email address and password']);

      const reactivate = await admin.get(`/staff/admin/users/${person.id}/reactivate`);
      assert.equal(reactivate.heading, 'Reactivate Siân Roberts?');
      assert.equal((await admin.post(`/staff/admin/users/${person.id}/reactivate`, {})).status, 303);
      assert.equal((await userRow(person.id)).active, true);
      const back = await server.client().signIn(person.email, person.password);
      assert.equal(back.status, 303);
      assert.equal(back.location, '/staff');
    });

    it("resets a password: ends the person's sessions, shows a temporary password once and forces a change", async () => {
      const person = await aStaffMember(server.db, {
        roles: ['officer'],
        name: 'Rhys Lewis',
      });
      const them = await server.signedIn(person);
      await admin.get(`/staff/admin/users/${person.id}/reset-password`);
      const done = await admin.post(`/staff/admin/users/${person.id}/reset-password`, {});
      assert.equal(done.status, 303);
      const page = await admin.follow(done);
      const password = page.dom.querySelector('#temporary-password')?.text.trim() ?? '';
      assert.match(password, TEMPORARY_PASSWORD);
      assert.match((await them.get('/staff')).location ?? '', /^\/staff\/sign-in/);
      assert.equal((await server.client().signIn(person.email, person.password)).status, 400, 'the old password no longer works');
      const fresh = server.client();
      assert.equal((await fresh.signIn(person.email, password)).status, 303);
      assert.equal((await fresh.get('/staff')).location, '/staff/change-password');
    });

    describe('the last administrator', () => {
      let partnerId: string;
      let onlyAdmin: { id: string; email: string };

      before(async () => {
        partnerId = await aPartnerAgency(server.db, 'north-college', 'North College');
        onlyAdmin = await aStaffMember(server.db, {
          roles: ['admin'],
          organisation: 'north-college',
          name: 'Alun Only-Admin',
        });
      });

      it('cannot be deactivated: a clear refusal, and nothing changes', async () => {
        await admin.get(`/staff/admin/users/${onlyAdmin.id}/deactivate`);
        const before = await userRow(onlyAdmin.id);
        const page = await admin.post(`/staff/admin/users/${onlyAdmin.id}/deactivate`, {});
        assert.equal(page.status, 409);
        assert.deepEqual(page.errorSummary, [
          'This is the only active administrator of the organisation – make someone else an administrator first',
        ]);
        assert.deepEqual(await userRow(onlyAdmin.id), before);
        assert.deepEqual(await auditEvents(onlyAdmin.id, 'user.deactivate'), []);
      });

      it('cannot lose the administrator role, until someone else is an administrator', async () => {
        await admin.get(`/staff/admin/users/${onlyAdmin.id}/edit`);
        const before = await userRow(onlyAdmin.id);
        const change = {
          name: 'Alun Only-Admin',
          email: onlyAdmin.email,
          organisationId: partnerId,
          roles: ['partner_worker'],
          teams: [],
        };
        const page = await admin.post(`/staff/admin/users/${onlyAdmin.id}`, change);
        assert.equal(page.status, 409);
        assert.deepEqual(page.errorSummary, [
          'This is the only active administrator of the organisation – make someone else an administrator first',
        ]);
        assert.deepEqual(await userRow(onlyAdmin.id), before);
        assert.deepEqual(await auditEvents(onlyAdmin.id, 'user.update'), []);

        const second = await aStaffMember(server.db, {
          roles: ['admin'],
          organisation: 'north-college',
        });
        assert.ok(second.id);
        await admin.get(`/staff/admin/users/${onlyAdmin.id}/edit`);
        assert.equal((await admin.post(`/staff/admin/users/${onlyAdmin.id}`, change)).status, 303);
        assert.deepEqual((await userRow(onlyAdmin.id)).roles, ['partner_worker']);
      });
    });

    it('offers administrators no way to deactivate themselves, and refuses a forced attempt', async () => {
      const secondAdmin = await aStaffMember(server.db, {
        roles: ['admin'],
        name: 'Eleri Second-Admin',
      });
      const client = await server.signedIn(secondAdmin);
      const own = await client.get(`/staff/admin/users/${secondAdmin.id}`);
      assert.equal(own.status, 200);
      assert.equal(own.dom.querySelector(`a[href="/staff/admin/users/${secondAdmin.id}/deactivate"]`), null);
      assert.equal(own.dom.querySelector(`a[href="/staff/admin/users/${secondAdmin.id}/reset-password"]`), null);
      // Someone else's page does have the button.
      const other = await client.get(`/staff/admin/users/${adminId}`);
      assert.ok(other.dom.querySelector(`a[href="/staff/admin/users/${adminId}/deactivate"]`));

      await client.get('/staff/admin/users/new');
      const forced = await client.post(`/staff/admin/users/${secondAdmin.id}/deactivate`, {});
      assert.equal(forced.status, 403);
      assert.equal(forced.heading, 'You do not have permission to see this page');
      assert.equal((await userRow(secondAdmin.id)).active, true);
      assert.equal((await client.get('/staff')).status, 200, 'still signed in');
    });
  });

  describe('teams', () => {
    it('adds a team, and refuses a second team with the same code in the organisation', async () => {
      const form = await admin.get('/staff/admin/teams/new');
      assert.equal(form.status, 200);
      const created = await admin.post('/staff/admin/teams', {
        organisationId: councilId,
        name: 'Parking',
        code: 'parking',
        email: 'parking@council.example',
      });
      assert.equal(created.status, 303);
      assert.equal(created.location, '/staff/admin/teams');
      const list = await admin.follow(created);
      assert.ok(list.dom.querySelectorAll('table tbody tr td:first-child').some((cell) => cell.text.trim() === 'Parking'));

      const duplicate = await admin.post('/staff/admin/teams', {
        organisationId: councilId,
        name: 'Parking again',
        code: 'parking',
      });
      assert.equal(duplicate.status, 400);
      assert.deepEqual(duplicate.errorSummary, ['There is already a team with this code in the organisation']);
      assertLinksToFields(duplicate);
      const rows = await server.db.selectFrom('teams').select('name').where('code', '=', 'parking').execute();
      assert.deepEqual(rows, [{ name: 'Parking' }]);
    });

    it('refuses a malformed team with field errors and saves nothing', async () => {
      await admin.get('/staff/admin/teams/new');
      const before = await server.db.selectFrom('teams').select('id').execute();
      const page = await admin.post('/staff/admin/teams', {
        organisationId: councilId,
        name: '',
        code: 'Not A Code',
        email: 'nope',
      });
      assert.equal(page.status, 400);
      assert.deepEqual(
        page.dom.querySelectorAll('.govuk-error-summary__list a').map((link) => link.getAttribute('href')),
        ['#name', '#code', '#email'],
      );
      assertLinksToFields(page);
      assert.equal((await server.db.selectFrom('teams').select('id').execute()).length, before.length);
    });

    it('changes a team and closes it, recording both', async () => {
      const id = await aTeam(councilId, 'street-scene', 'Street Scene');
      const form = await admin.get(`/staff/admin/teams/${id}/edit`);
      assert.equal(form.heading, 'Change Street Scene');
      const renamed = await admin.post(`/staff/admin/teams/${id}`, {
        name: 'Street Scene and Highways',
        email: 'streets@council.example',
        active: 'yes',
      });
      assert.equal(renamed.status, 303);
      let row = await server.db
        .selectFrom('teams')
        .select(['name', 'email', 'active', 'code'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, {
        name: 'Street Scene and Highways',
        email: 'streets@council.example',
        active: true,
        code: 'street-scene',
      });

      await admin.get(`/staff/admin/teams/${id}/edit`);
      const closed = await admin.post(`/staff/admin/teams/${id}`, {
        name: 'Street Scene and Highways',
        email: 'streets@council.example',
        active: 'no',
      });
      assert.equal(closed.status, 303);
      row = await server.db
        .selectFrom('teams')
        .select(['name', 'email', 'active', 'code'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.active, false);

      const list = await admin.get('/staff/admin/teams');
      const cells = list.dom
        .querySelectorAll('table tbody tr')
        .map((tr) => tr.querySelectorAll('td').map((cell) => cell.text.trim()))
        .find((tds) => tds[0] === 'Street Scene and Highways');
      assert.equal(cells?.[4], 'Closed');
      const userForm = await admin.get('/staff/admin/users/new');
      assert.equal(userForm.dom.querySelector(`input[name="teams"][value="${id}"]`), null, 'a closed team is not offered');

      const events = await auditEvents(id, 'team.update');
      assert.deepEqual(
        events.map((event) => event.changes),
        [
          {
            name: { from: 'Street Scene', to: 'Street Scene and Highways' },
            email: { from: null, to: 'streets@council.example' },
          },
          { active: { from: true, to: false } },
        ],
      );
    });
  });

  describe('organisations', () => {
    it('lets a council administrator add a partner agency, refusing a badly formed code', async () => {
      const form = await admin.get('/staff/admin/organisations/new');
      assert.equal(form.status, 200);
      assert.equal(form.heading, 'Add a partner agency');
      const before = await server.db.selectFrom('organisations').select('id').execute();
      const bad = await admin.post('/staff/admin/organisations', {
        name: 'Shropshire Fire and Rescue',
        code: 'Shropshire Fire!',
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.errorSummary, [
        'Enter a short code of 2 to 40 lower-case letters, numbers and hyphens, starting with a letter or number',
      ]);
      assertLinksToFields(bad);
      assert.equal((await server.db.selectFrom('organisations').select('id').execute()).length, before.length);

      const added = await admin.post('/staff/admin/organisations', {
        name: 'Shropshire Fire and Rescue',
        code: 'shropshire-fire',
      });
      assert.equal(added.status, 303);
      assert.equal(added.location, '/staff/admin/organisations');
      const row = await server.db
        .selectFrom('organisations')
        .select(['id', 'name', 'kind', 'council_id'])
        .where('code', '=', 'shropshire-fire')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { name: row.name, kind: row.kind, council: row.council_id },
        {
          name: 'Shropshire Fire and Rescue',
          kind: 'partner',
          council: councilId,
        },
      );
      const list = await admin.follow(added);
      assert.ok(list.html.includes('Shropshire Fire and Rescue'));

      const taken = await admin.post('/staff/admin/organisations', {
        name: 'Another',
        code: 'shropshire-fire',
      });
      assert.equal(taken.status, 400);
      assert.deepEqual(taken.errorSummary, ['There is already an organisation with this code']);
    });

    it("changes a partner agency's name but never its code", async () => {
      const id = await aPartnerAgency(server.db, 'citizens-advice', 'Citizens Advice Shropshire');
      const form = await admin.get(`/staff/admin/organisations/${id}/edit`);
      assert.equal(form.status, 200);
      assert.equal(form.dom.querySelector('#code'), null, 'the code is not offered for change');
      const saved = await admin.post(`/staff/admin/organisations/${id}`, {
        name: 'Citizens Advice Shropshire and Powys',
        code: 'hijacked',
      });
      assert.equal(saved.status, 303);
      const row = await server.db
        .selectFrom('organisations')
        .select(['name', 'code'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, {
        name: 'Citizens Advice Shropshire and Powys',
        code: 'citizens-advice',
      });
      const [event] = await auditEvents(id, 'organisation.update');
      assert.deepEqual(event?.changes, {
        name: {
          from: 'Citizens Advice Shropshire',
          to: 'Citizens Advice Shropshire and Powys',
        },
      });
    });
  });

  describe('security settings', () => {
    it('saves which roles must use a second factor', async () => {
      const page = await admin.get('/staff/admin/security');
      assert.equal(page.status, 200);
      assert.equal(
        page.dom.querySelectorAll('input[name="mfaRequired"]').filter((input) => input.hasAttribute('checked')).length,
        0,
      );
      const saved = await admin.post('/staff/admin/security', {
        mfaRequired: ['dpo', 'performance_analyst'],
      });
      assert.equal(saved.status, 303);
      const shown = await admin.follow(saved);
      const checked = shown.dom
        .querySelectorAll('input[name="mfaRequired"]')
        .filter((input) => input.hasAttribute('checked'))
        .map((input) => input.getAttribute('value'))
        .sort();
      assert.deepEqual(checked, ['dpo', 'performance_analyst']);
      const rows = await server.db
        .selectFrom('role_settings')
        .select('role')
        .where('mfa_required', '=', true)
        .orderBy('role')
        .execute();
      assert.deepEqual(
        rows.map((row) => row.role),
        ['dpo', 'performance_analyst'],
      );

      // A data-protection officer must now set up a second factor before anything else.
      const dpo = await aStaffMember(server.db, { roles: ['dpo'] });
      const client = await server.signedIn(dpo);
      assert.equal((await client.get('/staff/audit')).location, '/staff/account/two-factor');

      // And clearing every box clears the rule.
      await admin.get('/staff/admin/security');
      assert.equal((await admin.post('/staff/admin/security', {})).status, 303);
      assert.deepEqual(await server.db.selectFrom('role_settings').select('role').where('mfa_required', '=', true).execute(), []);
      assert.equal((await client.get('/staff/audit')).status, 200);
    });
  });
});
