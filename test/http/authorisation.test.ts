// Authorisation between organisations and roles, from outside over real HTTP: each role opens
// only the pages of its own work, and nobody reads or changes another organisation's records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { ROLES, systemActor, type Role } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { Page } from '../support/web.ts';

const ADMIN_PAGES = [
  '/staff/admin/users',
  '/staff/admin/teams',
  '/staff/admin/organisations',
  '/staff/admin/security',
  '/staff/audit',
  '/staff/admin/api-keys',
  '/staff/admin/closures',
  '/staff/admin/webhooks',
];

// The everyday work sections, by who does that work in a council: customers for those who serve
// residents, contact logging for those who talk to them.
const WORK_PAGES: Record<string, Role[]> = {
  '/staff/customers': ['advisor', 'officer', 'team_leader', 'complaints_officer', 'dpo'],
  '/staff/contacts/new': ['advisor', 'officer', 'team_leader', 'complaints_officer', 'partner_worker'],
  '/staff/outbox': ['advisor', 'officer', 'team_leader', 'complaints_officer', 'admin'],
  // The team queue: for those who work or lead cases (an organisation with no teams shows an empty page).
  '/staff/cases': ['advisor', 'officer', 'team_leader', 'partner_worker'],
  // Email nobody could match: read and matched by a council's front line.
  '/staff/inbound-email': ['advisor', 'officer', 'team_leader'],
  // The service catalogue: run by a council's administrators, read by its team leaders.
  '/staff/admin/services': ['admin', 'team_leader'],
  // The knowledge base: read by everyone who works for the council (partners read its public articles).
  '/staff/knowledge': [...ROLES],
  // Complaints: worked by complaints officers and team leaders; their figures read by performance analysts.
  '/staff/complaints': ['complaints_officer', 'team_leader'],
  '/staff/complaints/monitoring': ['performance_analyst'],
  // Appointments: booked and looked up by the front line, the queue worked at the desks, figures
  // read by team leaders and analysts, sites and calendars set up by administrators.
  '/staff/appointments': ['advisor', 'officer', 'team_leader'],
  '/staff/appointments/queue': ['advisor', 'team_leader'],
  '/staff/appointments/figures': ['team_leader', 'performance_analyst'],
  '/staff/appointments/sites': ['admin'],
  // The period report and the indicators' definitions: for performance analysts and team leaders.
  '/staff/performance': ['performance_analyst', 'team_leader'],
  // The live dashboard of team queues and today's contacts: for team leaders and performance analysts.
  '/staff/performance/dashboard': ['team_leader', 'performance_analyst'],
};
const workPagesOf = (role: Role): string[] => Object.keys(WORK_PAGES).filter((path) => WORK_PAGES[path]!.includes(role));

describe('authorisation between organisations and roles', () => {
  let server: TestServer;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
  });
  after(() => server.close());

  function navigation(page: Page): string[] {
    return page.dom.querySelectorAll('.moj-primary-navigation__link').map((link) => link.getAttribute('href') ?? '');
  }

  async function userRow(id: string) {
    return await server.db
      .selectFrom('staff_users')
      .select(['name', 'email', 'roles', 'active', 'password_hash', 'must_change_password', 'organisation_id', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  async function auditCount(): Promise<number> {
    const row = await server.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('action', 'not like', 'sign_%')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async function staffCount(): Promise<number> {
    const row = await server.db
      .selectFrom('staff_users')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  describe('the role matrix over the administration pages', () => {
    // What each role may open: the administration pages are for administrators alone, the audit
    // trail also for data-protection officers; security settings only for a council's administrators.
    const mayOpen = (role: Role, path: string, organisationKind: 'council' | 'partner'): boolean => {
      if (path === '/staff/audit') return role === 'admin' || role === 'dpo';
      // Team leaders plan around closure days; administrators keep them.
      if (path === '/staff/admin/closures') return role === 'admin' || role === 'team_leader';
      if (path === '/staff/admin/security') return role === 'admin' && organisationKind === 'council';
      return role === 'admin';
    };

    for (const role of ROLES) {
      it(`lets a council ${role} open only the pages of that role's work, and shows exactly those in the navigation`, async () => {
        const person = await aStaffMember(server.db, { roles: [role] });
        const client = await server.signedIn(person);
        for (const path of ADMIN_PAGES) {
          const page = await client.get(path);
          const expected = mayOpen(role, path, 'council') ? 200 : 403;
          assert.equal(page.status, expected, `${role} GET ${path}`);
          if (expected === 403) assert.equal(page.heading, 'You do not have permission to see this page');
        }
        const home = await client.get('/staff');
        assert.equal(home.status, 200);
        const allowed = [...workPagesOf(role), ...ADMIN_PAGES.filter((path) => mayOpen(role, path, 'council'))];
        assert.deepEqual(navigation(home).sort(), ['/staff', ...allowed].sort(), `navigation of a ${role}`);
        for (const path of workPagesOf(role)) assert.equal((await client.get(path)).status, 200, `${role} GET ${path}`);
        const tools = home.dom.querySelectorAll('main ul.govuk-list a').map((link) => link.getAttribute('href'));
        assert.deepEqual(tools.sort(), [...allowed].sort(), `"Your tools" of a ${role}`);
      });
    }

    it('keeps security settings from a partner agency administrator, and off their navigation', async () => {
      await aPartnerAgency(server.db, 'matrix-police');
      const person = await aStaffMember(server.db, {
        roles: ['admin'],
        organisation: 'matrix-police',
      });
      const client = await server.signedIn(person);
      for (const path of ADMIN_PAGES) {
        const page = await client.get(path);
        assert.equal(page.status, mayOpen('admin', path, 'partner') ? 200 : 403, `partner admin GET ${path}`);
      }
      const home = await client.get('/staff');
      assert.deepEqual(
        navigation(home).sort(),
        ['/staff', '/staff/knowledge', ...ADMIN_PAGES.filter((path) => path !== '/staff/admin/security')].sort(),
      );
    });

    it('does not let a partner agency administrator add partner agencies', async () => {
      await aPartnerAgency(server.db, 'matrix-college');
      const person = await aStaffMember(server.db, { roles: ['admin'], organisation: 'matrix-college' });
      const client = await server.signedIn(person);
      const list = await client.get('/staff/admin/organisations');
      assert.equal(list.dom.querySelector('a[href="/staff/admin/organisations/new"]'), null);
      assert.equal((await client.get('/staff/admin/organisations/new')).status, 403);
      await client.get('/staff/change-password'); // a page with a form, for its CSRF token
      const posted = await client.post('/staff/admin/organisations', { name: 'Rogue Agency', code: 'rogue-agency' });
      assert.equal(posted.status, 403);
      const rogue = await server.db
        .selectFrom('organisations')
        .select('id')
        .where('code', '=', 'rogue-agency')
        .executeTakeFirst();
      assert.equal(rogue, undefined);
    });

    it('refuses the other administration pages and actions to a role without them', async () => {
      const advisor = await aStaffMember(server.db, {
        roles: ['advisor', 'officer', 'team_leader'],
      });
      const someone = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(advisor);
      for (const path of [
        '/staff/admin/users/new',
        `/staff/admin/users/${someone.id}`,
        `/staff/admin/users/${someone.id}/edit`,
        `/staff/admin/users/${someone.id}/deactivate`,
        '/staff/admin/teams/new',
        '/staff/admin/organisations/new',
        `/staff/admin/organisations/${councilId}/edit`,
      ]) {
        const page = await client.get(path);
        assert.equal(page.status, 403, `an advisor GET ${path}`);
      }
      await client.get('/staff/change-password'); // a page with a form, for its CSRF token
      const before = await staffCount();
      const created = await client.post('/staff/admin/users', {
        name: 'Sneaky Person',
        email: 'sneaky@test.example',
        organisationId: councilId,
        roles: ['admin'],
      });
      assert.equal(created.status, 403);
      assert.equal(created.heading, 'You do not have permission to see this page', 'refused by the policy, not the CSRF check');
      assert.equal(await staffCount(), before);
      const someoneBefore = await userRow(someone.id);
      const deactivated = await client.post(`/staff/admin/users/${someone.id}/deactivate`, {});
      assert.equal(deactivated.status, 403);
      assert.equal(deactivated.heading, 'You do not have permission to see this page');
      const security = await client.post('/staff/admin/security', {
        mfaRequired: ['advisor'],
      });
      assert.equal(security.status, 403);
      assert.equal(security.heading, 'You do not have permission to see this page');
      assert.deepEqual(await userRow(someone.id), someoneBefore);
      const mfa = await server.db.selectFrom('role_settings').select('role').where('mfa_required', '=', true).execute();
      assert.deepEqual(mfa, []);
    });
  });

  describe('between a council and its partner agencies', () => {
    let partnerId: string;
    let partnerAdmin: BuiltStaffMember;
    let partnerWorker: BuiltStaffMember;
    let councilUser: BuiltStaffMember;
    let councilTeamId: string;

    before(async () => {
      partnerId = await aPartnerAgency(server.db, 'west-police', 'West Mercia Police');
      partnerAdmin = await aStaffMember(server.db, {
        roles: ['admin'],
        organisation: 'west-police',
        name: 'Pat Partner-Admin',
      });
      partnerWorker = await aStaffMember(server.db, {
        roles: ['partner_worker'],
        organisation: 'west-police',
        name: 'Wyn Worker',
      });
      councilUser = await aStaffMember(server.db, {
        roles: ['advisor'],
        name: 'Cerys Council',
      });
      councilTeamId = await server.services.organisations.createTeam(systemActor('test'), {
        organisationId: councilId,
        code: 'waste',
        name: 'Waste and Recycling',
      });
    });

    it("answers 404, not 403, to a partner administrator asking for a council user's pages", async () => {
      const client = await server.signedIn(partnerAdmin);
      for (const path of [
        `/staff/admin/users/${councilUser.id}`,
        `/staff/admin/users/${councilUser.id}/edit`,
        `/staff/admin/users/${councilUser.id}/deactivate`,
        `/staff/admin/users/${councilUser.id}/reset-password`,
        `/staff/admin/users/${councilUser.id}/reset-two-factor`,
      ]) {
        const page = await client.get(path);
        assert.equal(page.status, 404, `GET ${path}`);
        assert.equal(page.heading, 'Page not found');
        assert.doesNotMatch(page.html, /Cerys Council/);
      }
      // The same answer as for an account that does not exist at all.
      assert.equal((await client.get('/staff/admin/users/00000000-0000-4000-8000-000000000000')).status, 404);
    });

    it("lets a partner administrator change nothing of a council user's, answering 404 to each action", async () => {
      const client = await server.signedIn(partnerAdmin);
      await client.get('/staff/admin/users/new'); // a page with a form, for its CSRF token
      const before = await userRow(councilUser.id);
      const auditBefore = await auditCount();
      const sessionsBefore = await server.db.selectFrom('sessions').select('id').where('user_id', '=', councilUser.id).execute();
      const actions: [string, Record<string, string | string[]>][] = [
        [
          `/staff/admin/users/${councilUser.id}`,
          {
            name: 'Renamed By Partner',
            email: councilUser.email,
            organisationId: partnerId,
            roles: ['admin'],
            teams: [],
          },
        ],
        [
          `/staff/admin/users/${councilUser.id}`,
          {
            name: 'Renamed By Partner',
            email: councilUser.email,
            organisationId: councilId,
            roles: ['admin'],
            teams: [],
          },
        ],
        [`/staff/admin/users/${councilUser.id}/deactivate`, {}],
        [`/staff/admin/users/${councilUser.id}/reactivate`, {}],
        [`/staff/admin/users/${councilUser.id}/reset-password`, {}],
        [`/staff/admin/users/${councilUser.id}/reset-two-factor`, {}],
      ];
      for (const [path, fields] of actions) {
        const page = await client.post(path, fields);
        assert.equal(page.status, 404, `POST ${path}`);
        assert.equal(page.heading, 'Page not found');
        assert.equal(page.dom.querySelector('#temporary-password'), null, 'no temporary password is shown');
      }
      assert.deepEqual(await userRow(councilUser.id), before);
      assert.equal(await auditCount(), auditBefore);
      const sessionsAfter = await server.db.selectFrom('sessions').select('id').where('user_id', '=', councilUser.id).execute();
      assert.deepEqual(sessionsAfter, sessionsBefore);
    });

    it('does not let a partner administrator create an account in the council', async () => {
      const client = await server.signedIn(partnerAdmin);
      const form = await client.get('/staff/admin/users/new');
      const offered = form.dom.querySelectorAll('#organisationId option').map((option) => option.getAttribute('value'));
      assert.deepEqual(offered, [partnerId], 'only their own agency is offered');
      const before = await staffCount();
      const page = await client.post('/staff/admin/users', {
        name: 'Council Plant',
        email: 'plant@test.example',
        organisationId: councilId,
        roles: ['admin'],
      });
      assert.equal(page.status, 404);
      assert.equal(await staffCount(), before);
      const row = await server.db
        .selectFrom('staff_users')
        .select('id')
        .where('email', '=', 'plant@test.example')
        .executeTakeFirst();
      assert.equal(row, undefined);
    });

    it('does not let a partner administrator put their own staff in a council team', async () => {
      const client = await server.signedIn(partnerAdmin);
      await client.get('/staff/admin/users/new');
      const before = await staffCount();
      const page = await client.post('/staff/admin/users', {
        name: 'Team Jumper',
        email: 'jumper@test.example',
        organisationId: partnerId,
        roles: ['partner_worker'],
        teams: [councilTeamId],
      });
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Select teams of their own organisation']);
      assert.equal(await staffCount(), before);
    });

    it("lists only the partner agency's own people, teams and organisation to its administrator", async () => {
      const client = await server.signedIn(partnerAdmin);
      const users = await client.get('/staff/admin/users');
      assert.equal(users.status, 200);
      const rows = users.dom
        .querySelectorAll('table tbody tr')
        .map((row) => row.querySelectorAll('td').map((cell) => cell.text.trim()));
      const emails = rows.map((cells) => cells[1]).sort();
      assert.deepEqual(emails, [partnerAdmin.email, partnerWorker.email].sort());
      assert.ok(rows.every((cells) => cells[2] === 'West Mercia Police'));
      assert.doesNotMatch(users.html, new RegExp(ADMIN.email));
      assert.doesNotMatch(users.html, /Cerys Council/);

      // Asking for the council's people by filter changes nothing.
      const filtered = await client.get(`/staff/admin/users?organisation=${councilId}&q=Cerys`);
      assert.equal(filtered.status, 200);
      assert.equal(filtered.dom.querySelectorAll('table tbody tr').length, 0);

      const teams = await client.get('/staff/admin/teams');
      assert.doesNotMatch(teams.html, /Waste and Recycling/);
      assert.equal((await client.get(`/staff/admin/teams/${councilTeamId}/edit`)).status, 404);

      const organisations = await client.get('/staff/admin/organisations');
      const names = organisations.dom.querySelectorAll('table tbody tr').map((row) => row.querySelector('td')?.text.trim());
      assert.deepEqual(names, ['West Mercia Police']);
      assert.equal((await client.get(`/staff/admin/organisations/${councilId}/edit`)).status, 404);
      assert.equal(
        organisations.dom.querySelector('a[href="/staff/admin/organisations/new"]'),
        null,
        'a partner does not add partners',
      );
    });

    it("does not let a partner administrator change the council's teams or organisation", async () => {
      const client = await server.signedIn(partnerAdmin);
      await client.get('/staff/admin/teams/new');
      const councilBefore = await server.db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', councilId)
        .executeTakeFirstOrThrow();
      const teamBefore = await server.db
        .selectFrom('teams')
        .selectAll()
        .where('id', '=', councilTeamId)
        .executeTakeFirstOrThrow();
      assert.equal(
        (
          await client.post(`/staff/admin/teams/${councilTeamId}`, {
            name: 'Taken over',
            active: 'no',
          })
        ).status,
        404,
      );
      assert.equal(
        (
          await client.post(`/staff/admin/organisations/${councilId}`, {
            name: 'Taken over',
          })
        ).status,
        404,
      );
      const teamCount = await server.db.selectFrom('teams').select('id').where('organisation_id', '=', councilId).execute();
      const createdTeam = await client.post('/staff/admin/teams', {
        organisationId: councilId,
        name: 'Planted team',
        code: 'planted',
      });
      assert.equal(createdTeam.status, 404);
      assert.deepEqual(
        await server.db.selectFrom('teams').selectAll().where('id', '=', councilTeamId).executeTakeFirstOrThrow(),
        teamBefore,
      );
      assert.deepEqual(
        await server.db.selectFrom('organisations').selectAll().where('id', '=', councilId).executeTakeFirstOrThrow(),
        councilBefore,
      );
      assert.deepEqual(
        await server.db.selectFrom('teams').select('id').where('organisation_id', '=', councilId).execute(),
        teamCount,
      );
    });

    it("lets a council administrator manage a partner agency's people", async () => {
      const client = await server.signedIn(ADMIN);
      const users = await client.get(`/staff/admin/users?organisation=${partnerId}`);
      const emails = users.dom.querySelectorAll('table tbody tr td:nth-child(2)').map((cell) => cell.text.trim());
      assert.ok(emails.includes(partnerWorker.email), 'the partner worker is listed');

      const page = await client.get(`/staff/admin/users/${partnerWorker.id}`);
      assert.equal(page.status, 200);
      assert.equal(page.heading, 'Wyn Worker');

      await client.get(`/staff/admin/users/${partnerWorker.id}/edit`);
      const edited = await client.post(`/staff/admin/users/${partnerWorker.id}`, {
        name: 'Wyn Worker-Jones',
        email: partnerWorker.email,
        organisationId: partnerId,
        roles: ['partner_worker'],
        teams: [],
      });
      assert.equal(edited.status, 303);
      assert.equal((await userRow(partnerWorker.id)).name, 'Wyn Worker-Jones');

      await client.get(`/staff/admin/users/${partnerWorker.id}/reset-password`);
      const reset = await client.post(`/staff/admin/users/${partnerWorker.id}/reset-password`, {});
      assert.equal(reset.status, 303);
      const shown = await client.follow(reset);
      const password = shown.dom.querySelector('#temporary-password')?.text.trim() ?? '';
      assert.match(password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      assert.equal((await userRow(partnerWorker.id)).must_change_password, true);
      partnerWorker.password = password;
    });
  });

  describe('between two councils', () => {
    let secondCouncilAdmin: BuiltStaffMember;
    let firstCouncilUser: BuiltStaffMember;
    let firstPartnerUser: BuiltStaffMember;
    let firstPartnerId: string;
    let firstTeamId: string;
    let secondCouncilId: string;

    before(async () => {
      // Created after the first council, so the builders' "first council" stays the first.
      const inserted = await server.db
        .insertInto('organisations')
        .values({
          code: 'second-council',
          name: 'Second District Council',
          kind: 'council',
          council_id: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      secondCouncilId = inserted.id;
      secondCouncilAdmin = await aStaffMember(server.db, {
        roles: ['admin', 'dpo'],
        organisation: 'second-council',
      });
      firstCouncilUser = await aStaffMember(server.db, {
        roles: ['officer'],
        name: 'Olwen First-Council',
      });
      firstPartnerId = await aPartnerAgency(server.db, 'first-college', 'First College');
      firstPartnerUser = await aStaffMember(server.db, {
        roles: ['partner_worker'],
        organisation: 'first-college',
        name: 'Prys First-Partner',
      });
      firstTeamId = await server.services.organisations.createTeam(systemActor('test'), {
        organisationId: councilId,
        code: 'highways',
        name: 'Highways and Street Scene',
      });
    });

    it("shows an administrator of a second council nothing of the first council's", async () => {
      const client = await server.signedIn(secondCouncilAdmin);
      const users = await client.get('/staff/admin/users');
      const emails = users.dom.querySelectorAll('table tbody tr td:nth-child(2)').map((cell) => cell.text.trim());
      assert.deepEqual(emails, [secondCouncilAdmin.email]);

      const organisations = await client.get('/staff/admin/organisations');
      const names = organisations.dom.querySelectorAll('table tbody tr').map((row) => row.querySelector('td')?.text.trim());
      assert.deepEqual(names, ['Second District Council']);

      const teams = await client.get('/staff/admin/teams');
      assert.doesNotMatch(teams.html, /Highways and Street Scene/);

      for (const path of [
        `/staff/admin/users/${firstCouncilUser.id}`,
        `/staff/admin/users/${firstCouncilUser.id}/edit`,
        `/staff/admin/users/${firstPartnerUser.id}`,
        `/staff/admin/users/${firstPartnerUser.id}/deactivate`,
        `/staff/admin/organisations/${councilId}/edit`,
        `/staff/admin/organisations/${firstPartnerId}/edit`,
        `/staff/admin/teams/${firstTeamId}/edit`,
      ]) {
        assert.equal((await client.get(path)).status, 404, `GET ${path}`);
      }

      const audit = await client.get(`/staff/audit?recordId=${firstCouncilUser.id}`);
      assert.equal(audit.status, 200);
      assert.equal(audit.dom.querySelectorAll('table tbody tr').length, 0);
      const all = await client.get('/staff/audit');
      assert.doesNotMatch(all.html, new RegExp(`${firstCouncilUser.id}|${firstPartnerUser.id}|${ADMIN.email}`));
    });

    it("lets an administrator of a second council change nothing of the first council's", async () => {
      const client = await server.signedIn(secondCouncilAdmin);
      await client.get('/staff/admin/users/new');
      const before = await userRow(firstPartnerUser.id);
      const staffBefore = await staffCount();
      for (const [path, fields] of [
        [`/staff/admin/users/${firstPartnerUser.id}/deactivate`, {}],
        [`/staff/admin/users/${firstPartnerUser.id}/reset-password`, {}],
        [
          `/staff/admin/users/${firstPartnerUser.id}`,
          {
            name: 'Moved',
            email: firstPartnerUser.email,
            organisationId: secondCouncilId,
            roles: ['admin'],
            teams: [],
          },
        ],
        [
          '/staff/admin/users',
          {
            name: 'Plant',
            email: 'plant2@test.example',
            organisationId: councilId,
            roles: ['admin'],
          },
        ],
      ] as [string, Record<string, string | string[]>][]) {
        const page = await client.post(path, fields);
        assert.equal(page.status, 404, `POST ${path}`);
        assert.equal(page.heading, 'Page not found');
      }
      assert.deepEqual(await userRow(firstPartnerUser.id), before);
      assert.equal(await staffCount(), staffBefore);

      // A partner agency added by the second council's administrator sits beside the second council.
      await client.get('/staff/admin/organisations/new');
      const added = await client.post('/staff/admin/organisations', {
        name: 'Second Housing Trust',
        code: 'second-housing',
      });
      assert.equal(added.status, 303);
      const partner = await server.db
        .selectFrom('organisations')
        .select(['kind', 'council_id'])
        .where('code', '=', 'second-housing')
        .executeTakeFirstOrThrow();
      assert.deepEqual(partner, {
        kind: 'partner',
        council_id: secondCouncilId,
      });
    });

    it("shows the first council's administrator nothing of the second council's", async () => {
      const client = await server.signedIn(ADMIN);
      const users = await client.get('/staff/admin/users?q=second');
      assert.doesNotMatch(users.html, new RegExp(secondCouncilAdmin.email));
      assert.equal((await client.get(`/staff/admin/users/${secondCouncilAdmin.id}`)).status, 404);
      assert.equal((await client.get(`/staff/admin/organisations/${secondCouncilId}/edit`)).status, 404);
    });
  });

  describe('signed out', () => {
    it('sends every administration page to sign-in, remembering where it was going', async () => {
      const someone = await aStaffMember(server.db, { roles: ['advisor'] });
      const client = server.client();
      for (const path of [
        ...ADMIN_PAGES,
        '/staff/admin/users/new',
        `/staff/admin/users/${someone.id}`,
        `/staff/admin/users/${someone.id}/edit`,
        `/staff/admin/users/${someone.id}/deactivate`,
        `/staff/admin/users/${someone.id}/reactivate`,
        `/staff/admin/users/${someone.id}/reset-password`,
        `/staff/admin/users/${someone.id}/reset-two-factor`,
        '/staff/admin/teams/new',
        '/staff/admin/organisations/new',
        `/staff/admin/organisations/${councilId}/edit`,
        '/staff/audit?action=user.',
      ]) {
        const page = await client.get(path);
        assert.equal(page.status, 303, `GET ${path}`);
        assert.equal(page.location, `/staff/sign-in?returnTo=${encodeURIComponent(path)}`);
      }
    });
  });
});
