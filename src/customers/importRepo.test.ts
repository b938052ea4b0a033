import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import { insertCustomerRecords } from './importRepo.ts';

describe('writing new customer records', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    await db
      .insertInto('properties')
      .values({
        uprn: 100071234567,
        council_id: councilId,
        address_line1: '1 Church Street',
        town: 'Oswestry',
        postcode: 'SY11 2AB',
      })
      .execute();
  });
  after(() => database.drop());

  it('writes people and organisations with their contact points, address and former names, returning ids in order', async () => {
    const ids = await insertCustomerRecords(db, councilId, [
      {
        kind: 'person',
        givenName: 'Siân',
        familyName: 'Hughes',
        dateOfBirth: '1968-03-14',
        preferredLanguage: 'cy',
        needs: ['large_print'],
        emails: ['sian@example.org', 'SIAN@example.org', 'hughes@example.org'],
        phones: [
          { number: '+447911123456', kind: 'mobile' },
          { number: '+441691123456', kind: 'landline' },
        ],
        address: { uprn: 100071234567, line1: '1 Church Street', town: 'Oswestry', postcode: 'SY11 2AB' },
        previousNames: [{ givenName: 'Siân', familyName: 'Evans' }],
      },
      { kind: 'organisation', organisationName: 'Oswestry Food Bank' },
      { kind: 'person', givenName: 'Tomasz', familyName: 'Nowak' },
    ]);
    assert.equal(ids.length, 3);

    const customers = await db.selectFrom('customers').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(customers.map((row) => [row.id, row]));
    assert.equal(byId.get(ids[0]!)?.family_name, 'Hughes');
    assert.equal(byId.get(ids[0]!)?.preferred_language, 'cy');
    assert.deepEqual(byId.get(ids[0]!)?.needs, ['large_print']);
    assert.equal(byId.get(ids[1]!)?.organisation_name, 'Oswestry Food Bank');
    assert.equal(byId.get(ids[2]!)?.given_name, 'Tomasz');
    assert.equal(byId.get(ids[2]!)?.preferred_language, 'en');

    const emails = await db
      .selectFrom('customer_emails')
      .select(['email', 'is_primary'])
      .where('customer_id', '=', ids[0]!)
      .orderBy('email')
      .execute();
    assert.deepEqual(emails, [
      { email: 'hughes@example.org', is_primary: false },
      { email: 'sian@example.org', is_primary: true },
    ]);
    const phones = await db
      .selectFrom('customer_phones')
      .select(['number', 'kind', 'is_primary'])
      .where('customer_id', '=', ids[0]!)
      .orderBy('number')
      .execute();
    assert.deepEqual(phones, [
      { number: '+441691123456', kind: 'landline', is_primary: false },
      { number: '+447911123456', kind: 'mobile', is_primary: true },
    ]);
    const address = await db
      .selectFrom('customer_addresses')
      .selectAll()
      .where('customer_id', '=', ids[0]!)
      .executeTakeFirstOrThrow();
    assert.equal(address.uprn, 100071234567);
    assert.equal(address.is_current, true);
    const previous = await db
      .selectFrom('customer_previous_names')
      .select('family_name')
      .where('customer_id', '=', ids[0]!)
      .execute();
    assert.deepEqual(previous, [{ family_name: 'Evans' }]);
  });

  it('writes nothing at all when any part of any record is refused', async () => {
    const before = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await assert.rejects(
      insertCustomerRecords(db, councilId, [
        { kind: 'person', givenName: 'Good', familyName: 'Row' },
        { kind: 'person', givenName: 'Bad', familyName: 'Phone', phones: [{ number: '0123', kind: 'other' }] },
      ]),
    );
    const afterwards = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterwards.n), Number(before.n));
  });

  it('writes nothing for no records', async () => {
    assert.deepEqual(await insertCustomerRecords(db, councilId, []), []);
  });
});
