// The data generator (bench/generate.ts): its COPY lines, and a small council it loads that the
// app's own services can read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { copyInto, copyLine } from '../bench/copy.ts';
import { generateCouncil, type GeneratedCouncil, type GenerateOptions } from '../bench/generate.ts';
import { createCustomersService } from '../src/customers/service.ts';
import { createAuthService } from '../src/platform/auth/service.ts';
import { computedIndicators } from '../src/performance/service.ts';
import { aStaffMember } from './support/builders.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';

describe('copyLine', () => {
  it('separates columns with tabs, ends the row with a newline and writes null as \\N', () => {
    assert.equal(copyLine(['a', null, undefined, 'b']), 'a\t\\N\t\\N\tb\n');
  });

  it('escapes backslashes, tabs, newlines and carriage returns inside a value', () => {
    assert.equal(
      copyLine(['C:\\temp', 'one\ttwo', 'line\nbreak', 'cr\rlf\r\n']),
      'C:\\\\temp\tone\\ttwo\tline\\nbreak\tcr\\rlf\\r\\n\n',
    );
    assert.equal(copyLine(['\\N']), '\\\\N\n', 'the text \\N is not a null');
  });

  it('writes booleans as t and f, numbers as they are and times in ISO 8601 UTC', () => {
    assert.equal(copyLine([true, false, 0, 12.5, new Date('2026-03-01T09:30:00Z')]), 't\tf\t0\t12.5\t2026-03-01T09:30:00.000Z\n');
  });
});

describe('the data generator', () => {
  const size: GenerateOptions = {
    customers: 200,
    years: 1,
    contacts: 1_000,
    cases: 100,
    complaints: 20,
    seed: 7,
    until: new Date('2026-11-30T00:00:00Z'),
  };
  let database: TestDatabase;
  let generated: GeneratedCouncil;
  const count = async (query: string) => {
    const { rows } = await sql<{ n: number }>`${sql.raw(query)}`.execute(database.db);
    return Number(rows[0]!.n);
  };

  before(async () => {
    database = await freshDatabase();
    generated = await generateCouncil(database.url, size);
  });
  after(() => database.drop());

  it('round-trips awkward text through a real COPY', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('create temporary table awkward (a text, b text, c boolean)');
      const texts = ['tab\there', 'two\nlines', 'back\\slash \\N', 'cr\r', 'Siân’s "quote"'];
      await copyInto(client, 'awkward', ['a', 'b', 'c'], [...texts.map((text) => copyLine([text, null, true]))]);
      const { rows } = await client.query<{ a: string; b: null; c: boolean }>('select a, b, c from awkward');
      assert.deepEqual(
        rows.map((row) => row.a),
        texts,
      );
      assert.ok(rows.every((row) => row.b === null && row.c === true));
    } finally {
      await client.end();
    }
  });

  it('loads the sizes asked for, every record on an existing customer', async () => {
    assert.equal(await count('select count(*) as n from customers'), 200);
    assert.equal(await count('select count(*) as n from contacts'), 1_000);
    assert.equal(await count('select count(*) as n from cases'), 100);
    assert.equal(await count('select count(*) as n from complaints'), 20);
    for (const table of ['contacts', 'cases', 'complaints'])
      assert.equal(
        await count(
          `select count(*) as n from ${table} t where not exists (select 1 from customers c where c.id = t.customer_id)`,
        ),
        0,
        `${table} without a customer`,
      );
    assert.ok(await count('select count(*) as n from customer_addresses where is_current'), 'addresses');
    assert.ok(await count('select count(*) as n from customer_name_words'), 'the name words');
    assert.equal(
      generated.steps.find((step) => step.name === 'case_events')?.rows,
      await count('select count(*) as n from case_events'),
    );
  });

  it('gives every case a timeline that starts with its receipt and ends in its current status', async () => {
    assert.equal(
      await count(`select count(*) as n from cases c where (select kind from case_events e where e.case_id = c.id order by occurred_at, id limit 1)
        is distinct from 'received'`),
      0,
      'cases whose first event is not their receipt',
    );
    assert.equal(
      await count(`select count(*) as n from (select occurred_at, lag(occurred_at) over (partition by case_id order by id) as before
        from case_events) e where e.before > e.occurred_at`),
      0,
      'events out of order',
    );
    assert.equal(
      await count(`select count(*) as n from cases c where c.status is distinct from (select status_to from case_events e
        where e.case_id = c.id and status_to is not null order by occurred_at desc, id desc limit 1)`),
      0,
      'cases whose status is not where their timeline left them',
    );
    assert.ok((await count(`select count(*) as n from cases where status = 'closed'`)) > 50, 'most closed');
    assert.ok(
      (await count(`select count(*) as n from cases where status in ('submitted', 'in_progress', 'awaiting_customer')`)) > 0,
      'a backlog',
    );
    assert.equal(
      await count(`select count(*) as n from complaints where kind = 'complaint' and not exists
      (select 1 from complaint_stages s where s.complaint_id = complaints.id and s.stage = 1)`),
      0,
      'complaints without stage 1',
    );
  });

  it('is read by the app: the single view and search find a generated customer, and the indicators compute', async () => {
    const { id } = await aStaffMember(database.db, { roles: ['advisor'] });
    const staff = await createAuthService(database.db).signedInStaff(id, '192.0.2.1');
    assert.ok(staff);
    const customers = createCustomersService(database.db);
    const customer = await database.db
      .selectFrom('customers')
      .innerJoin('customer_emails', 'customer_emails.customer_id', 'customers.id')
      .select(['customers.id', 'customer_emails.email'])
      .orderBy('customers.id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const view = await customers.view(staff.actor, customer.id);
    assert.ok('customer' in view);
    const found = await customers.search(staff.actor, customer.email);
    assert.ok(found.hits.some((hit) => hit.id === customer.id));

    const year = { from: '2025-11-30', to: '2026-11-30' };
    const indicators = await computedIndicators(database.db, generated.councilId, year, size.until!);
    const firstContact = indicators.find((indicator) => indicator.code === 'first_contact_resolution')!.value!;
    assert.ok(firstContact > 60 && firstContact < 90, `first contact resolution ${firstContact}%`);
    assert.ok(indicators.find((indicator) => indicator.code === 'cases_within_sla')!.value! > 50);
  });

  it('leaves every index, foreign key and trigger (beside the partitions) as the migrations made them', async () => {
    const untouched = await freshDatabase();
    try {
      const schema = async (db: TestDatabase['db']) =>
        (
          await sql<{ item: string }>`
            select 'index ' || indexrelid::regclass::text || ' ' || pg_get_indexdef(indexrelid) as item from pg_index
            where indrelid in (select oid from pg_class where relnamespace = 'public'::regnamespace and not relispartition)
            union all select 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
            from pg_constraint where connamespace = 'public'::regnamespace
              and conrelid not in (select oid from pg_class where relispartition)
            union all select 'trigger ' || tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text from pg_trigger
            where not tgisinternal and tgrelid not in (select oid from pg_class where relispartition)
            order by 1`.execute(db)
        ).rows.map((row) => row.item);
      assert.deepEqual(await schema(database.db), await schema(untouched.db));
    } finally {
      await untouched.drop();
    }
  });

  it('makes the same council again from the same seed', async () => {
    const again = await freshDatabase();
    try {
      await generateCouncil(again.url, { ...size, baseline: false });
      const fingerprint = async (db: TestDatabase['db']) =>
        (
          await sql<{ f: string }>`select md5(
            (select string_agg(concat_ws(',', id, customer_id, channel, outcome, started_at), ';' order by id) from contacts) ||
            (select string_agg(concat_ws(',', reference, status, received_at, resolved_at), ';' order by reference) from cases) ||
            (select string_agg(concat_ws(',', reference, status, stage, closed_at), ';' order by reference) from complaints)) as f`.execute(
            db,
          )
        ).rows[0]!.f;
      assert.equal(await fingerprint(again.db), await fingerprint(database.db));
    } finally {
      await again.drop();
    }
  });
});
