import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { sessionKey } from '../platform/sessions.ts';
import { insertOrganisation } from './repo.ts';
import { createOrganisationsService, type OrganisationsService } from './service.ts';

const system = systemActor('test');

describe('running organisations, teams and staff accounts', () => {
  let database: TestDatabase;
  let db: Db;
  let organisations: OrganisationsService;
  let councilId: string;
  let policeId: string;
  let councilAdmin: StaffActor;
  let policeAdmin: StaffActor;
  let lastAddress = 0;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    organisations = createOrganisationsService(db);
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    policeId = await aPartnerAgency(db, 'police', 'Borough Police');
    councilAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'] })).id);
    policeAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'], organisation: 'police' })).id);
  });
  after(() => database.drop());

  async function actorFor(userId: string): Promise<StaffActor> {
    const staff = await createAuthService(db).signedInStaff(userId, '192.0.2.1');
    assert.ok(staff, 'the builder made an active account');
    return staff.actor;
  }

  async function signIn(email: string, password: string) {
    return (await createAuthService(db).signIn({ email, password, ip: `198.51.100.${++lastAddress}` })).kind;
  }

  async function auditFor(recordId: string, action?: string) {
    let query = db.selectFrom('audit_events').selectAll().where('record_id', '=', recordId);
    if (action) query = query.where('action', '=', action);
    return await query.orderBy('id').execute();
  }

  async function sessionsOf(userId: string): Promise<number> {
    const row = await db
      .selectFrom('sessions')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async function givenSessions(userId: string, count: number): Promise<void> {
    for (let n = 0; n < count; n++) {
      await db
        .insertInto('sessions')
        .values({ id: sessionKey(`${userId}-${n}`), user_id: userId, data: '{}', expires_at: new Date('2099-01-01T00:00:00Z') })
        .execute();
    }
  }

  async function aTeam(organisationId: string, code: string): Promise<string> {
    return await organisations.createTeam(system, { organisationId, code, name: `Team ${code}` });
  }

  const aUser = (
    email: string,
    overrides: { roles?: Role[]; teams?: string[]; organisationId?: string; name?: string } = {},
  ) => ({
    name: overrides.name ?? 'Ann Jones',
    email,
    organisationId: overrides.organisationId ?? councilId,
    roles: overrides.roles ?? (['advisor'] as Role[]),
    teams: overrides.teams ?? [],
  });

  async function invalidErrors(action: Promise<unknown>) {
    try {
      await action;
    } catch (error) {
      if (error instanceof Invalid) return error.errors;
      throw error;
    }
    assert.fail('expected the change to be refused as invalid');
  }

  describe('creating an account', () => {
    it('writes the account, its teams and a user.create audit event', async () => {
      const waste = await aTeam(councilId, 'waste');
      const { id } = await organisations.createUser(councilAdmin, aUser('Ann.Create@Test.Example', { teams: [waste] }), {
        password: 'marmalade teapot bicycle',
      });

      const user = await organisations.getUser(councilAdmin, id);
      assert.equal(user.email, 'ann.create@test.example', 'email addresses are kept in lower case');
      assert.deepEqual(user.teams, [{ id: waste, name: 'Team waste' }]);
      const [event, ...others] = await auditFor(id, 'user.create');
      assert.equal(others.length, 0);
      assert.equal(event?.actor_id, councilAdmin.id);
      assert.equal(event?.organisation_id, councilId);
      // A new record has no "from".
      assert.deepEqual(event?.changes, {
        name: { to: 'Ann Jones' },
        email: { to: 'ann.create@test.example' },
        roles: { to: ['advisor'] },
        teams: { to: [waste] },
      });
      assert.doesNotMatch(JSON.stringify(event), /marmalade/, 'the password never reaches the audit trail');
    });

    it('writes nothing when its audit event cannot be written', async () => {
      // A trigger that refuses this one audit event, standing in for any failure after the insert.
      await sql`
        create function refuse_this_audit() returns trigger language plpgsql as $$
        begin
          if new.changes -> 'email' ->> 'to' = 'audit.fails@test.example' then raise exception 'audit refused'; end if;
          return new;
        end $$;
        create trigger refuse_this_audit before insert on audit_events for each row execute function refuse_this_audit();
      `.execute(db);
      try {
        const team = await aTeam(councilId, 'audit-fails');
        await assert.rejects(
          organisations.createUser(councilAdmin, aUser('audit.fails@test.example', { teams: [team] })),
          /audit refused/,
        );
        assert.equal(
          await db.selectFrom('staff_users').select('id').where('email', '=', 'audit.fails@test.example').executeTakeFirst(),
          undefined,
        );
        const members = await db.selectFrom('team_members').select('user_id').where('team_id', '=', team).execute();
        assert.deepEqual(members, []);
      } finally {
        await sql`drop trigger refuse_this_audit on audit_events; drop function refuse_this_audit();`.execute(db);
      }
    });

    it('refuses an email address already in use, whatever its case, and records nothing', async () => {
      await organisations.createUser(councilAdmin, aUser('taken@test.example'), { password: 'marmalade teapot bicycle' });
      const creates = async () =>
        (await db.selectFrom('audit_events').select('id').where('action', '=', 'user.create').execute()).length;
      const before = await creates();

      assert.deepEqual(
        await invalidErrors(organisations.createUser(councilAdmin, aUser('TAKEN@test.example', { name: 'Someone Else' }))),
        [{ field: 'email', message: 'users.errors.emailTaken' }],
      );
      assert.equal(await creates(), before);
      const named = await db.selectFrom('staff_users').select('id').where('name', '=', 'Someone Else').execute();
      assert.deepEqual(named, []);
    });

    it('makes up a temporary password when none is given, returns it once, and makes them change it', async () => {
      const { id, temporaryPassword } = await organisations.createUser(councilAdmin, aUser('temporary@test.example'));
      assert.equal(typeof temporaryPassword, 'string');
      assert.equal((await organisations.getUser(councilAdmin, id)).mustChangePassword, true);
      assert.equal(await signIn('temporary@test.example', temporaryPassword!), 'signedIn');
      assert.equal((await createAuthService(db).signedInStaff(id, null))?.mustChangePassword, true);
    });

    it('returns no password when one is given, and does not make them change it', async () => {
      const created = await organisations.createUser(councilAdmin, aUser('chosen@test.example'), {
        password: 'marmalade teapot bicycle',
      });
      assert.equal(created.temporaryPassword, undefined);
      assert.equal((await organisations.getUser(councilAdmin, created.id)).mustChangePassword, false);
      assert.equal(await signIn('chosen@test.example', 'marmalade teapot bicycle'), 'signedIn');
    });

    it('refuses a given password that breaks the rules', async () => {
      assert.deepEqual(
        await invalidErrors(organisations.createUser(councilAdmin, aUser('weak@test.example'), { password: 'short' })),
        [{ field: 'password', message: 'passwords.errors.tooShort' }],
      );
    });

    it('refuses teams of another organisation', async () => {
      const policeTeam = await aTeam(policeId, 'neighbourhood-create');
      assert.deepEqual(
        await invalidErrors(organisations.createUser(councilAdmin, aUser('wrong.team@test.example', { teams: [policeTeam] }))),
        [{ field: 'teams', message: 'users.errors.teamsInvalid' }],
      );
      assert.equal(
        await db.selectFrom('staff_users').select('id').where('email', '=', 'wrong.team@test.example').executeTakeFirst(),
        undefined,
      );
    });

    it('does not let a partner agency’s administrator create accounts in the council', async () => {
      await assert.rejects(organisations.createUser(policeAdmin, aUser('sneaky@test.example')), NotFound);
      assert.equal(
        await db.selectFrom('staff_users').select('id').where('email', '=', 'sneaky@test.example').executeTakeFirst(),
        undefined,
      );
    });
  });

  describe('changing an account', () => {
    it('records exactly what changed in the audit trail', async () => {
      const housing = await aTeam(councilId, 'housing');
      const { id } = await organisations.createUser(councilAdmin, aUser('changing@test.example', { teams: [housing] }), {
        password: 'marmalade teapot bicycle',
      });
      await organisations.updateUser(
        councilAdmin,
        id,
        aUser('changing@test.example', { name: 'Ann Evans', roles: ['advisor', 'officer'], teams: [housing] }),
      );

      const [event] = await auditFor(id, 'user.update');
      assert.deepEqual(event?.changes, {
        name: { from: 'Ann Jones', to: 'Ann Evans' },
        roles: { from: ['advisor'], to: ['advisor', 'officer'] },
      });
      const user = await organisations.getUser(councilAdmin, id);
      assert.equal(user.name, 'Ann Evans');
      assert.deepEqual(user.roles, ['advisor', 'officer']);
    });

    it('refuses teams of another organisation', async () => {
      const policeTeam = await aTeam(policeId, 'neighbourhood-update');
      const { id } = await organisations.createUser(councilAdmin, aUser('team.change@test.example'), {
        password: 'marmalade teapot bicycle',
      });
      assert.deepEqual(
        await invalidErrors(
          organisations.updateUser(councilAdmin, id, aUser('team.change@test.example', { teams: [policeTeam] })),
        ),
        [{ field: 'teams', message: 'users.errors.teamsInvalid' }],
      );
      assert.deepEqual((await organisations.getUser(councilAdmin, id)).teams, []);
    });

    it('refuses to take the administrator role from the last active administrator', async () => {
      const { id } = await organisations.createUser(
        system,
        aUser('only.admin@test.example', { organisationId: await aPartnerAgency(db, 'lone-update'), roles: ['admin'] }),
        {
          password: 'marmalade teapot bicycle',
        },
      );
      const user = await organisations.getUser(system, id);
      await assert.rejects(
        organisations.updateUser(councilAdmin, id, {
          ...aUser(user.email, { organisationId: user.organisationId }),
          roles: ['advisor'],
        }),
        (error: unknown) => error instanceof Conflict && error.reason === 'users.errors.lastAdmin',
      );
    });
  });

  describe('deactivating and resetting', () => {
    it('ends every session of a deactivated account at once', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'] });
      await givenSessions(person.id, 2);
      await organisations.setUserActive(councilAdmin, person.id, false);

      assert.equal(await sessionsOf(person.id), 0);
      const user = await organisations.getUser(councilAdmin, person.id);
      assert.equal(user.active, false);
      assert.ok(user.deactivatedAt instanceof Date);
      const [event] = await auditFor(person.id, 'user.deactivate');
      assert.deepEqual(event?.details, { sessionsEnded: 2 });
      assert.equal(await signIn(person.email, person.password), 'refused');

      await organisations.setUserActive(councilAdmin, person.id, true);
      assert.equal(await signIn(person.email, person.password), 'signedIn');
    });

    it('refuses to deactivate the last active administrator of an organisation', async () => {
      await aPartnerAgency(db, 'lone-admin');
      const onlyAdmin = await aStaffMember(db, { roles: ['admin'], organisation: 'lone-admin' });
      await assert.rejects(
        organisations.setUserActive(councilAdmin, onlyAdmin.id, false),
        (error: unknown) => error instanceof Conflict && error.reason === 'users.errors.lastAdmin',
      );
      assert.equal((await organisations.getUser(councilAdmin, onlyAdmin.id)).active, true);

      await aStaffMember(db, { roles: ['admin'], organisation: 'lone-admin' });
      await organisations.setUserActive(councilAdmin, onlyAdmin.id, false);
      assert.equal((await organisations.getUser(councilAdmin, onlyAdmin.id)).active, false);
    });

    it('gives a reset account a new temporary password and ends its sessions', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'] });
      await givenSessions(person.id, 3);
      const password = await organisations.resetPassword(councilAdmin, person.id);

      assert.equal(await sessionsOf(person.id), 0);
      assert.equal(await signIn(person.email, person.password), 'refused');
      assert.equal(await signIn(person.email, password), 'signedIn');
      assert.equal((await organisations.getUser(councilAdmin, person.id)).mustChangePassword, true);
      const [event] = await auditFor(person.id, 'user.reset_password');
      assert.deepEqual(event?.details, { sessionsEnded: 3 });
      assert.doesNotMatch(JSON.stringify(event), new RegExp(password));
    });
  });

  describe('between organisations', () => {
    it('tells a partner agency’s administrator that a council account does not exist', async () => {
      const councilPerson = await aStaffMember(db, { roles: ['advisor'] });
      await givenSessions(councilPerson.id, 1);
      await assert.rejects(organisations.getUser(policeAdmin, councilPerson.id), NotFound);
      await assert.rejects(
        organisations.updateUser(policeAdmin, councilPerson.id, aUser(councilPerson.email, { name: 'Changed' })),
        NotFound,
      );
      await assert.rejects(organisations.setUserActive(policeAdmin, councilPerson.id, false), NotFound);
      await assert.rejects(organisations.resetPassword(policeAdmin, councilPerson.id), NotFound);

      const untouched = await organisations.getUser(councilAdmin, councilPerson.id);
      assert.equal(untouched.name, 'Test Person');
      assert.equal(untouched.active, true);
      assert.equal(await sessionsOf(councilPerson.id), 1);
      assert.equal(await signIn(councilPerson.email, councilPerson.password), 'signedIn');
    });

    it('lists for each administrator only the accounts they run', async () => {
      const councilPerson = await aStaffMember(db, { roles: ['advisor'], name: 'Listed Council Person' });
      const policePerson = await aStaffMember(db, {
        roles: ['partner_worker'],
        organisation: 'police',
        name: 'Listed Police Person',
      });
      const idsFor = async (actor: StaffActor) =>
        new Set((await organisations.listUsers(actor, { q: 'Listed' }, 1)).users.map((user) => user.id));

      assert.deepEqual(await idsFor(councilAdmin), new Set([councilPerson.id, policePerson.id]));
      assert.deepEqual(await idsFor(policeAdmin), new Set([policePerson.id]));
      const everyoneThePoliceAdminSees = await organisations.listUsers(policeAdmin, {}, 1);
      assert.ok(everyoneThePoliceAdminSees.users.every((user) => user.organisationId === policeId));

      const advisor = await actorFor(councilPerson.id);
      assert.deepEqual(await idsFor(advisor), new Set());
    });
  });

  describe('partner agencies and teams', () => {
    it('refuses a partner agency whose code is taken', async () => {
      await organisations.addPartner(councilAdmin, councilId, { code: 'college', name: 'Borough College' });
      for (const code of ['college', 'borough']) {
        assert.deepEqual(await invalidErrors(organisations.addPartner(councilAdmin, councilId, { code, name: 'Another' })), [
          { field: 'code', message: 'organisations.errors.codeTaken' },
        ]);
      }
      const named = await db.selectFrom('organisations').select('id').where('name', '=', 'Another').execute();
      assert.deepEqual(named, []);
    });

    it('refuses a team whose code is taken in the same organisation, but not in another', async () => {
      await organisations.createTeam(councilAdmin, { organisationId: councilId, code: 'planning', name: 'Planning' });
      assert.deepEqual(
        await invalidErrors(
          organisations.createTeam(councilAdmin, { organisationId: councilId, code: 'planning', name: 'Planning again' }),
        ),
        [{ field: 'code', message: 'teams.errors.codeTaken' }],
      );
      const policePlanning = await organisations.createTeam(councilAdmin, {
        organisationId: policeId,
        code: 'planning',
        name: 'Police planning',
      });
      assert.equal((await organisations.getTeam(councilAdmin, policePlanning)).organisationId, policeId);
      const [event] = await auditFor(policePlanning, 'team.create');
      assert.equal(event?.actor_id, councilAdmin.id);
    });
  });
});
