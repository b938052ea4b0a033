import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { systemActor, type ApiKeyActor, type StaffActor } from '../actor.ts';
import { changesBetween, recordAudit, searchAudit } from './audit.ts';

async function eventsWithAction(db: Db, action: string) {
  return await db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
}

describe('the audit trail', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
  });
  after(() => database.drop());

  it('records an event with the change it belongs to', async () => {
    await db.transaction().execute(async (trx) => {
      await recordAudit(trx, systemActor('test'), { action: 'test.committed', organisationId: null });
    });
    assert.equal((await eventsWithAction(db, 'test.committed')).length, 1);
  });

  it('leaves no event when the change it belongs to is rolled back', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await recordAudit(trx, systemActor('test'), { action: 'test.rolled_back', organisationId: null });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await eventsWithAction(db, 'test.rolled_back'), []);
  });

  it('records who acted and from where', async () => {
    const staff: StaffActor = {
      kind: 'staff',
      id: '00000000-0000-4000-8000-0000000000a1',
      email: 'officer@example.gov.uk',
      name: 'An Officer',
      roles: ['officer'],
      organisationId: '00000000-0000-4000-8000-0000000000c1',
      organisationKind: 'council',
      councilId: '00000000-0000-4000-8000-0000000000c1',
      ip: '192.0.2.10',
    };
    await recordAudit(db, staff, { action: 'test.by_staff', organisationId: null, recordType: 'thing', recordId: 'T-1' });
    await recordAudit(db, null, {
      action: 'test.anonymous',
      organisationId: null,
      subject: { id: staff.id, label: staff.email },
      ip: '198.51.100.7',
    });
    const [byStaff] = await eventsWithAction(db, 'test.by_staff');
    assert.equal(byStaff?.actor_type, 'staff');
    assert.equal(byStaff?.actor_id, staff.id);
    assert.equal(byStaff?.actor_label, 'officer@example.gov.uk');
    assert.equal(byStaff?.ip, '192.0.2.10');
    assert.equal(byStaff?.record_type, 'thing');
    assert.equal(byStaff?.record_id, 'T-1');
    const [anonymous] = await eventsWithAction(db, 'test.anonymous');
    assert.equal(anonymous?.actor_type, 'anonymous');
    assert.equal(anonymous?.actor_id, staff.id);
    assert.equal(anonymous?.ip, '198.51.100.7');
  });

  it('names a system calling the API by its key: the key’s id and name, and its address', async () => {
    const key: ApiKeyActor = {
      kind: 'api_key',
      id: '00000000-0000-4000-8000-0000000000b1',
      name: 'Housing system',
      organisationId: '00000000-0000-4000-8000-0000000000c1',
      organisationKind: 'council',
      councilId: '00000000-0000-4000-8000-0000000000c1',
      scopes: ['cases:write'],
      ip: '203.0.113.4',
    };
    await recordAudit(db, key, { action: 'test.by_api_key', organisationId: key.organisationId });
    const [event] = await eventsWithAction(db, 'test.by_api_key');
    assert.deepEqual(
      { type: event?.actor_type, id: event?.actor_id, label: event?.actor_label, ip: event?.ip },
      { type: 'api_key', id: key.id, label: 'Housing system', ip: '203.0.113.4' },
    );
  });

  it('cannot be changed or deleted, even by the application’s own connection', async () => {
    await recordAudit(db, systemActor('test'), { action: 'test.permanent', organisationId: null });
    await assert.rejects(
      sql`update audit_events set action = 'test.rewritten' where action = 'test.permanent'`.execute(db),
      /the audit trail is append-only/,
    );
    await assert.rejects(
      sql`delete from audit_events where action = 'test.permanent'`.execute(db),
      /the audit trail is append-only/,
    );
    assert.equal((await eventsWithAction(db, 'test.permanent')).length, 1);
  });

  it('has a partition for this month and for next month', async () => {
    const { rows } = await sql<{ name: string }>`
      select child.relname as name
      from pg_inherits
      join pg_class child on child.oid = pg_inherits.inhrelid
      where pg_inherits.inhparent = 'audit_events'::regclass
    `.execute(db);
    const { rows: expected } = await sql<{ thisMonth: string; nextMonth: string }>`
      select 'audit_events_' || to_char(current_date, 'YYYY_MM') as "thisMonth",
             'audit_events_' || to_char(current_date + interval '1 month', 'YYYY_MM') as "nextMonth"
    `.execute(db);
    const names = rows.map((row) => row.name);
    assert.ok(names.includes(expected[0]!.thisMonth), `no ${expected[0]!.thisMonth} among ${names.join(', ')}`);
    assert.ok(names.includes(expected[0]!.nextMonth), `no ${expected[0]!.nextMonth} among ${names.join(', ')}`);
  });
});

describe('the changes an audit event records', () => {
  it('lists only the fields that changed, from and to', () => {
    const before = { name: 'Ann Jones', email: 'ann@example.gov.uk', roles: ['advisor'], teams: ['t1'] };
    const after = { name: 'Ann Evans', email: 'ann@example.gov.uk', roles: ['advisor', 'officer'], teams: ['t1'] };
    assert.deepEqual(changesBetween(before, after, ['name', 'email', 'roles', 'teams']), {
      name: { from: 'Ann Jones', to: 'Ann Evans' },
      roles: { from: ['advisor'], to: ['advisor', 'officer'] },
    });
  });

  it('ignores fields that were not given and fields not asked about', () => {
    const changes = changesBetween<Record<string, unknown>>(
      { name: 'A', email: 'a@x.example' },
      { email: 'b@x.example', name: undefined },
      ['name'],
    );
    assert.deepEqual(changes, {});
  });

  it('records that a secret changed, never its value', () => {
    const changes = changesBetween<Record<string, unknown>>(
      { password: 'old secret', passwordHash: '$argon2id$old', mfaSecret: 'OLDKEY' },
      { password: 'new secret', passwordHash: '$argon2id$new', mfaSecret: 'NEWKEY' },
      ['password', 'passwordHash', 'mfaSecret'],
    );
    assert.deepEqual(changes, {
      password: { from: '[secret]', to: '[secret]' },
      passwordHash: { from: '[secret]', to: '[secret]' },
      mfaSecret: { from: '[secret]', to: '[secret]' },
    });
    assert.doesNotMatch(JSON.stringify(changes), /old|new|KEY/);
  });
});

describe('searching the audit trail', () => {
  let database: TestDatabase;
  let db: Db;
  let council: string;
  let police: string;
  let college: string;
  let otherCouncil: string;
  let paging: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    council = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    police = await insertOrganisation(db, { code: 'police', name: 'Police', kind: 'partner', councilId: council });
    college = await insertOrganisation(db, { code: 'college', name: 'College', kind: 'partner', councilId: council });
    otherCouncil = await insertOrganisation(db, {
      code: 'elsewhere',
      name: 'Elsewhere Council',
      kind: 'council',
      councilId: null,
    });
    paging = await insertOrganisation(db, { code: 'paging', name: 'Paging Council', kind: 'council', councilId: null });
    const actor = systemActor('test');
    for (const [action, organisationId] of [
      ['test.council', council],
      ['test.police', police],
      ['test.college', college],
      ['test.elsewhere', otherCouncil],
      ['test.unassigned', null],
    ] as const) {
      await recordAudit(db, actor, { action, organisationId });
    }
  });
  after(() => database.drop());

  const actionsSeenBy = async (scope: Parameters<typeof searchAudit>[1]) =>
    (await searchAudit(db, scope, {})).events.map((event) => event.action).sort();

  it('shows a council’s readers the council, its partner agencies and events tied to no organisation', async () => {
    assert.deepEqual(await actionsSeenBy({ councilId: council }), [
      'test.college',
      'test.council',
      'test.police',
      'test.unassigned',
    ]);
  });

  it('shows a partner agency’s readers their own agency only', async () => {
    assert.deepEqual(await actionsSeenBy({ organisationIds: [police] }), ['test.police']);
  });

  it('shows nothing to a scope with no organisations', async () => {
    assert.deepEqual(await actionsSeenBy({ organisationIds: [] }), []);
  });

  it('pages through many events newest first without repeating or skipping any', async () => {
    const actor = systemActor('test');
    // Half in one transaction (so they share a timestamp), half one by one.
    await db.transaction().execute(async (trx) => {
      for (let n = 0; n < 60; n++)
        await recordAudit(trx, actor, { action: 'test.page', organisationId: paging, recordId: `same-${n}` });
    });
    for (let n = 0; n < 60; n++)
      await recordAudit(db, actor, { action: 'test.page', organisationId: paging, recordId: `own-${n}` });

    const seen: number[] = [];
    const pageSizes: number[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await searchAudit(db, { organisationIds: [paging] }, {}, before, 50);
      pageSizes.push(result.events.length);
      seen.push(...result.events.map((event) => event.id));
      if (!result.next) break;
      before = result.next;
    }
    assert.deepEqual(pageSizes, [50, 50, 20]);
    assert.equal(new Set(seen).size, 120, 'no event is shown twice');
    const stored = await db.selectFrom('audit_events').select('id').where('organisation_id', '=', paging).execute();
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      stored.map((row) => row.id).sort((a, b) => a - b),
    );
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
      'newest (highest id) first',
    );
  });
});
