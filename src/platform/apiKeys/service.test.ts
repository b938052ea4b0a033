import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aPartnerAgency, aStaffMember } from '../../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { systemActor, type ApiKeyActor, type StaffActor } from '../actor.ts';
import { createAuthService } from '../auth/service.ts';
import { Invalid, NotAllowed, NotFound } from '../errors.ts';
import { SCOPES } from './scopes.ts';
import { createApiKeysService, hashSecret, parseKey, scopesFrom, type ApiKeysService } from './service.ts';

const system = systemActor('test');

describe('API keys', () => {
  let database: TestDatabase;
  let db: Db;
  let apiKeys: ApiKeysService;
  let councilId: string;
  let policeId: string;
  let otherCouncilId: string;
  let councilAdmin: StaffActor;
  let policeAdmin: StaffActor;
  let advisor: StaffActor;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    apiKeys = createApiKeysService(db);
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    policeId = await aPartnerAgency(db, 'police', 'Borough Police');
    councilAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'] })).id);
    policeAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'], organisation: 'police' })).id);
    advisor = await actorFor((await aStaffMember(db, { roles: ['advisor'] })).id);
  });
  after(() => database.drop());

  async function actorFor(userId: string): Promise<StaffActor> {
    const staff = await createAuthService(db).signedInStaff(userId, '192.0.2.1');
    assert.ok(staff);
    return staff.actor;
  }

  const row = async (id: string) => await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditFor = async (id: string) =>
    await db.selectFrom('audit_events').selectAll().where('record_id', '=', id).orderBy('id').execute();

  describe('making a key', () => {
    it('returns the whole key once, and keeps only the SHA-256 of its secret', async () => {
      const created = await apiKeys.create(councilAdmin, {
        organisationId: councilId,
        name: '  Housing system ',
        scopes: ['cases:write', 'customers:read', 'cases:write'],
      });
      assert.match(created.key, /^odk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
      const parts = parseKey(created.key)!;
      assert.equal(parts.prefix, created.prefix);
      assert.equal(Buffer.from(parts.secret, 'base64url').length, 32, '256 random bits');
      assert.equal(created.name, 'Housing system');
      assert.deepEqual(created.scopes, ['customers:read', 'cases:write'], 'each once, in the order of SCOPES');

      const stored = await row(created.id);
      assert.equal(stored.secret_hash, crypto.createHash('sha256').update(parts.secret).digest('hex'));
      assert.equal(stored.created_by, councilAdmin.id);
      const everything = JSON.stringify(await sql`select * from api_keys`.execute(db));
      assert.ok(!everything.includes(parts.secret), 'the secret is stored nowhere');
    });

    it('records who made it in the audit trail, in the same transaction, without the secret', async () => {
      const created = await apiKeys.create(councilAdmin, { organisationId: councilId, name: 'CRM', scopes: ['customers:read'] });
      const [event] = await auditFor(created.id);
      assert.equal(event?.action, 'api_key.create');
      assert.equal(event?.actor_label, councilAdmin.email);
      assert.equal(event?.organisation_id, councilId);
      assert.deepEqual(event?.details, { prefix: created.prefix });
      assert.ok(!JSON.stringify(event).includes(parseKey(created.key)!.secret));
    });

    it('makes keys whose secrets and prefixes differ every time', async () => {
      const keys = await Promise.all(
        Array.from({ length: 5 }, () =>
          apiKeys.create(system, { organisationId: councilId, name: 'Batch', scopes: ['services:read'] }),
        ),
      );
      assert.equal(new Set(keys.map((key) => key.key)).size, 5);
      assert.equal(new Set(keys.map((key) => key.prefix)).size, 5);
    });

    it('refuses a key without a name, with an unknown scope or with none', async () => {
      const attempt = (name: string, scopes: string[]) => apiKeys.create(system, { organisationId: councilId, name, scopes });
      await assert.rejects(attempt('  ', ['customers:read']), (error: unknown) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(error.errors, [{ field: 'name', message: 'apiKeys.errors.nameMissing' }]);
        return true;
      });
      await assert.rejects(attempt('x'.repeat(101), ['customers:read']), Invalid);
      await assert.rejects(attempt('CRM', ['customers:read', 'customers:delete']), (error: unknown) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(error.errors, [{ field: 'scopes', message: 'apiKeys.errors.scopeUnknown' }]);
        return true;
      });
      await assert.rejects(attempt('CRM', []), Invalid);
    });

    it('lets a council’s administrators make keys for the council and its partner agencies only', async () => {
      const forPolice = await apiKeys.create(councilAdmin, { organisationId: policeId, name: 'Police', scopes: ['cases:read'] });
      assert.ok(forPolice.id);
      await assert.rejects(
        apiKeys.create(councilAdmin, { organisationId: otherCouncilId, name: 'X', scopes: ['cases:read'] }),
        NotAllowed,
      );
      await assert.rejects(
        apiKeys.create(policeAdmin, { organisationId: councilId, name: 'X', scopes: ['cases:read'] }),
        NotAllowed,
      );
      await assert.rejects(apiKeys.create(advisor, { organisationId: councilId, name: 'X', scopes: ['cases:read'] }), NotAllowed);
      await assert.rejects(
        apiKeys.create(system, { organisationId: crypto.randomUUID(), name: 'X', scopes: ['cases:read'] }),
        NotFound,
      );
    });

    it('does not let a key make keys', async () => {
      const created = await apiKeys.create(system, { organisationId: councilId, name: 'Everything', scopes: [...SCOPES] });
      const key = (await apiKeys.verify(created.key))!;
      await assert.rejects(apiKeys.create(key, { organisationId: councilId, name: 'Y', scopes: ['cases:read'] }), NotAllowed);
      await assert.rejects(apiKeys.revoke(key, created.id), NotFound);
    });
  });

  describe('checking a presented key', () => {
    it('knows a key: its organisation, council, scopes and the address it came from', async () => {
      const created = await apiKeys.create(system, { organisationId: policeId, name: 'Police', scopes: ['cases:read'] });
      const key = await apiKeys.verify(created.key, '203.0.113.9');
      assert.deepEqual(key, {
        kind: 'api_key',
        id: created.id,
        name: 'Police',
        organisationId: policeId,
        organisationKind: 'partner',
        councilId,
        scopes: ['cases:read'],
        ip: '203.0.113.9',
      } satisfies ApiKeyActor);
    });

    it('refuses a wrong secret, a changed prefix, and things that are not keys', async () => {
      const created = await apiKeys.create(system, { organisationId: councilId, name: 'CRM', scopes: ['cases:read'] });
      const { prefix, secret } = parseKey(created.key)!;
      const otherSecret = crypto.randomBytes(32).toString('base64url');
      const otherPrefix = prefix === 'aaaaaaaa' ? 'bbbbbbbb' : 'aaaaaaaa';
      for (const token of [
        `odk_${prefix}_${otherSecret}`,
        `odk_${otherPrefix}_${secret}`,
        `${created.key}x`,
        created.key.slice(0, -1),
        created.key.toUpperCase(),
        '',
        'odk__',
      ]) {
        assert.equal(await apiKeys.verify(token), undefined, token);
      }
    });

    it('refuses a revoked key, and records the revocation once', async () => {
      const created = await apiKeys.create(system, { organisationId: councilId, name: 'Leaked', scopes: ['cases:read'] });
      assert.ok(await apiKeys.verify(created.key));
      assert.equal(await apiKeys.revoke(councilAdmin, created.id), true);
      assert.equal(await apiKeys.verify(created.key), undefined);
      assert.equal(await apiKeys.revoke(councilAdmin, created.id), false, 'already revoked');
      const events = await auditFor(created.id);
      assert.deepEqual(
        events.map((event) => [event.action, event.actor_label]),
        [
          ['api_key.create', 'test'],
          ['api_key.revoke', councilAdmin.email],
        ],
      );
      assert.ok((await row(created.id)).revoked_at);
    });

    it('refuses the keys of an organisation that has been closed', async () => {
      const agency = await aPartnerAgency(db, 'closed-agency', 'Closed Agency');
      const created = await apiKeys.create(system, { organisationId: agency, name: 'Agency', scopes: ['cases:read'] });
      assert.ok(await apiKeys.verify(created.key));
      await db.updateTable('organisations').set({ active: false }).where('id', '=', agency).execute();
      assert.equal(await apiKeys.verify(created.key), undefined);
      await assert.rejects(apiKeys.create(system, { organisationId: agency, name: 'Another', scopes: ['cases:read'] }), Invalid);
    });

    it('notes when a key was used, at most once a minute', async () => {
      const created = await apiKeys.create(system, { organisationId: councilId, name: 'Busy', scopes: ['cases:read'] });
      assert.equal((await row(created.id)).last_used_at, null);
      await apiKeys.verify(created.key);
      const first = (await row(created.id)).last_used_at;
      assert.ok(first);
      await apiKeys.verify(created.key);
      assert.deepEqual((await row(created.id)).last_used_at, first, 'not written again within the minute');
      await sql`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${created.id}`.execute(db);
      await apiKeys.verify(created.key);
      const { rows } = await sql<{ recent: boolean }>`
        select last_used_at > now() - interval '1 minute' as recent from api_keys where id = ${created.id}
      `.execute(db);
      assert.deepEqual(rows, [{ recent: true }], 'written again after a minute');
    });

    it('describes a key to its holder', async () => {
      const created = await apiKeys.create(system, { organisationId: councilId, name: 'Self', scopes: ['performance:read'] });
      const key = (await apiKeys.verify(created.key))!;
      const described = await apiKeys.describe(key);
      assert.equal(described.name, 'Self');
      assert.deepEqual(described.organisation, { id: councilId, code: 'borough', name: 'Borough Council' });
      assert.deepEqual(described.scopes, ['performance:read']);
      assert.ok(described.lastUsedAt instanceof Date);
    });
  });

  describe('listing keys', () => {
    it('shows administrators the keys of the organisations they run, never the secrets', async () => {
      const councilKey = await apiKeys.create(system, {
        organisationId: councilId,
        name: 'Listed council',
        scopes: ['cases:read'],
      });
      const policeKey = await apiKeys.create(system, { organisationId: policeId, name: 'Listed police', scopes: ['cases:read'] });
      const otherKey = await apiKeys.create(system, {
        organisationId: otherCouncilId,
        name: 'Elsewhere',
        scopes: ['cases:read'],
      });

      const councilList = (await apiKeys.list(councilAdmin)).map((key) => key.id);
      assert.ok(councilList.includes(councilKey.id) && councilList.includes(policeKey.id));
      assert.ok(!councilList.includes(otherKey.id));
      const policeList = (await apiKeys.list(policeAdmin)).map((key) => key.id);
      assert.ok(policeList.includes(policeKey.id) && !policeList.includes(councilKey.id));
      assert.deepEqual(await apiKeys.list(advisor), []);
      assert.ok(!JSON.stringify(await apiKeys.list(councilAdmin)).includes('secret'));

      await assert.rejects(
        apiKeys.get(policeAdmin, councilKey.id),
        NotFound,
        'another organisation’s key does not exist for them',
      );
      await assert.rejects(apiKeys.revoke(policeAdmin, councilKey.id), NotFound);
    });
  });
});

describe('API key helpers', () => {
  it('hashes a secret with SHA-256 in hex', () => {
    assert.equal(hashSecret('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads scopes as written, reporting the unknown ones', () => {
    assert.deepEqual(scopesFrom([' cases:write', 'customers:read', '']), {
      scopes: ['customers:read', 'cases:write'],
      unknown: [],
    });
    assert.deepEqual(scopesFrom(['cases:write', 'cases:delete']), { scopes: ['cases:write'], unknown: ['cases:delete'] });
  });
});
