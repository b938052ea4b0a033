// The customer search and the single view at council scale: N synthetic customers (bench/people.ts)
// are loaded into a throwaway PostgreSQL, then the one-box search and the single view are timed a
// query at a time, each against the bare SQL of the index it stands on, measured in the same run.
//
// Loading: each batch of generated people goes in as one `INSERT ... SELECT FROM unnest($1, $2, ...)`
// per table (set-based, arrays as parameters), with no extra package; secondary indexes are built
// once at the end, and the name-word trigger (twice per row) is off, the dictionary filled in one statement.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { parsePhone } from '../src/customers/contactPoints.ts';
import { searchCustomerIds } from '../src/customers/search.ts';
import { parseSearchQuery } from '../src/customers/searchQuery.ts';
import { createCustomersService } from '../src/customers/service.ts';
import { systemActor } from '../src/platform/actor.ts';
import { percentiles, type Percentiles } from './load.ts';
import {
  CUSTOMER_TABLES,
  dropSecondaryIndexes,
  fillNameWords,
  insertCouncil,
  pauseNameWords,
  rebuildIndexes,
  refuseLoadedDatabase,
  useBulkLoadSettings,
} from './loading.ts';
import { createPeopleGenerator, pick, prng, PHONE_RANGES, type Person, type PeopleGenerator } from './people.ts';
import type { BenchResult } from './results.ts';

export interface CustomersBenchOptions {
  customers: number;
  /** Search queries measured (after a warm-up), spread evenly over the kinds. */
  queries: number;
  /** Single-view page loads measured. */
  viewIterations: number;
}

const SEED = 20_240_601;
const BATCH = 20_000;
const SEARCH_LIMIT = 20;
const SEARCH_TARGET_MS = 25;
const VIEW_TARGET_MS = 50;
const TIMELINE_CONTACTS = 1_800;
const TIMELINE_NOTES = 200;

const KINDS = [
  "typo'd full name",
  'family name',
  'phone number',
  'postcode',
  'email',
  'name + postcode',
  'address fragment',
] as const;
type QueryKind = (typeof KINDS)[number];

interface BenchQuery {
  kind: QueryKind;
  text: string;
  /** The customer the query was made from, when the search should put them in its first page. */
  expect?: string;
  baseline: { sql: string; params: unknown[] };
}

export async function benchCustomers(options: CustomersBenchOptions): Promise<BenchResult[]> {
  const { url, stop } = await openDatabase();
  const { db } = createDb(url, 4);
  try {
    await migrateToLatest(db);
    const councilId = await createCouncil(db);
    const people = createPeopleGenerator(SEED);
    checkPhoneRanges();

    const size = `${options.customers.toLocaleString('en-GB')} customers`;
    const load = await loadCustomers(url, councilId, people, options.customers);
    const search = await benchSearch(db, url, councilId, people, options);
    const view = await benchSingleView(db, url, councilId, people, options);

    printSearchTable(search.rows, search.found);
    const rate = load.customers / load.seconds;
    return [
      {
        name: `customers load (${load.rows.toLocaleString('en-GB')} rows in 5 tables, then name words)`,
        size,
        value: Number(load.seconds.toFixed(1)),
        unit: 's',
        baseline: 'none',
        baselineValue: null,
        ratio: null,
      },
      {
        name: `customers load rate (VACUUM ANALYZE after: ${load.vacuumSeconds.toFixed(1)} s)`,
        size,
        value: Math.round(rate),
        unit: 'customers/s',
        baseline: 'none',
        baselineValue: null,
        ratio: null,
      },
      ...search.rows.flatMap((row) =>
        (['p50', 'p95'] as const).map((percentile) =>
          timing(
            `search ${percentile}: ${row.kind}`,
            `${size}, ${row.count} queries`,
            row.oneDoor[percentile],
            `bare SQL on the index it uses, ${percentile}`,
            row.baseline[percentile],
          ),
        ),
      ),
      timing(
        `search p99: overall (target p95 <= ${SEARCH_TARGET_MS} ms)`,
        `${size}, ${search.rows.at(-1)!.count} queries`,
        search.rows.at(-1)!.oneDoor.p99,
        'bare SQL on the index it uses, p99',
        search.rows.at(-1)!.baseline.p99,
      ),
      ...(['p50', 'p95'] as const).map((percentile) =>
        timing(
          `single view ${percentile}: view() + timeline() first page (target p95 <= ${VIEW_TARGET_MS} ms)`,
          `${TIMELINE_CONTACTS + TIMELINE_NOTES} timeline entries, ${options.viewIterations} loads`,
          view.oneDoor[percentile],
          `bare latest-25-contacts query, ${percentile}`,
          view.baseline[percentile],
        ),
      ),
    ];
  } finally {
    await db.destroy();
    await stop();
  }
}

function timing(name: string, size: string, value: number, baseline: string, baselineValue: number): BenchResult {
  return {
    name,
    size,
    value: Number(value.toFixed(2)),
    unit: 'ms',
    baseline,
    baselineValue: Number(baselineValue.toFixed(2)),
    ratio: Number((value / baselineValue).toFixed(2)),
  };
}

/** BENCH_DATABASE_URL (an empty throwaway database), else an embedded PostgreSQL in a temporary DATA_DIR. */
export async function openDatabase(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: async () => undefined };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bench-customers-'));
  let postgres: EmbeddedPostgres;
  try {
    postgres = await startEmbeddedPostgres(dataDir, () => undefined);
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: postgres.url,
    stop: async () => {
      await postgres.stop();
      // BENCH_KEEP_DATA=1 keeps the loaded database, to look at query plans afterwards.
      if (process.env.BENCH_KEEP_DATA) console.log(`  kept the benchmark database in DATA_DIR=${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createCouncil(db: Db): Promise<string> {
  await refuseLoadedDatabase(db, 'The benchmark database already has customers: give BENCH_DATABASE_URL an empty database');
  return await db
    .transaction()
    .execute((trx) =>
      insertCouncil(trx, { code: 'bench-council', name: 'Benchmark District Council', nameCy: 'Cyngor Dosbarth Meincnodi' }),
    );
}

/** The generator writes E.164 numbers without libphonenumber (too slow for millions): check its ranges are valid. */
function checkPhoneRanges(): void {
  const random = prng(SEED);
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
  for (let i = 0; i < 500; i++) {
    const number =
      i % 2 === 0
        ? `${pick(random, PHONE_RANGES.mobilePrefixes)}${digits(8)}`
        : `${pick(random, PHONE_RANGES.areaCodes)}${2 + Math.floor(random() * 7)}${digits(5)}`;
    if (!parsePhone(number)) throw new Error(`The generator made an invalid UK phone number: ${number}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

async function loadCustomers(url: string, councilId: string, people: PeopleGenerator, count: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await useBulkLoadSettings(client);
    const began = performance.now();
    const indexes = await dropSecondaryIndexes(client, CUSTOMER_TABLES);
    await pauseNameWords(client);

    let rows = 0;
    let pending: Promise<unknown> = Promise.resolve();
    let reported = 0;
    for (let start = 0; start < count; start += BATCH) {
      const batch: Person[] = [];
      for (let index = start; index < Math.min(start + BATCH, count); index++) batch.push(people.person(index));
      // The next batch is generated while the database writes this one.
      await pending;
      pending = insertBatch(client, councilId, batch).then((written) => (rows += written));
      if (start - reported >= 100_000) {
        reported = start;
        const seconds = (performance.now() - began) / 1000;
        console.log(`  loaded ${start.toLocaleString('en-GB')} customers in ${seconds.toFixed(0)} s`);
      }
    }
    await pending;
    const inserted = (performance.now() - began) / 1000;
    await rebuildIndexes(client, indexes);
    const indexed = (performance.now() - began) / 1000;
    await fillNameWords(client);
    const seconds = (performance.now() - began) / 1000;
    // What autovacuum would do soon after: statistics for the planner, and a visibility map.
    const vacuumBegan = performance.now();
    await client.query(`vacuum (analyze) ${[...CUSTOMER_TABLES, 'customer_name_words'].join(', ')}`);
    const vacuumSeconds = (performance.now() - vacuumBegan) / 1000;
    const words = await client.query<{ count: string }>('select count(*) from customer_name_words');
    console.log(
      `  loaded ${count.toLocaleString('en-GB')} customers (${rows.toLocaleString('en-GB')} rows) in ${seconds.toFixed(1)} s` +
        ` (${Math.round(count / seconds).toLocaleString('en-GB')} customers/s): inserts ${inserted.toFixed(1)} s,` +
        ` ${indexes.length} indexes ${(indexed - inserted).toFixed(1)} s, ${words.rows[0]!.count} name words` +
        ` ${(seconds - indexed).toFixed(1)} s; vacuum analyze ${vacuumSeconds.toFixed(1)} s`,
    );
    return { customers: count, rows, seconds, vacuumSeconds };
  } finally {
    await client.end();
  }
}

async function insertBatch(client: pg.Client, councilId: string, batch: Person[]): Promise<number> {
  const column = <T>(select: (person: Person) => T) => batch.map(select);
  await client.query(
    `insert into customers (id, council_id, kind, title, given_name, family_name, organisation_name, date_of_birth, preferred_language)
     select id, $1, kind, title, given, family, organisation, born, language
     from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[], $9::text[])
       as t(id, kind, title, given, family, organisation, born, language)`,
    [
      councilId,
      column((p) => p.id),
      column((p) => p.kind),
      column((p) => p.title),
      column((p) => p.givenName),
      column((p) => p.familyName),
      column((p) => p.organisationName),
      column((p) => p.dateOfBirth),
      column((p) => p.preferredLanguage),
    ],
  );
  const phones = batch.flatMap((p) => p.phones.map((phone, position) => ({ id: p.id, phone, primary: position === 0 })));
  await client.query(
    `insert into customer_phones (customer_id, number, kind, is_primary)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[])`,
    [
      phones.map((row) => row.id),
      phones.map((row) => row.phone.number),
      phones.map((row) => row.phone.kind),
      phones.map((row) => row.primary),
    ],
  );
  const withEmail = batch.filter((p) => p.email !== null);
  await client.query(
    `insert into customer_emails (customer_id, email, is_primary) select id, email, true from unnest($1::uuid[], $2::text[]) as t(id, email)`,
    [withEmail.map((p) => p.id), withEmail.map((p) => p.email)],
  );
  await client.query(
    `insert into customer_addresses (customer_id, address_line1, town, postcode)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
    [column((p) => p.id), column((p) => p.address.line1), column((p) => p.address.town), column((p) => p.address.postcode)],
  );
  const previous = batch.flatMap((p) => p.previousNames.map((name) => ({ id: p.id, ...name })));
  await client.query(
    `insert into customer_previous_names (customer_id, given_name, family_name)
     select * from unnest($1::uuid[], $2::text[], $3::text[])`,
    [previous.map((row) => row.id), previous.map((row) => row.givenName), previous.map((row) => row.familyName)],
  );
  return batch.length + phones.length + withEmail.length + batch.length + previous.length;
}

// ---------------------------------------------------------------------------------------------
// Search

function makeQueries(people: PeopleGenerator, count: number, customers: number, seed: number): BenchQuery[] {
  const random = prng(seed);
  const queries: BenchQuery[] = [];
  const similarWords = (word: string) => ({
    sql: 'select word from customer_name_words order by word <-> $1 limit 12',
    params: [word],
  });
  const postcodeLookup = (postcode: string) => ({
    sql: 'select customer_id from customer_addresses where postcode_key(postcode) = $1',
    params: [postcode.replace(/\s/g, '').toUpperCase()],
  });
  while (queries.length < count) {
    const kind = KINDS[queries.length % KINDS.length]!;
    let person: Person;
    do person = people.person(Math.floor(random() * customers));
    while (person.kind !== 'person' || (kind === 'email' && !person.email));
    const given = person.givenName!;
    const family = person.familyName!;
    const postcode = random() < 0.5 ? person.address.postcode : person.address.postcode.replace(' ', '');
    const cased = (text: string) => (random() < 0.5 ? text.toLowerCase() : text);
    switch (kind) {
      case "typo'd full name": {
        const typoInFamily = random() < 0.6 || given.length < 4;
        const typo = misspell(random, typoInFamily ? family : given);
        const text = typoInFamily ? `${given} ${typo}` : `${typo} ${family}`;
        queries.push({ kind, text: cased(text), expect: person.id, baseline: similarWords(typo.toLowerCase()) });
        break;
      }
      case 'family name':
        queries.push({ kind, text: cased(family), baseline: similarWords(family.toLowerCase()) });
        break;
      case 'phone number': {
        const phone = pick(random, person.phones);
        queries.push({
          kind,
          text: phoneFormat(random, phone.national),
          expect: person.id,
          baseline: { sql: 'select customer_id from customer_phones where number = $1', params: [phone.number] },
        });
        break;
      }
      case 'postcode':
        queries.push({ kind, text: cased(postcode), baseline: postcodeLookup(postcode) });
        break;
      case 'email':
        queries.push({
          kind,
          text: random() < 0.8 ? person.email! : person.email!.toUpperCase(),
          expect: person.id,
          baseline: { sql: 'select customer_id from customer_emails where email = $1', params: [person.email] },
        });
        break;
      case 'name + postcode':
        queries.push({
          kind,
          text: cased(`${given} ${family} ${postcode}`),
          expect: person.id,
          baseline: postcodeLookup(postcode),
        });
        break;
      case 'address fragment': {
        const text = person.address.line1.toLowerCase();
        queries.push({
          kind,
          text,
          baseline: {
            sql: 'select customer_id from customer_addresses where lower(address_line1) like $1 limit 100',
            params: [`${text}%`],
          },
        });
        break;
      }
    }
  }
  return queries;
}

/** One character changed, dropped, or swapped with the next: the typos advisors make. */
function misspell(random: () => number, word: string): string {
  for (;;) {
    const at = 1 + Math.floor(random() * (word.length - 1));
    const edit = Math.floor(random() * 3);
    const letter = 'abcdefghijklmnoprstuwy'[Math.floor(random() * 22)]!;
    const typo =
      edit === 0
        ? word.slice(0, at) + letter + word.slice(at + 1)
        : edit === 1
          ? word.slice(0, at) + word.slice(at + 1)
          : at < word.length - 1
            ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2)
            : word.slice(0, at - 1) + word[at] + word[at - 1];
    if (typo.toLowerCase() !== word.toLowerCase()) return typo;
  }
}

/** The ways a caller reads out a number: 01691 234567, 01691234567, +44 1691 234567, (01691) 234567, 0044 ... */
function phoneFormat(random: () => number, national: string): string {
  // Mobile (07xxx) and the border's area codes (01691) are both five digits and six.
  const [code, rest] = [national.slice(0, 5), national.slice(5)];
  return pick(random, [
    `${code} ${rest}`,
    national,
    `+44 ${code.slice(1)} ${rest}`,
    `+44${national.slice(1)}`,
    `(${code}) ${rest}`,
    `0044 ${code.slice(1)} ${rest}`,
    `${code}-${rest}`,
  ]);
}

interface SearchRow {
  kind: QueryKind | 'overall';
  count: number;
  oneDoor: Percentiles;
  baseline: Percentiles;
}

async function benchSearch(db: Db, url: string, councilId: string, people: PeopleGenerator, options: CustomersBenchOptions) {
  const baseline = new pg.Client({ connectionString: url });
  await baseline.connect();
  try {
    const scope = { councilId };
    const run = async (query: BenchQuery) => {
      const began = performance.now();
      const hits = await searchCustomerIds(db, scope, parseSearchQuery(query.text), SEARCH_LIMIT);
      const oneDoor = performance.now() - began;
      const bareBegan = performance.now();
      await baseline.query(query.baseline.sql, query.baseline.params);
      const bare = performance.now() - bareBegan;
      return { oneDoor, bare, found: query.expect ? hits.some((hit) => hit.id === query.expect) : undefined };
    };

    for (const query of makeQueries(people, Math.max(70, Math.round(options.queries / 5)), options.customers, SEED + 1))
      await run(query);

    const measured: { kind: QueryKind; oneDoor: number; bare: number; found?: boolean }[] = [];
    for (const query of makeQueries(people, options.queries, options.customers, SEED + 2)) {
      const { oneDoor, bare, found } = await run(query);
      measured.push({ kind: query.kind, oneDoor, bare, ...(found === undefined ? {} : { found }) });
    }
    const rows: SearchRow[] = [...KINDS, 'overall' as const].map((kind) => {
      const of = measured.filter((entry) => kind === 'overall' || entry.kind === kind);
      return {
        kind,
        count: of.length,
        oneDoor: percentiles(of.map((entry) => entry.oneDoor)),
        baseline: percentiles(of.map((entry) => entry.bare)),
      };
    });
    const found = new Map<string, string>();
    for (const kind of KINDS) {
      const checked = measured.filter((entry) => entry.kind === kind && entry.found !== undefined);
      if (checked.length > 0)
        found.set(kind, `${Math.round((100 * checked.filter((entry) => entry.found).length) / checked.length)}%`);
    }
    return { rows, found };
  } finally {
    await baseline.end();
  }
}

function printSearchTable(rows: SearchRow[], found: Map<string, string>): void {
  const format = (value: number) => value.toFixed(2).padStart(7);
  console.log('\nCustomer search, ms (OneDoor searchCustomerIds / bare SQL on the index it uses)');
  console.log(`${'kind'.padEnd(18)}  queries  ${'p50'.padStart(17)}  ${'p95'.padStart(17)}  ${'p99'.padStart(17)}  found`);
  for (const row of rows) {
    const cells = (['p50', 'p95', 'p99'] as const).map(
      (percentile) => `${format(row.oneDoor[percentile])} / ${format(row.baseline[percentile])}`,
    );
    console.log(`${row.kind.padEnd(18)}  ${String(row.count).padStart(7)}  ${cells.join('  ')}  ${found.get(row.kind) ?? '–'}`);
  }
  console.log('');
}

// ---------------------------------------------------------------------------------------------
// Single view

async function benchSingleView(db: Db, url: string, councilId: string, people: PeopleGenerator, options: CustomersBenchOptions) {
  const random = prng(SEED + 3);
  let person: Person;
  do person = people.person(Math.floor(random() * options.customers));
  while (person.kind !== 'person');
  const id = person.id;

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`select ensure_monthly_partitions('contacts', (now() - interval '2 years')::date, 26)`);
    // Other customers' contacts, so that the index is not this customer's alone: one for every fifth customer.
    await client.query('select setseed(0.42)');
    await client.query(
      `insert into contacts (council_id, customer_id, channel, outcome, started_at, ended_at)
       select $1, id, (array['phone','face_to_face','web','email'])[1 + floor(random() * 4)::int],
         (array['resolved_first_contact','case_raised','transferred','signposted'])[1 + floor(random() * 4)::int], at, at + interval '6 minutes'
       from (select id, now() - random() * interval '729 days' as at from customers where random() < 0.2) picked`,
      [councilId],
    );
    await client.query(
      `insert into contacts (council_id, customer_id, channel, outcome, service_code, reason, notes, started_at, ended_at)
       select $1, $2, (array['phone','face_to_face','web','email','letter'])[1 + g % 5],
         (array['resolved_first_contact','case_raised','transferred','signposted'])[1 + g % 4], 'LGSL-' || (g % 120),
         'Missed bin collection', 'Called about the bin again; explained the new collection day.', at, at + interval '8 minutes'
       from (select g, now() - (g * interval '729 days' / $3) as at from generate_series(1, $3::int) g) entries`,
      [councilId, id, TIMELINE_CONTACTS],
    );
    await client.query(
      `insert into customer_notes (customer_id, body, created_at)
       select $1, 'Prefers a call back in the afternoon; hard of hearing.', now() - (g * interval '729 days' / $2) - interval '1 hour'
       from generate_series(1, $2::int) g`,
      [id, TIMELINE_NOTES],
    );
    await client.query(
      `insert into customer_flags (customer_id, reason, review_on) values ($1, 'bereavement', current_date + 90)`,
      [id],
    );
    await client.query('vacuum (analyze) contacts, customer_notes, customer_flags');

    const service = createCustomersService(db);
    const actor = systemActor('bench');
    const loadPage = async () => {
      const began = performance.now();
      const view = await service.view(actor, id);
      const timeline = await service.timeline(actor, id);
      const oneDoor = performance.now() - began;
      if (!('customer' in view) || timeline.entries.length !== 25 || !timeline.next)
        throw new Error('The single view did not show the customer and a full first page of their timeline');
      const bareBegan = performance.now();
      await client.query(
        `select id, started_at, channel, outcome, notes, service_code, avoidable_reason
         from contacts where customer_id = $1 order by started_at desc limit 25`,
        [id],
      );
      return { oneDoor, bare: performance.now() - bareBegan };
    };
    for (let i = 0; i < 20; i++) await loadPage();
    const measured = [];
    for (let i = 0; i < options.viewIterations; i++) measured.push(await loadPage());
    return {
      oneDoor: percentiles(measured.map((entry) => entry.oneDoor)),
      baseline: percentiles(measured.map((entry) => entry.bare)),
    };
  } finally {
    await client.end();
  }
}
