import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil } from '../organisations/repo.ts';
import { createPerformanceService } from '../performance/service.ts';
import { ROLES, systemActor } from '../platform/actor.ts';
import { londonDate } from '../services/calendar.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { passwordProblem } from '../platform/passwords.ts';
import { hasReferencePostcodes, POSTCODES_FILE, referenceDataDir } from './gazetteer.ts';
import { DEMO_ARTICLES } from './knowledge.ts';

// The reference postcodes are read where they lie (../shared/data), never copied into the repository.
const withReferenceData = { skip: hasReferencePostcodes() ? false : 'the reference postcodes are not on this machine' };
const hasReports = fs.existsSync(path.join(referenceDataDir(), FIXMYSTREET_FILE));
import { DEMO_COUNCIL_CODE, DEMO_CREDENTIALS_FILE, seedDemo } from './seedDemo.ts';
import { FIXMYSTREET_FILE } from './services.ts';

/** The demo accounts written to the credentials file: email, role and password. */
function readCredentials(file: string): { role: string; email: string; password: string }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, email, password]) => email?.includes('@') && password)
    .map(([role, email, password]) => ({ role: role!, email: email!, password: password! }));
}

describe('the demo council', () => {
  let database: TestDatabase;
  let db: Db;
  let dataDir: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-demo-test-'));
  });
  after(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Everything the demo creates, counted. */
  async function inventory() {
    const { rows } = await sql<{
      organisations: number;
      teams: number;
      sites: number;
      users: number;
      members: number;
      properties: number;
      customers: number;
      contacts: number;
      cases: number;
      caseEvents: number;
    }>`
      select (select count(*)::int from organisations) as organisations,
             (select count(*)::int from teams) as teams,
             (select count(*)::int from sites) as sites,
             (select count(*)::int from staff_users) as users,
             (select count(*)::int from team_members) as members,
             (select count(*)::int from properties) as properties,
             (select count(*)::int from customers) as customers,
             (select count(*)::int from contacts) as contacts,
             (select count(*)::int from cases) as cases,
             (select count(*)::int from case_events) as "caseEvents",
             (select count(*)::int from complaints) as complaints,
             (select count(*)::int from complaint_events) as "complaintEvents"
    `.execute(db);
    return rows[0]!;
  }

  it('seeds the council with its teams, partner agencies, one-stop shops and bus, and an account per role but admin', async () => {
    const outcome = await seedDemo(db, dataDir);
    assert.equal(outcome.councilCreated, true);
    assert.ok(outcome.addressesCreated > (hasReferencePostcodes() ? 18_000 : 100));
    assert.equal(outcome.customersCreated, 2_000);
    assert.ok(outcome.contactsCreated > 3_000);
    assert.equal(outcome.usersCreated, ROLES.length - 1);
    assert.equal(outcome.casesCreated, hasReports ? 3_796 : 20);
    assert.ok(outcome.caseEventsCreated > outcome.casesCreated * 3, `${outcome.caseEventsCreated} case events`);
    assert.equal(outcome.complaintsCreated, 49);
    assert.equal(outcome.credentialsFile, path.join(dataDir, DEMO_CREDENTIALS_FILE));

    const council = await db
      .selectFrom('organisations')
      .selectAll()
      .where('code', '=', DEMO_COUNCIL_CODE)
      .executeTakeFirstOrThrow();
    assert.equal(council.kind, 'council');
    assert.ok(council.name_cy, 'the council has a Welsh name');
    const councilTeams = await db.selectFrom('teams').select('code').where('organisation_id', '=', council.id).execute();
    assert.equal(councilTeams.length, 9);

    const partners = await db.selectFrom('organisations').select(['id', 'kind']).where('council_id', '=', council.id).execute();
    assert.equal(partners.length, 4);
    assert.ok(partners.every((partner) => partner.kind === 'partner'));

    const sites = await db.selectFrom('sites').select('kind').where('organisation_id', '=', council.id).execute();
    assert.deepEqual(sites.map((site) => site.kind).sort(), ['mobile_bus', 'one_stop_shop', 'one_stop_shop']);

    const users = await db.selectFrom('staff_users').select('roles').execute();
    const roles = users.flatMap((user) => user.roles).sort();
    assert.deepEqual(roles, ROLES.filter((role) => role !== 'admin').sort());
  });

  it('builds a gazetteer of about 20,000 addresses on real SY postcodes', withReferenceData, async () => {
    const council = await db
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', DEMO_COUNCIL_CODE)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ properties: number; postcodes: number; wards: number; towns: string[] }>`
      select count(*)::int as properties, count(distinct postcode)::int as postcodes, count(distinct ward)::int as wards,
             array_agg(distinct town order by town) as towns
      from properties where council_id = ${council.id}
    `.execute(db);
    const summary = rows[0]!;
    assert.ok(summary.properties >= 18_000 && summary.properties <= 21_000, `${summary.properties} addresses`);
    assert.ok(summary.postcodes > 1_000, `${summary.postcodes} postcodes`);
    assert.ok(summary.wards >= 12, `${summary.wards} wards`);
    assert.ok(summary.towns.includes('Oswestry') && summary.towns.includes('Ellesmere'), summary.towns.join(', '));

    const real = new Set(
      fs
        .readFileSync(path.join(referenceDataDir(), POSTCODES_FILE), 'utf8')
        .split('\n')
        .map((line) => line.split(',')[0]!.replace(/\s/g, '')),
    );
    const postcodes = await db
      .selectFrom('properties')
      .select(sql<string>`postcode_key(postcode)`.as('key'))
      .distinct()
      .execute();
    assert.deepEqual(
      postcodes.filter((postcode) => !real.has(postcode.key)),
      [],
      'every postcode is a real one',
    );
  });

  it('adds about 2,000 customers at gazetteer addresses, with six months of contacts in a realistic mix', async () => {
    const { rows } = await sql<{
      customers: number;
      at_gazetteer: number;
      welsh: number;
      with_needs: number;
      former_names: number;
      flags: number;
      consents: number;
      with_two_phones: number;
    }>`
      select count(*)::int as customers,
             (select count(distinct customer_id)::int from customer_addresses a join properties p using (uprn)) as at_gazetteer,
             count(*) filter (where preferred_language = 'cy')::int as welsh,
             count(*) filter (where cardinality(needs) > 0)::int as with_needs,
             (select count(*)::int from customer_previous_names) as former_names,
             (select count(*)::int from customer_flags where review_on is not null) as flags,
             (select count(*)::int from customer_consents c join organisations o on o.id = c.organisation_id and o.kind = 'partner') as consents,
             (select count(*)::int from (select customer_id from customer_phones group by 1 having count(*) > 1) t) as with_two_phones
      from customers
    `.execute(db);
    const customers = rows[0]!;
    assert.equal(customers.customers, 2_000);
    assert.equal(customers.at_gazetteer, 2_000, 'everyone lives at a gazetteer address');
    for (const [what, low, high] of [
      ['welsh', 100, 300],
      ['with_needs', 120, 300],
      ['former_names', 50, 400],
      ['flags', 10, 80],
      ['consents', 20, 120],
      ['with_two_phones', 100, 600],
    ] as const) {
      assert.ok(customers[what] >= low && customers[what] <= high, `${what}: ${customers[what]}`);
    }

    const contacts = (
      await sql<{
        all: number;
        anonymous: number;
        resolved: number;
        avoidable: number;
        oldest_days: number;
        channels: number;
        sites: number;
        recorded: number;
      }>`
        select count(*)::int as all,
               count(*) filter (where customer_id is null)::int as anonymous,
               count(*) filter (where outcome = 'resolved_first_contact')::int as resolved,
               count(*) filter (where avoidable_reason is not null)::int as avoidable,
               extract(day from now() - min(started_at))::int as oldest_days,
               count(distinct channel)::int as channels,
               count(distinct site_id)::int as sites,
               count(recorded_by)::int as recorded
        from contacts
      `.execute(db)
    ).rows[0]!;
    assert.ok(contacts.all > 3_000, `${contacts.all} contacts`);
    assert.ok(contacts.anonymous > 500, `${contacts.anonymous} anonymous`);
    const share = (n: number) => n / contacts.all;
    assert.ok(
      share(contacts.resolved) > 0.7 && share(contacts.resolved) < 0.8,
      `resolved at first contact: ${share(contacts.resolved)}`,
    );
    assert.ok(share(contacts.avoidable) > 0.09 && share(contacts.avoidable) < 0.15, `avoidable: ${share(contacts.avoidable)}`);
    assert.ok(contacts.oldest_days >= 170 && contacts.oldest_days <= 183, `${contacts.oldest_days} days of history`);
    assert.equal(contacts.channels, 9);
    assert.equal(contacts.sites, 3);
    assert.ok(contacts.recorded > 0, 'the advisor recorded the assisted contacts');
  });

  it('adds a year of complaints in every state, stage 2 answered by someone who did not answer stage 1', async () => {
    const kinds = await db
      .selectFrom('complaints')
      .select(['kind', sql<number>`count(*)::int`.as('count')])
      .groupBy('kind')
      .execute();
    assert.deepEqual(Object.fromEntries(kinds.map((row) => [row.kind, row.count])), { complaint: 36, compliment: 8, comment: 5 });
    const stages = await db
      .selectFrom('complaint_stages')
      .select([
        sql<number>`count(*) filter (where stage = 1 and responded_at is not null)::int`.as('answered'),
        sql<number>`count(*) filter (where stage = 1 and responded_in_time)::int`.as('inTime'),
        sql<number>`count(*) filter (where stage = 2)::int`.as('stageTwo'),
        sql<number>`count(*) filter (where extended_to is not null)::int`.as('extended'),
      ])
      .executeTakeFirstOrThrow();
    assert.ok(stages.answered > 20 && stages.inTime < stages.answered, JSON.stringify(stages));
    assert.ok(stages.stageTwo > 0 && stages.extended > 0, JSON.stringify(stages));
    const sameReviewer = await db
      .selectFrom('complaint_stages as one')
      .innerJoin('complaint_stages as two', (join) =>
        join.onRef('two.complaint_id', '=', 'one.complaint_id').on('two.stage', '=', 2),
      )
      .select('one.complaint_id')
      .where('one.stage', '=', 1)
      .whereRef('two.responded_by', '=', 'one.responded_by')
      .execute();
    assert.equal(sameReviewer.length, 0);
    const messages = await db
      .selectFrom('notifications')
      .select('id')
      .where('record_type', '=', 'complaint')
      .where('event', '<>', 'feedback.passed_on')
      .execute();
    assert.equal(messages.length, 0, 'the demo residents are not written to');
  });

  it('sets up appointments at the shops and the bus, with the coming weeks partly booked', async () => {
    const sessions = await db
      .selectFrom('site_hours')
      .innerJoin('sites', 'sites.id', 'site_hours.site_id')
      .select(['sites.code', sql<number>`count(*)::int`.as('count'), sql<number>`count(place)::int`.as('stops')])
      .groupBy('sites.code')
      .orderBy('sites.code')
      .execute();
    assert.deepEqual(sessions, [
      { code: 'bus', count: 4, stops: 4 },
      { code: 'ellesmere', count: 2, stops: 0 },
      { code: 'oswestry', count: 6, stops: 0 },
    ]);
    const slots = await db
      .selectFrom('appointment_slots')
      .select([sql<number>`count(*)::int`.as('slots'), sql<number>`coalesce(sum(booked), 0)::int`.as('booked')])
      .executeTakeFirstOrThrow();
    const appointments = await db
      .selectFrom('appointments')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow();
    assert.ok(slots.slots > 1000, JSON.stringify(slots));
    assert.ok(appointments.count > 50 && appointments.count === slots.booked, JSON.stringify({ slots, appointments }));
    // The Oswestry shop's last four weeks: arrivals called, seen and finished; some did not come; three wait now.
    const visits = await db
      .selectFrom('visits')
      .select([
        sql<number>`count(*) filter (where status = 'finished')::int`.as('finished'),
        sql<number>`count(*) filter (where status = 'waiting')::int`.as('waiting'),
        sql<number>`count(*) filter (where appointment_id is null)::int`.as('walkIns'),
      ])
      .executeTakeFirstOrThrow();
    assert.ok(visits.finished > 200 && visits.walkIns > 100 && visits.waiting >= 3, JSON.stringify(visits));
    const noShows = await db
      .selectFrom('appointments')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('status', '=', 'no_show')
      .executeTakeFirstOrThrow();
    assert.ok(noShows.count > 0);
    const messages = await db.selectFrom('notifications').select('id').where('record_type', '=', 'appointment').execute();
    assert.equal(messages.length, 0, 'the demo residents are not written to');
  });

  it('sets this financial year’s targets, two indicators kept by hand and an action tracker, and its figures count', async () => {
    const [targets, manual, actions] = await Promise.all([
      db
        .selectFrom('performance_targets')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('performance_manual_indicators')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('performance_actions')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    assert.deepEqual([targets.n, manual.n, actions.n], [15, 2, 4]);
    const council = await findFirstCouncil(db);
    const report = await createPerformanceService(db).indicators(systemActor('test'), {
      council: council!.id,
      from: londonDate(new Date(Date.now() - 90 * 86_400_000)),
      to: londonDate(new Date(Date.now() + 86_400_000)),
    });
    const value = (code: string) => report.items.find((item) => item.code === code)?.value;
    for (const code of [
      'first_contact_resolution',
      'avoidable_contact',
      'digital_share',
      'cases_within_sla',
      'seen_within_10_minutes',
    ])
      assert.equal(typeof value(code), 'number', code);
    assert.ok(report.counts.green + report.counts.amber + report.counts.red > 10, JSON.stringify(report.counts));
  });

  it('writes each demo account’s password to a file only its owner can read', () => {
    const file = path.join(dataDir, DEMO_CREDENTIALS_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const credentials = readCredentials(file);
    assert.deepEqual(credentials.map((account) => account.role).sort(), ROLES.filter((role) => role !== 'admin').sort());
  });

  it('gives demo accounts passwords that meet the password rules', async () => {
    for (const { email, password } of readCredentials(path.join(dataDir, DEMO_CREDENTIALS_FILE))) {
      const user = await db.selectFrom('staff_users').select('name').where('email', '=', email).executeTakeFirstOrThrow();
      assert.equal(passwordProblem(password, { email, name: user.name }), undefined, email);
    }
  });

  it('adds nothing when run again, and the passwords in the file still work', async () => {
    const before = await inventory();
    const fileBefore = fs.readFileSync(path.join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8');

    const outcome = await seedDemo(db, dataDir);
    assert.equal(outcome.councilCreated, false);
    assert.equal(outcome.usersCreated, 0);
    assert.equal(outcome.addressesCreated, 0);
    assert.equal(outcome.customersCreated, 0);
    assert.equal(outcome.servicesCreated, 0);
    assert.equal(outcome.casesCreated, 0);
    assert.equal(outcome.articlesCreated, 0);
    assert.equal(outcome.complaintsCreated, 0);
    assert.deepEqual(await inventory(), before);
    assert.equal(fs.readFileSync(path.join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8'), fileBefore);

    const auth = createAuthService(db);
    const credentials = readCredentials(path.join(dataDir, DEMO_CREDENTIALS_FILE));
    for (const [n, { email, password }] of credentials.entries()) {
      const result = await auth.signIn({ email, password, ip: `192.0.2.${n + 1}` });
      assert.equal(result.kind, 'signedIn', email);
    }
  });
});

describe('the demo council on a machine without the reference data', () => {
  let database: TestDatabase;
  let dataDir: string;
  const saved = process.env.ONEDOOR_REFERENCE_DATA;
  before(async () => {
    database = await freshDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-demo-test-'));
    process.env.ONEDOOR_REFERENCE_DATA = path.join(dataDir, 'no-reference-data-here');
  });
  after(async () => {
    if (saved === undefined) delete process.env.ONEDOOR_REFERENCE_DATA;
    else process.env.ONEDOOR_REFERENCE_DATA = saved;
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('falls back to a few hundred addresses on well-known postcodes, a few services and a few made-up reports, and says so in a line each', async () => {
    const lines: string[] = [];
    const outcome = await seedDemo(database.db, dataDir, (line) => lines.push(line));
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /Demo gazetteer: .*postcodes_SY\.csv not found \(set ONEDOOR_REFERENCE_DATA\)/);
    assert.match(lines[1]!, /Demo services: .*lgsl_services_subset\.csv not found/);
    assert.match(lines[2]!, /Demo cases: .*fixmystreet_oswestry_reports\.csv not found/);
    assert.equal(outcome.casesCreated, 20);
    assert.ok(outcome.servicesCreated > 20, `${outcome.servicesCreated} services`);
    assert.ok(outcome.addressesCreated >= 200 && outcome.addressesCreated <= 500, `${outcome.addressesCreated} addresses`);
    assert.equal(outcome.customersCreated, 2_000);
    assert.equal(outcome.articlesCreated, DEMO_ARTICLES.length);
    const articles = await database.db
      .selectFrom('knowledge_articles')
      .leftJoin('services', 'services.id', 'knowledge_articles.service_id')
      .select(['knowledge_articles.title', 'knowledge_articles.status', 'services.code'])
      .execute();
    assert.ok(articles.every((article) => article.status === 'published'));
    assert.equal(articles.find((article) => article.title === 'Report a missed bin collection')?.code, 'bin-collection-days');
    const outside = await database.db
      .selectFrom('customer_addresses')
      .select('id')
      .where((eb) => eb.or([eb('uprn', 'is', null), eb('uprn', 'not in', eb.selectFrom('properties').select('uprn'))]))
      .execute();
    assert.deepEqual(outside, [], 'the customers still live at gazetteer addresses');
  });
});
