// `onedoor import gazetteer|customers FILE.csv` from outside: the real command as a child
// process against a database of its own, on small CSV files written for each case.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { insertOrganisation, insertTeam } from '../../src/organisations/repo.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { cleanUp, linesOf, newDataDir, runOneDoor } from './support.ts';

const SLOW = { timeout: 300_000 };

describe('onedoor import', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let directory: string;
  let councilId: string;
  before(async () => {
    database = await freshDatabase();
    councilId = await insertOrganisation(database.db, {
      code: 'severn-marches',
      name: 'Severn Marches District Council',
      kind: 'council',
      councilId: null,
    });
    directory = newDataDir('import');
    env = { DATABASE_URL: database.url, DATA_DIR: directory };
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  function aFile(name: string, lines: string[]): string {
    const file = path.join(directory, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  it('imports a gazetteer, reporting each rejected row by its line, and exits 1', SLOW, async () => {
    const file = aFile('gazetteer.csv', [
      'uprn,address_line1,address_line2,town,postcode,lat,long,ward',
      '10001,1 Church Street,,Oswestry,SY11 2AB,52.8565,-3.0574,Oswestry East',
      '10002,"The Old Rectory', // a value over two lines: lines 3 and 4
      'Church Lane",,Oswestry,sy112ab,,,',
      '10003,3 Church Street,,Oswestry,SY11 2XX9,,,',
      '10004,4 Church Street,,,SY11 2AB,95,-3.05,',
      '10005,5 Church Street,,Oswestry,SY11 2AB,,,Oswestry East',
    ]);
    const outcome = await runOneDoor(['import', 'gazetteer', file], { env });
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), [
      'Imported 3 rows; rejected 2:',
      "line 5: postcode 'SY11 2XX9' is not a UK postcode",
      "line 6: town is missing; latitude '95' is not between -90 and 90",
    ]);
    const rows = await database.db
      .selectFrom('properties')
      .select(['uprn', 'address_line1', 'postcode'])
      .orderBy('uprn')
      .execute();
    assert.deepEqual(rows, [
      { uprn: 10001, address_line1: '1 Church Street', postcode: 'SY11 2AB' },
      { uprn: 10002, address_line1: 'The Old Rectory, Church Lane', postcode: 'SY11 2AB' },
      { uprn: 10005, address_line1: '5 Church Street', postcode: 'SY11 2AB' },
    ]);
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'organisation_id', 'details'])
      .where('action', '=', 'import.gazetteer')
      .execute();
    assert.deepEqual(audit, [
      { actor_label: 'cli', organisation_id: councilId, details: { file: 'gazetteer.csv', batch: 1, imported: 3, rejected: 2 } },
    ]);
  });

  it('imports customers whole or not at all: a row with a bad phone leaves no customer behind', SLOW, async () => {
    const file = aFile('customers.csv', [
      'given_name,family_name,email,phone,address_line1,town,postcode,uprn,date_of_birth,preferred_language',
      'Siân,Hughes,sian.hughes@example.org,07912 123456,,,,10001,14/03/1968,cy',
      'Tomasz,Nowak,,01691 612345,3 Oak Road,Ellesmere,SY12 0AA,,1979-11-02,pl',
      'Dafydd,Evans,dafydd@example.org,0123,,,,,,', // line 4
      'Grace,Okafor,grace@,,,,,,,', // line 5
      'Mark,Williams,,,,,,99999,,', // line 6: not a property
      'Aisha,Khan,,,1 High Street,,SY11 1AB,,2090-01-01,', // line 7
    ]);
    const outcome = await runOneDoor(['import', 'customers', file], { env });
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), [
      'Imported 2 rows; rejected 4:',
      "line 4: phone '0123' is not a UK phone number",
      "line 5: email 'grace@' is not an email address",
      "line 6: UPRN 99999 is not in the council's gazetteer",
      "line 7: the address has no town: an address needs address line 1, town and postcode; date of birth '2090-01-01' is in the future",
    ]);
    const customers = await database.db
      .selectFrom('customers')
      .select(['given_name', 'family_name'])
      .orderBy('given_name')
      .execute();
    assert.deepEqual(customers, [
      { given_name: 'Siân', family_name: 'Hughes' },
      { given_name: 'Tomasz', family_name: 'Nowak' },
    ]);
    const contactPoints = await database.db
      .selectFrom('customer_emails')
      .select('email')
      .union(database.db.selectFrom('customer_phones').select('number as email'))
      .execute();
    assert.deepEqual(contactPoints.map((row) => row.email).sort(), ['+441691612345', '+447912123456', 'sian.hughes@example.org']);
    const address = await database.db
      .selectFrom('customer_addresses')
      .select(['uprn', 'address_line1'])
      .where('uprn', '=', 10001)
      .execute();
    assert.deepEqual(address, [{ uprn: 10001, address_line1: '1 Church Street' }], 'a UPRN alone brings its address');
  });

  it('exits 0 with a one-line summary when every row is imported', SLOW, async () => {
    const file = aFile('clean.csv', ['family_name,given_name', 'Jones,Megan', 'Jones,Rhys']);
    const outcome = await runOneDoor(['import', 'customers', file], { env });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), ['Imported 2 rows.']);
  });

  it('refuses, with exit 2 and nothing imported, a wrong header and a missing file', SLOW, async () => {
    const before = await database.db.selectFrom('customers').select('id').execute();
    // Refusals change nothing, so the four run side by side.
    const [header, missing, services, usage] = await Promise.all([
      runOneDoor(['import', 'customers', aFile('header.csv', ['first_name,family_name', 'Megan,Jones'])], { env }),
      runOneDoor(['import', 'gazetteer', path.join(directory, 'absent.csv')], { env }),
      runOneDoor(['import', 'services', aFile('services.csv', ['code,name'])], { env }),
      runOneDoor(['import'], { env }),
    ]);
    assert.equal(header.code, 2);
    assert.match(
      header.stderr,
      /^onedoor: the header row \(line 1\) has unknown column "first_name"; missing required column given_name/,
    );

    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^onedoor: cannot read .*absent\.csv: there is no such file/);

    assert.equal(services.code, 2);
    assert.match(services.stderr, /^onedoor: the header row \(line 1\) has missing required columns team, sla_working_days/);

    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: onedoor import <gazetteer\|customers\|services> FILE\.csv/);

    assert.equal((await database.db.selectFrom('customers').select('id').execute()).length, before.length);
  });

  it('imports a service catalogue, reporting each rejected row by its line, and exits 1', SLOW, async () => {
    const policeId = await insertOrganisation(database.db, {
      code: 'marches-police',
      name: 'West Marches Police',
      kind: 'partner',
      councilId,
    });
    await insertTeam(database.db, { organisationId: councilId, code: 'waste', name: 'Waste and Recycling' });
    await insertTeam(database.db, { organisationId: policeId, code: 'neighbourhood', name: 'Neighbourhood Policing' });
    const file = aFile('services.csv', [
      'code,name,lgsl,description,team,public,first_contact_resolvable,sla_working_days,default_priority',
      'fly-tipping,Report fly-tipping,587,"Rubbish dumped on land',
      'or a road",waste,yes,no,5,high',
      'bulky-waste,Book a bulky waste collection,528,,waste,,,10,',
      'Bad Code,Something,,,waste,yes,no,10,',
      'abandoned-vehicles,Report an abandoned vehicle,372,,marches-police/neighbourhood,no,no,400,soon',
      'graffiti,Report graffiti,584,,parks,yes,no,10,',
      'fly-tipping,Report fly-tipping again,,,waste,yes,no,5,',
    ]);
    const outcome = await runOneDoor(['import', 'services', file], { env });
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), [
      'Imported 2 rows; rejected 4:',
      "line 5: code 'Bad Code': The code must be 2 to 60 lower-case letters, numbers and hyphens, starting with a letter or number",
      "line 6: sla_working_days '400': The target must be a whole number of working days from 1 to 365; default_priority 'soon': Choose a priority",
      "line 7: team 'parks' is not one of the council's teams",
      "line 8: the code 'fly-tipping' appears again (first on line 2)",
    ]);
    const rows = await database.db
      .selectFrom('services')
      .innerJoin('teams', 'teams.id', 'services.team_id')
      .select([
        'services.code',
        'services.description',
        'services.lgsl',
        'teams.code as team',
        'services.public',
        'services.sla_working_days',
        'services.default_priority',
      ])
      .orderBy('services.code')
      .execute();
    assert.deepEqual(rows, [
      {
        code: 'bulky-waste',
        description: '',
        lgsl: 528,
        team: 'waste',
        public: true,
        sla_working_days: 10,
        default_priority: 'normal',
      },
      {
        code: 'fly-tipping',
        description: 'Rubbish dumped on land, or a road',
        lgsl: 587,
        team: 'waste',
        public: true,
        sla_working_days: 5,
        default_priority: 'high',
      },
    ]);
    const again = await runOneDoor(
      ['import', 'services', aFile('again.csv', ['code,name,team,sla_working_days', 'bulky-waste,Bulky,waste,5'])],
      { env },
    );
    assert.equal(again.code, 1);
    assert.deepEqual(linesOf(again.stdout), [
      'Imported 0 rows; rejected 1:',
      "line 2: a service with the code 'bulky-waste' already exists",
    ]);
    const audit = await database.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'import.services')
      .execute();
    assert.ok(audit.length >= 1);
  });

  it('lists the import command in the help', SLOW, async () => {
    const outcome = await runOneDoor(['--help']);
    assert.match(outcome.stdout, /^ +import <gazetteer\|customers\|services> FILE\.csv/m);
  });
});
