import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { importCsv, ImportFileError, type ImportDefinition } from './csv.ts';
import { importCustomers } from './customers.ts';
import { importGazetteer } from './gazetteer.ts';

const HEADER = 'uprn,address_line1,address_line2,town,postcode,lat,long,ward';

describe('importing CSV files', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let otherCouncilId: string;
  let directory: string;
  let files = 0;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-import-test-'));
  });
  after(async () => {
    await database.drop();
    fs.rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sql`truncate customer_addresses, customer_phones, customer_emails, customer_previous_names, customers, properties cascade`.execute(
      db,
    );
  });

  function aFile(text: string): string {
    const file = path.join(directory, `import-${++files}.csv`);
    fs.writeFileSync(file, text);
    return file;
  }

  async function uprns(): Promise<number[]> {
    return (await db.selectFrom('properties').select('uprn').orderBy('uprn').execute()).map((row) => row.uprn);
  }

  it('counts lines as a person does, across quoted line breaks (Unix or Windows), blank lines and a BOM', async () => {
    for (const newline of ['\n', '\r\n']) {
      const file = aFile(
        '\ufeff' +
          [
            HEADER, // line 1
            '1,"Rose Cottage', // lines 2-3: a line break inside quotes
            'Back Lane",,Oswestry,SY11 2AB,,,',
            '', // line 4: blank
            'x,2 Church Street,,Oswestry,SY11 2AB,,,', // line 5: bad
            '3,"Flat 1',
            '',
            'Castle Court",,Oswestry,SY11 2AB,,,', // lines 6-8
            '4,4 Church Street,,,SY11 2AB,,,', // line 9: bad
            '5,5 Church Street,,Oswestry,SY11 2AB,,,', // line 10
          ].join(newline) +
          newline,
      );
      const result = await importGazetteer(db, { file, councilId });
      assert.deepEqual(result, {
        imported: 3,
        rejected: [
          { line: 5, reason: "UPRN 'x' is not a number of 1 to 12 digits" },
          { line: 9, reason: 'town is missing' },
        ],
      });
    }
    const cottage = await db.selectFrom('properties').select('address_line1').where('uprn', '=', 1).executeTakeFirstOrThrow();
    assert.equal(cottage.address_line1, 'Rose Cottage, Back Lane');
  });

  it('reports rows with the wrong number of values, and UPRNs repeated in the file', async () => {
    const file = aFile(
      [
        HEADER,
        '1,1 Church Street,,Oswestry,SY11 2AB,,,',
        '2,2 Church Street,Oswestry,SY11 2AB',
        '1,1 Church St,,Oswestry,SY11 2AB,,,',
      ].join('\n'),
    );
    const result = await importGazetteer(db, { file, councilId });
    assert.deepEqual(result.rejected, [
      { line: 3, reason: 'has 4 values but the header row has 8 columns' },
      { line: 4, reason: 'UPRN 1 appears again (first on line 2)' },
    ]);
    assert.deepEqual(await uprns(), [1]);
  });

  it('takes the columns in any order and leaves optional ones out', async () => {
    const file = aFile('Postcode,Town,UPRN,Address_Line1\nsy11 2ab,Oswestry,7,7 Church Street\n');
    assert.deepEqual(await importGazetteer(db, { file, councilId }), { imported: 1, rejected: [] });
    const property = await db.selectFrom('properties').selectAll().where('uprn', '=', 7).executeTakeFirstOrThrow();
    assert.equal(property.postcode, 'SY11 2AB');
    assert.equal(property.latitude, null);
  });

  it('refuses a file whose header row names unknown columns or lacks required ones, naming them', async () => {
    await assert.rejects(
      importGazetteer(db, { file: aFile('uprn,address,town,postcode\n1,x,y,SY11 2AB\n'), councilId }),
      (error) => {
        assert.ok(error instanceof ImportFileError);
        assert.match(error.message, /unknown column "address"/);
        assert.match(error.message, /missing required column address_line1\b/);
        return true;
      },
    );
    await assert.rejects(
      importCustomers(db, { file: aFile('given_name\nSiân\n'), councilId }),
      /missing required column family_name/,
    );
    await assert.rejects(importGazetteer(db, { file: aFile(''), councilId }), /is empty: it needs a header row/);
    await assert.rejects(
      importGazetteer(db, { file: path.join(directory, 'absent.csv'), councilId }),
      /cannot read .*absent\.csv: there is no such file/,
    );
    assert.deepEqual(await uprns(), []);
  });

  it('imports the rows before a broken quote and reports where the file stops making sense', async () => {
    const file = aFile(
      [
        HEADER,
        '1,1 Church Street,,Oswestry,SY11 2AB,,,',
        '2,"2 Church Street,,Oswestry,SY11 2AB,,,',
        '3,3 Church Street,,Oswestry,SY11 2AB,,,',
      ].join('\n'),
    );
    const result = await importGazetteer(db, { file, councilId });
    assert.equal(result.imported, 1);
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0]!.line, 3);
    assert.match(result.rejected[0]!.reason, /is not valid CSV \(a quote is opened and never closed\)/);
    assert.deepEqual(await uprns(), [1]);
  });

  it('updates a property already known, and leaves another council’s UPRN alone', async () => {
    await importGazetteer(db, { file: aFile(`${HEADER}\n1,1 Church St,,Oswestry,SY11 2AB,,,\n`), councilId: otherCouncilId });
    await importGazetteer(db, { file: aFile(`${HEADER}\n2,2 Church St,,Oswestry,SY11 2AB,,,\n`), councilId });
    const result = await importGazetteer(db, {
      file: aFile(
        `${HEADER}\n1,One Church Street,,Oswestry,SY11 2AB,,,\n2,Two Church Street,,Oswestry,SY11 2AB,52.85,-3.05,Oswestry East\n`,
      ),
      councilId,
    });
    assert.deepEqual(result, { imported: 1, rejected: [{ line: 2, reason: "UPRN 1 belongs to another council's gazetteer" }] });
    const rows = await db
      .selectFrom('properties')
      .select(['uprn', 'council_id', 'address_line1', 'ward'])
      .orderBy('uprn')
      .execute();
    assert.deepEqual(rows, [
      { uprn: 1, council_id: otherCouncilId, address_line1: '1 Church St', ward: null },
      { uprn: 2, council_id: councilId, address_line1: 'Two Church Street', ward: 'Oswestry East' },
    ]);
  });

  it('writes each batch in one transaction with its audit record', async () => {
    const before = await db.selectFrom('audit_events').select('id').where('action', '=', 'import.gazetteer').execute();
    const lines = [HEADER];
    for (let uprn = 1; uprn <= 5; uprn++) lines.push(`${uprn},${uprn} Mill Lane,,Ellesmere,SY12 0AA,,,`);
    lines.push('bad,6 Mill Lane,,Ellesmere,SY12 0AA,,,');
    const file = aFile(lines.join('\n'));
    assert.equal((await importCsvBatches(file, 2)).imported, 5);
    const audits = await db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_label', 'organisation_id', 'details'])
      .where('action', '=', 'import.gazetteer')
      .where('id', 'not in', before.length > 0 ? before.map((row) => row.id) : [0])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audits.map((audit) => audit.details),
      [
        { file: path.basename(file), batch: 1, imported: 2, rejected: 0 },
        { file: path.basename(file), batch: 2, imported: 2, rejected: 0 },
        { file: path.basename(file), batch: 3, imported: 1, rejected: 1 },
      ],
    );
    assert.ok(
      audits.every(
        (audit) => audit.actor_type === 'system' && audit.actor_label === 'cli' && audit.organisation_id === councilId,
      ),
    );

    async function importCsvBatches(csv: string, batchSize: number) {
      return await importGazetteer(db, { file: csv, councilId, batchSize });
    }
  });

  it('retries a batch the database refuses row by row, so only the rows at fault are rejected', async () => {
    // A definition that checks nothing, so the database's own rules are what refuse a row.
    const lax: ImportDefinition<{ uprn: number; town: string }> = {
      action: 'import.test',
      columns: ['uprn', 'town'],
      required: ['uprn', 'town'],
      check: (values) => ({ value: { uprn: Number(values.uprn), town: values.town ?? '' } }),
      async write(trx, council, rows) {
        await trx
          .insertInto('properties')
          .values(
            rows.map((row) => ({
              uprn: row.uprn,
              council_id: council,
              address_line1: 'x',
              town: row.town,
              postcode: 'SY11 2AB',
            })),
          )
          .execute();
      },
    };
    const result = await importCsv(db, lax, { file: aFile('uprn,town\n1,Oswestry\n2,\n3,Oswestry\n'), councilId });
    assert.deepEqual(result, {
      imported: 2,
      rejected: [{ line: 3, reason: 'could not be saved: a value breaks the rule properties_town_check' }],
    });
    assert.deepEqual(await uprns(), [1, 3]);
  });

  it('imports customers with their contact points, finding the address of a UPRN given alone', async () => {
    await importGazetteer(db, { file: aFile(`${HEADER}\n100,12 Church Street,,Oswestry,SY11 2AB,,,\n`), councilId });
    await importGazetteer(db, {
      file: aFile(`${HEADER}\n200,1 County Road,,Shrewsbury,SY1 1AA,,,\n`),
      councilId: otherCouncilId,
    });
    const file = aFile(
      [
        'given_name,family_name,email,phone,address_line1,town,postcode,uprn,date_of_birth,preferred_language',
        'Siân,Hughes,sian@example.org,07912 123456,,,,100,14/03/1968,cy',
        'Tomasz,Nowak,,01691 612345,3 Oak Road,Ellesmere,sy12 0aa,,,',
        'Grace,Okafor,,,,,,200,,',
        'Bad,Phone,bad@example.org,0123,,,,,,',
      ].join('\n'),
    );
    const result = await importCustomers(db, { file, councilId });
    assert.deepEqual(result, {
      imported: 2,
      rejected: [
        { line: 4, reason: "UPRN 200 is not in the council's gazetteer" },
        { line: 5, reason: "phone '0123' is not a UK phone number" },
      ],
    });
    const customers = await db
      .selectFrom('customers')
      .leftJoin('customer_addresses', 'customer_addresses.customer_id', 'customers.id')
      .leftJoin('customer_phones', 'customer_phones.customer_id', 'customers.id')
      .select([
        'given_name',
        'date_of_birth',
        'preferred_language',
        'customer_addresses.uprn',
        'address_line1',
        'postcode',
        'number',
        'customer_phones.kind',
      ])
      .orderBy('given_name')
      .execute();
    assert.deepEqual(customers, [
      {
        given_name: 'Siân',
        date_of_birth: '1968-03-14',
        preferred_language: 'cy',
        uprn: 100,
        address_line1: '12 Church Street',
        postcode: 'SY11 2AB',
        number: '+447912123456',
        kind: 'mobile',
      },
      {
        given_name: 'Tomasz',
        date_of_birth: null,
        preferred_language: 'en',
        uprn: null,
        address_line1: '3 Oak Road',
        postcode: 'SY12 0AA',
        number: '+441691612345',
        kind: 'landline',
      },
    ]);
    const rejected = await db.selectFrom('customers').select('id').where('family_name', 'in', ['Okafor', 'Phone']).execute();
    assert.deepEqual(rejected, [], 'a rejected row leaves no customer behind');
  });
});
