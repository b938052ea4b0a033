import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aStaffMember, type BuiltStaffMember } from '../../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation, setRoleMfaRequired } from '../../organisations/repo.ts';
import { createOrganisationsService } from '../../organisations/service.ts';
import { systemActor } from '../actor.ts';
import { Invalid } from '../errors.ts';
import { sessionKey } from '../sessions.ts';
import { enableTwoFactor } from './repo.ts';
import { createAuthService, type AuthService } from './service.ts';
import { codeFor, newSecret } from './twoFactor.ts';

describe('signing staff in', () => {
  let database: TestDatabase;
  let db: Db;
  let auth: AuthService;
  let councilId: string;
  // Each test signs in from its own address, so that one test's failures never lock another's.
  let lastAddress = 0;
  const anAddress = () => `192.0.2.${++lastAddress}`;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    auth = createAuthService(db);
  });
  after(() => database.drop());

  async function auditActions(email: string) {
    const rows = await db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('actor_label', '=', email)
      .orderBy('id')
      .execute();
    return rows;
  }

  async function withTwoFactor(person: BuiltStaffMember): Promise<string> {
    const secret = newSecret();
    // As if they confirmed a code from their app a while ago.
    await enableTwoFactor(db, person.id, secret, 1);
    return secret;
  }

  /** Six digits that are not the code of the moment (nor the one either side). */
  function aWrongCode(secret: string): string {
    const now = Date.now();
    const right = new Set([-1, 0, 1].map((step) => codeFor(secret, now + step * 30_000)));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!right.has(code)) return code;
    }
  }

  it('refuses an unknown email address, a wrong password and a deactivated account alike', async () => {
    const person = await aStaffMember(db, { roles: ['advisor'] });
    const leaver = await aStaffMember(db, { roles: ['advisor'] });
    await createOrganisationsService(db).setUserActive(systemActor('test'), leaver.id, false);

    const unknown = await auth.signIn({ email: 'nobody@test.example', password: person.password, ip: anAddress() });
    const wrong = await auth.signIn({ email: person.email, password: `${person.password}!`, ip: anAddress() });
    const deactivated = await auth.signIn({ email: leaver.email, password: leaver.password, ip: anAddress() });
    assert.deepEqual(unknown, { kind: 'refused' });
    assert.deepEqual(wrong, { kind: 'refused' });
    assert.deepEqual(deactivated, { kind: 'refused' });

    // The audit trail, which only the service desk sees, says why.
    assert.deepEqual(
      (await auditActions(person.email)).map((row) => [row.action, row.details]),
      [['sign_in.failure', { reason: 'wrong_password' }]],
    );
    assert.deepEqual(
      (await auditActions(leaver.email)).map((row) => [row.action, row.details]),
      [['sign_in.failure', { reason: 'deactivated' }]],
    );
  });

  it('locks the account after five wrong passwords, even against the right one', async () => {
    const person = await aStaffMember(db, { roles: ['advisor'] });
    const results = [];
    for (let n = 0; n < 5; n++) {
      results.push((await auth.signIn({ email: person.email, password: 'not the password', ip: anAddress() })).kind);
    }
    assert.deepEqual(results, ['refused', 'refused', 'refused', 'refused', 'locked']);

    const right = await auth.signIn({ email: person.email, password: person.password, ip: anAddress() });
    assert.equal(right.kind, 'locked');
    assert.ok(right.kind === 'locked' && right.minutes >= 1);
    assert.equal((await auditActions(person.email)).filter((row) => row.action === 'sign_in.success').length, 0);
  });

  it('locks an unknown email address in the same way, saying nothing about whether it exists', async () => {
    const results = [];
    for (let n = 0; n < 5; n++) {
      results.push(
        (await auth.signIn({ email: 'Nobody-At-All@test.example', password: 'anything at all', ip: anAddress() })).kind,
      );
    }
    assert.deepEqual(results, ['refused', 'refused', 'refused', 'refused', 'locked']);
  });

  it('signs in with the right password, ignoring the case of the email address, and notes when', async () => {
    const person = await aStaffMember(db, { roles: ['advisor'] });
    const before = await db
      .selectFrom('staff_users')
      .select('last_signed_in_at')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    assert.equal(before.last_signed_in_at, null);

    const result = await auth.signIn({ email: ` ${person.email.toUpperCase()} `, password: person.password, ip: anAddress() });
    assert.deepEqual(result, { kind: 'signedIn', userId: person.id });
    const after = await db
      .selectFrom('staff_users')
      .select('last_signed_in_at')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    assert.ok(after.last_signed_in_at instanceof Date);
    assert.deepEqual(
      (await auditActions(person.email)).map((row) => row.action),
      ['sign_in.success'],
    );
  });

  it('forgives earlier wrong passwords once the right one is given', async () => {
    const person = await aStaffMember(db, { roles: ['advisor'] });
    for (let n = 0; n < 4; n++) await auth.signIn({ email: person.email, password: 'not the password', ip: anAddress() });
    assert.equal((await auth.signIn({ email: person.email, password: person.password, ip: anAddress() })).kind, 'signedIn');
    for (let n = 0; n < 4; n++) {
      assert.equal((await auth.signIn({ email: person.email, password: 'not the password', ip: anAddress() })).kind, 'refused');
    }
  });

  it('asks for a code from the authenticator app when the person has one', async () => {
    const person = await aStaffMember(db, { roles: ['officer'] });
    await withTwoFactor(person);
    const result = await auth.signIn({ email: person.email, password: person.password, ip: anAddress() });
    assert.deepEqual(result, { kind: 'secondFactorNeeded', userId: person.id });
    assert.deepEqual(await auditActions(person.email), [], 'not signed in yet');
  });

  it('accepts the right code once, and refuses a wrong code and the same code again', async () => {
    const person = await aStaffMember(db, { roles: ['officer'] });
    const secret = await withTwoFactor(person);
    const ip = anAddress();

    assert.equal(await auth.verifySecondFactor({ userId: person.id, code: aWrongCode(secret), ip }), 'wrong');
    const code = codeFor(secret);
    assert.equal(await auth.verifySecondFactor({ userId: person.id, code, ip }), 'ok');
    assert.equal(await auth.verifySecondFactor({ userId: person.id, code, ip }), 'wrong');

    assert.deepEqual(
      (await auditActions(person.email)).map((row) => [row.action, row.details]),
      [
        ['sign_in.failure', { reason: 'wrong_code' }],
        ['sign_in.success', { secondFactor: true }],
        ['sign_in.failure', { reason: 'wrong_code' }],
      ],
    );
  });

  it('refuses a code for someone without an authenticator app', async () => {
    const person = await aStaffMember(db, { roles: ['officer'] });
    assert.equal(await auth.verifySecondFactor({ userId: person.id, code: '123456', ip: anAddress() }), 'wrong');
  });

  describe('changing one’s own password', () => {
    it('refuses a wrong current password', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'] });
      const actor = (await auth.signedInStaff(person.id, null))!.actor;
      await assert.rejects(
        auth.changePassword(actor, { current: 'not my password', next: 'marmalade teapot bicycle' }, 'session-1'),
        (error: unknown) => {
          assert.ok(error instanceof Invalid);
          assert.deepEqual(error.errors, [{ field: 'currentPassword', message: 'passwords.errors.currentWrong' }]);
          return true;
        },
      );
    });

    it('refuses a new password that breaks the rules', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'], name: 'Gwendolyn Pritchard' });
      const actor = (await auth.signedInStaff(person.id, null))!.actor;
      const refusal = async (next: string) => {
        try {
          await auth.changePassword(actor, { current: person.password, next }, 'session-1');
        } catch (error) {
          if (error instanceof Invalid) return error.errors;
          throw error;
        }
        return [];
      };
      assert.deepEqual(await refusal('short one'), [{ field: 'newPassword', message: 'passwords.errors.tooShort' }]);
      assert.deepEqual(await refusal('password1234'), [{ field: 'newPassword', message: 'passwords.errors.common' }]);
      assert.deepEqual(await refusal('Gwendolyn2026!'), [{ field: 'newPassword', message: 'passwords.errors.personal' }]);
      assert.deepEqual(await refusal(person.password), [{ field: 'newPassword', message: 'passwords.errors.sameAsCurrent' }]);
      // The old password still works.
      assert.equal((await auth.signIn({ email: person.email, password: person.password, ip: anAddress() })).kind, 'signedIn');
    });

    it('changes it, ending their other sessions but keeping this one', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'] });
      const other = await aStaffMember(db, { roles: ['advisor'] });
      const expires = new Date('2099-01-01T00:00:00Z');
      await db
        .insertInto('sessions')
        .values([
          { id: sessionKey('this-browser'), user_id: person.id, data: '{}', expires_at: expires },
          { id: sessionKey('their-phone'), user_id: person.id, data: '{}', expires_at: expires },
          { id: sessionKey('someone-else'), user_id: other.id, data: '{}', expires_at: expires },
        ])
        .execute();
      const actor = (await auth.signedInStaff(person.id, '192.0.2.200'))!.actor;

      await auth.changePassword(actor, { current: person.password, next: 'marmalade teapot bicycle' }, 'this-browser');

      const left = await db.selectFrom('sessions').select('id').where('user_id', 'in', [person.id, other.id]).execute();
      assert.deepEqual(left.map((row) => row.id).sort(), [sessionKey('someone-else'), sessionKey('this-browser')].sort());
      assert.equal((await auth.signIn({ email: person.email, password: person.password, ip: anAddress() })).kind, 'refused');
      assert.equal(
        (await auth.signIn({ email: person.email, password: 'marmalade teapot bicycle', ip: anAddress() })).kind,
        'signedIn',
      );
      assert.ok((await auditActions(person.email)).some((row) => row.action === 'user.change_password'));
    });
  });

  describe('the person behind a session', () => {
    it('is the staff member, with their organisation and the address they came from', async () => {
      const person = await aStaffMember(db, { roles: ['advisor', 'dpo'], name: 'Ann Jones' });
      const staff = await auth.signedInStaff(person.id, '192.0.2.99');
      assert.deepEqual(staff, {
        actor: {
          kind: 'staff',
          id: person.id,
          email: person.email,
          name: 'Ann Jones',
          roles: ['advisor', 'dpo'],
          organisationId: councilId,
          organisationKind: 'council',
          councilId,
          ip: '192.0.2.99',
        },
        mustChangePassword: false,
        mustSetUpTwoFactor: false,
      });
    });

    it('is no one once the account is deactivated', async () => {
      const person = await aStaffMember(db, { roles: ['advisor'] });
      assert.ok(await auth.signedInStaff(person.id, null));
      await createOrganisationsService(db).setUserActive(systemActor('test'), person.id, false);
      assert.equal(await auth.signedInStaff(person.id, null), null);
    });

    it('must change a password an administrator gave them before anything else', async () => {
      const { id } = await createOrganisationsService(db).createUser(systemActor('test'), {
        name: 'New Starter',
        email: 'new.starter@test.example',
        organisationId: councilId,
        roles: ['advisor'],
        teams: [],
      });
      assert.equal((await auth.signedInStaff(id, null))?.mustChangePassword, true);
    });

    it('must set up a second factor when a role of theirs needs one, until they have', async () => {
      await setRoleMfaRequired(db, 'performance_analyst', true);
      const person = await aStaffMember(db, { roles: ['performance_analyst'] });
      const unaffected = await aStaffMember(db, { roles: ['advisor'] });
      assert.equal((await auth.signedInStaff(person.id, null))?.mustSetUpTwoFactor, true);
      assert.equal((await auth.signedInStaff(unaffected.id, null))?.mustSetUpTwoFactor, false);

      await withTwoFactor(person);
      assert.equal((await auth.signedInStaff(person.id, null))?.mustSetUpTwoFactor, false);
    });
  });
});
