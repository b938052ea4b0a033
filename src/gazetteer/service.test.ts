import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { addressesAt, upsertProperties } from './repo.ts';
import { createGazetteerService, type GazetteerService } from './service.ts';

describe('looking up addresses in the gazetteer', () => {
  let database: TestDatabase;
  let db: Db;
  let gazetteer: GazetteerService;
  let councilId: string;
  let otherCouncilId: string;
  let partnerId: string;

  function staff(roles: Role[], organisationId: string, councilOf = organisationId): StaffActor {
    return {
      kind: 'staff',
      id: '00000000-0000-4000-8000-000000000001',
      email: 'someone@test.example',
      name: 'Someone',
      roles,
      organisationId,
      organisationKind: organisationId === councilOf ? 'council' : 'partner',
      councilId: councilOf,
      ip: null,
    };
  }

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    gazetteer = createGazetteerService(db);
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    partnerId = await insertOrganisation(db, { code: 'police', name: 'Police', kind: 'partner', councilId });
    const at = (uprn: number, line1: string, line2: string | null = null) => ({
      uprn,
      line1,
      line2,
      town: 'Oswestry',
      postcode: 'SY11 2AB',
      latitude: 52.8565,
      longitude: -3.0574,
      ward: 'Oswestry East',
    });
    // Written out of order, as a gazetteer file would be.
    await upsertProperties(db, councilId, [
      at(1010, '10 Church Street'),
      at(1002, '2 Church Street'),
      at(1099, 'Rose Cottage', 'Church Street'),
      at(1012, '12A Church Street'),
      at(1001, '1 Church Street'),
      at(1011, '12 Church Street'),
      at(1020, 'Flat 10, Castle Court', '40 Church Street'),
      at(1021, 'Flat 2, Castle Court', '40 Church Street'),
      at(1098, 'Ivy House', 'Church Street'),
      { ...at(2000, '1 Castle Street'), postcode: 'SY11 1AB' },
    ]);
    await upsertProperties(db, otherCouncilId, [{ ...at(3000, '3 Church Street') }]);
  });
  after(() => database.drop());

  it('lists the addresses at a postcode however it is typed, by house number and then by name', async () => {
    const result = await gazetteer.addressesAt(staff(['advisor'], councilId), ' sy112ab ');
    assert.equal(result.postcode, 'SY11 2AB');
    assert.deepEqual(
      result.addresses.map((address) => address.line1),
      [
        '1 Church Street',
        '2 Church Street',
        'Flat 2, Castle Court',
        '10 Church Street',
        'Flat 10, Castle Court',
        '12 Church Street',
        '12A Church Street',
        'Ivy House',
        'Rose Cottage',
      ],
    );
    assert.deepEqual(result.addresses[0], {
      uprn: 1001,
      line1: '1 Church Street',
      line2: null,
      town: 'Oswestry',
      postcode: 'SY11 2AB',
      latitude: 52.8565,
      longitude: -3.0574,
      ward: 'Oswestry East',
      label: '1 Church Street, Oswestry, SY11 2AB',
    });
    assert.equal(result.addresses.at(-1)!.label, 'Rose Cottage, Church Street, Oswestry, SY11 2AB');
  });

  it('shows staff only their own council’s properties, for every role and for partner staff beside it', async () => {
    for (const role of ['advisor', 'officer', 'performance_analyst', 'dpo', 'admin'] as Role[]) {
      const result = await gazetteer.addressesAt(staff([role], councilId), 'SY11 2AB');
      assert.equal(result.addresses.length, 9, role);
    }
    const partner = await gazetteer.addressesAt(staff(['partner_worker'], partnerId, councilId), 'SY11 2AB');
    assert.equal(partner.addresses.length, 9);
    const other = await gazetteer.addressesAt(staff(['advisor'], otherCouncilId), 'SY11 2AB');
    assert.deepEqual(
      other.addresses.map((address) => address.uprn),
      [3000],
    );
    const everyone = await gazetteer.addressesAt(systemActor('test'), 'SY11 2AB');
    assert.equal(everyone.addresses.length, 10);
  });

  it('answers an empty list for a real postcode it has no property at', async () => {
    assert.deepEqual(await gazetteer.addressesAt(staff(['advisor'], councilId), 'SY1 1AA'), {
      postcode: 'SY1 1AA',
      addresses: [],
    });
  });

  it('refuses an empty postcode and one that is not a full UK postcode, with a message key for the field', async () => {
    for (const [value, key] of [
      ['', 'gazetteer.errors.postcodeMissing'],
      ['   ', 'gazetteer.errors.postcodeMissing'],
      ['SY11', 'gazetteer.errors.postcodeFormat'],
      ['Church Street', 'gazetteer.errors.postcodeFormat'],
    ] as const) {
      await assert.rejects(gazetteer.addressesAt(staff(['advisor'], councilId), value), (error) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(error.errors, [{ field: 'postcode', message: key }]);
        return true;
      });
    }
  });

  it('finds a property by UPRN within the council only', async () => {
    const advisor = staff(['advisor'], councilId);
    assert.equal((await gazetteer.property(advisor, 1099)).label, 'Rose Cottage, Church Street, Oswestry, SY11 2AB');
    assert.equal((await gazetteer.property(advisor, '1001')).line1, '1 Church Street');
    await assert.rejects(gazetteer.property(advisor, 3000), NotFound);
    await assert.rejects(gazetteer.property(advisor, 424242), NotFound);
    await assert.rejects(gazetteer.property(advisor, 'not-a-uprn'), NotFound);
  });

  it('finds a postcode’s addresses through the postcode index', async () => {
    // The query the repo really sends, captured, then explained. There are too few rows for the
    // planner to prefer an index by itself, so a sequential scan is made unattractive.
    const queries: { sql: string; parameters: readonly unknown[] }[] = [];
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        queries.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
    try {
      await addressesAt(logged, councilId, 'sy11 2ab');
      const client = await pool.connect();
      try {
        await client.query('set enable_seqscan = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(`explain ${queries[0]!.sql}`, [...queries[0]!.parameters]);
        assert.match(plan.rows.map((row) => row['QUERY PLAN']).join('\n'), /properties_postcode_idx/);
      } finally {
        client.release();
      }
    } finally {
      await logged.destroy();
    }
  });
});
