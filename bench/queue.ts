// The team queue page at scale (issue 4: "a team queue page with 200,000 open cases: p95 <= 50 ms").
// One team gets N open cases (and twice as many closed ones as history, plus another team's
// cases beside them), loaded with set-based SQL (`INSERT ... SELECT FROM generate_series`). Then
// the real page, GET /staff/cases, is served by the real server (production settings: templates
// cached) to a signed-in team leader, and loaded by autocannon from a process of its own, for
// the default queue, a filtered one and a deep page. Baselines, measured in the same run: a bare
// Fastify page under the same load, and the bare SQL of the same queue query (its count and its
// page, replayed through pg one at a time).
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import pg from 'pg';
import * as casesRepo from '../src/cases/repo.ts';
import type { Db } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { ensureCouncilAndAdministrator } from '../src/organisations/firstStart.ts';
import { findFirstCouncil, insertTeam } from '../src/organisations/repo.ts';
import { createOrganisationsService } from '../src/organisations/service.ts';
import { systemActor } from '../src/platform/actor.ts';
import { percentiles, runLoad, type LoadResult } from './load.ts';
import type { BenchResult } from './results.ts';
import { withBenchDatabase, withServers } from './servers.ts';

export interface QueueBenchOptions {
  /** Open cases in the measured team's queue. */
  openCases: number;
  /** Seconds of load per page measured. */
  seconds: number;
  /** autocannon connections: 1 measures what one person waits for a page. */
  connections: number;
  /** Bare-SQL replays per query. */
  sqlIterations: number;
}

const TARGET_MS = 50;
const WARDS = 20;
const SERVICES = 8;
const OFFICERS = 12;
const PASSWORD = 'queue bench lantern kettle';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

interface Variant {
  name: string;
  path: string;
  /** The same queue as repo.queue is asked for it, for the bare-SQL baseline. */
  filter: Partial<casesRepo.QueueFilter>;
  sort: casesRepo.QueueSort;
  page: number;
}

export async function benchQueue(options: QueueBenchOptions): Promise<BenchResult[]> {
  return await withBenchDatabase('queue', async (database) => {
    const { db, url, dataDir } = database;
    const councilName = 'Benchmark District Council';
    await ensureCouncilAndAdministrator(db, { dataDir, councilName, warn: () => undefined });
    const councilId = (await findFirstCouncil(db))!.id;
    const setting = await setUp(db, councilId);

    const size = `${options.openCases.toLocaleString('en-GB')} open cases in the team`;
    const started = performance.now();
    const loaded = await loadCases(db, councilId, setting, options.openCases);
    const loadSeconds = (performance.now() - started) / 1000;
    console.log(`  loaded ${loaded.toLocaleString('en-GB')} cases in ${loadSeconds.toFixed(1)} s`);

    const env = { ONEDOOR_DEMO: '0', ONEDOOR_COUNCIL_NAME: councilName };
    return await withServers(database, env, async ({ base, bareUrl }) => {
      const cookie = await signIn(base, setting.leaderEmail);
      const variants: Variant[] = [
        { name: 'default queue (open cases, soonest due first)', path: '/staff/cases', filter: {}, sort: 'due', page: 1 },
        {
          name: 'filtered (overdue, one ward, two services, unassigned)',
          path: `/staff/cases?sla=overdue&ward=${encodeURIComponent(setting.wards[3]!)}&service=${setting.services[0]}&service=${setting.services[1]}&unassigned=yes`,
          filter: {
            slaStates: ['overdue'],
            wards: [setting.wards[3]!],
            serviceIds: setting.services.slice(0, 2),
            unassigned: true,
          },
          sort: 'due',
          page: 1,
        },
        {
          name: 'deep page (page 200, by priority)',
          path: '/staff/cases?sort=priority&page=200',
          filter: {},
          sort: 'priority',
          page: 200,
        },
      ];
      for (const variant of variants) {
        const check = await fetch(`${base}${variant.path}`, { headers: { cookie } });
        const html = await check.text();
        if (check.status !== 200 || !html.includes('id="queue"'))
          throw new Error(`${variant.path} answered ${check.status} without a queue`);
        // A queue this size is counted no further than the cap.
        if (
          variant.path === '/staff/cases' &&
          options.openCases > casesRepo.QUEUE_COUNT_CAP &&
          !html.includes('More than 10,000 cases')
        )
          throw new Error('the default queue does not say it has more than 10,000 cases');
      }

      const helloLoad = await load(bareUrl, {}, options);
      console.log(`  bare Fastify page: p50 ${helloLoad.p50} ms, p95 ${helloLoad.p95} ms (${helloLoad.requests} requests)`);
      const results: BenchResult[] = [
        {
          name: 'queue: cases loaded (INSERT ... SELECT generate_series, then VACUUM ANALYZE)',
          size: `${loaded.toLocaleString('en-GB')} cases`,
          value: Number(loadSeconds.toFixed(1)),
          unit: 's',
          baseline: 'none',
          baselineValue: null,
          ratio: null,
        },
      ];
      for (const variant of variants) {
        const page = await load(`${base}${variant.path}`, { cookie }, options);
        const others = Object.entries(page.statuses).filter(([status]) => status !== '200');
        if (others.length > 0) throw new Error(`${variant.path} answered ${JSON.stringify(page.statuses)}`);
        const bareSql = await timeBareSql(url, setting.teamId, variant, options.sqlIterations);
        console.log(
          `  ${variant.name}: page p50 ${page.p50} ms, p95 ${page.p95} ms (${page.requests} requests); bare SQL p50 ${bareSql.p50.toFixed(2)} ms, p95 ${bareSql.p95.toFixed(2)} ms`,
        );
        const measured = `${size}, ${options.connections} connection(s), ${page.requests} requests`;
        results.push(
          timing(`queue page p50: ${variant.name}`, measured, page.p50, 'bare Fastify page, same load, p50', helloLoad.p50),
          timing(
            `queue page p95: ${variant.name} (target <= ${TARGET_MS} ms)`,
            measured,
            page.p95,
            'bare Fastify page, same load, p95',
            helloLoad.p95,
          ),
          timing(
            `queue page p95 over its query: ${variant.name}`,
            measured,
            page.p95,
            'bare SQL of the same queue query (count + page), p95',
            bareSql.p95,
          ),
        );
      }
      return results;
    });
  });
}

function timing(name: string, size: string, value: number, baseline: string, baselineValue: number): BenchResult {
  return {
    name,
    size,
    value: Number(value.toFixed(2)),
    unit: 'ms',
    baseline,
    baselineValue: Number(baselineValue.toFixed(2)),
    ratio: baselineValue > 0 ? Number((value / baselineValue).toFixed(2)) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// The council, its team, people, services and wards

interface Setting {
  teamId: string;
  otherTeamId: string;
  leaderEmail: string;
  officers: string[];
  services: string[];
  wards: string[];
}

async function setUp(db: Db, councilId: string): Promise<Setting> {
  const teamId = await insertTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene' });
  const otherTeamId = await insertTeam(db, { organisationId: councilId, code: 'housing', name: 'Housing' });
  const organisations = createOrganisationsService(db);
  const person = async (name: string, email: string, role: 'team_leader' | 'officer') => {
    const { id } = await organisations.createUser(
      systemActor('bench'),
      { name, email, organisationId: councilId, roles: [role], teams: [teamId] },
      { password: PASSWORD },
    );
    return id;
  };
  const leaderEmail = 'leader@bench.example';
  await person('Team Leader', leaderEmail, 'team_leader');
  const officers: string[] = [];
  for (let index = 0; index < OFFICERS; index++)
    officers.push(await person(`Officer ${index + 1}`, `officer${index + 1}@bench.example`, 'officer'));

  const services: string[] = [];
  for (let index = 0; index < SERVICES; index++) {
    const row = await db
      .insertInto('services')
      .values({
        council_id: councilId,
        code: `bench-service-${index + 1}`,
        name: `Benchmark service ${index + 1}`,
        team_id: teamId,
        organisation_id: councilId,
        sla_working_days: 5 + index * 2,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    services.push(row.id);
  }
  const wards = Array.from({ length: WARDS }, (_, index) => `Ward ${String(index + 1).padStart(2, '0')}`);
  // A gazetteer of 20,000 properties: the queue's ward filter lists the council's wards from it.
  await sql`
    insert into properties (uprn, council_id, address_line1, town, postcode, latitude, longitude, ward)
    select g, ${councilId}, g || ' Bench Street', 'Oswestry', 'SY11 1AA', 52.86, -3.05,
           'Ward ' || lpad(((g % ${WARDS}) + 1)::text, 2, '0')
    from generate_series(1, 20000) g`.execute(db);
  return { teamId, otherTeamId, leaderEmail, officers, services, wards };
}

/**
 * The team's open cases (received over the last 90 days, due 5 to 20 days later: a backlog with
 * many overdue), a tenth of them resolved; twice as many closed cases as history; and a tenth as
 * many open cases of another team. Each slice is one INSERT ... SELECT.
 */
async function loadCases(db: Db, councilId: string, setting: Setting, open: number): Promise<number> {
  const slices = [
    { team: setting.teamId, count: open, kind: 'open' },
    { team: setting.teamId, count: Math.round(open / 10), kind: 'resolved' },
    { team: setting.teamId, count: open * 2, kind: 'closed' },
    { team: setting.otherTeamId, count: Math.round(open / 10), kind: 'open' },
  ] as const;
  let offset = 0;
  for (const slice of slices) {
    const services = sql.raw(`(array[${setting.services.map((id) => `'${id}'::uuid`).join(',')}])`);
    const officers = sql.raw(`(array[${setting.officers.map((id) => `'${id}'::uuid`).join(',')}])`);
    const status =
      slice.kind === 'closed'
        ? sql`'closed'`
        : slice.kind === 'resolved'
          ? sql`'resolved'`
          : sql`(array['submitted', 'in_progress', 'in_progress', 'awaiting_customer'])[1 + ${spread(3, 4)}]`;
    await sql`
      insert into cases (council_id, reference, tracking_token, service_id, channel, description, ward, status, priority,
        team_id, organisation_id, assigned_to, received_at, due_at, due_soon_at, resolved_at, closed_at)
      select ${councilId}::uuid,
             'ODR-' || ${reference(sql`g::bigint`, 0)} || '-' || ${reference(sql`g::bigint`, 4)},
             left(md5(g::text || 'a') || md5(g::text || 'b'), 43),
             ${services}[1 + ${spread(1, SERVICES)}],
             'phone',
             'Synthetic case ' || g,
             'Ward ' || lpad((${spread(2, WARDS)} + 1)::text, 2, '0'),
             ${status},
             coalesce((array['urgent', 'high', 'high', 'high', 'high', 'low', 'low', 'low', 'low'])[1 + ${spread(4, 50)}], 'normal'),
             ${slice.team}::uuid,
             ${councilId}::uuid,
             case when ${spread(5, 5)} < 2 then ${officers}[1 + ${spread(6, OFFICERS)}] end,
             received,
             received + make_interval(days => 5 + due),
             received + make_interval(days => 4 + due),
             case when ${slice.kind}::text <> 'open' then received + interval '3 days' end,
             case when ${slice.kind}::text = 'closed' then received + interval '4 days' end
      from generate_series(${offset + 1}::int, ${offset + slice.count}::int) g,
           lateral (select now() - make_interval(secs => ${spread(7, 90 * 86_400)}::double precision) as received, ${spread(8, 16)} as due) r`.execute(
      db,
    );
    offset += slice.count;
  }
  await sql`vacuum (analyze) cases`.execute(db);
  await sql`vacuum (analyze) properties`.execute(db);
  return offset;
}

/** A number in [0, n) that looks random but is a pure function of g and the seed (PostgreSQL's integer hash). */
function spread(seed: number, n: number) {
  return sql`((hashint4extended(g, ${seed}::bigint) & 1073741823) % ${n}::int)::int`;
}

/** Four Crockford base32 characters of `g`, from the fifth bit group `from` on. */
function reference(g: ReturnType<typeof sql>, from: number) {
  const characters = [0, 1, 2, 3].map(
    (index) => sql`substr(${CROCKFORD}::text, ((${g} >> ${5 * (from + index)}::int) & 31)::int + 1, 1)`,
  );
  return sql.join(characters, sql` || `);
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function signIn(base: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const form = await fetch(`${base}/staff/sign-in`);
  keep(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('no CSRF token on the sign-in page');
  const signedIn = await fetch(`${base}/staff/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, email, password: PASSWORD }),
  });
  keep(signedIn);
  if (signedIn.status !== 303 || signedIn.headers.get('location') !== '/staff')
    throw new Error(`sign-in answered ${signedIn.status}`);
  return cookie();
}

/** `url` under load from bench/loadClient.ts, after a short warm-up (template and plan caches, the pool) not counted. */
async function load(url: string, headers: Record<string, string>, options: QueueBenchOptions): Promise<LoadResult> {
  await runLoad({ url, headers, connections: options.connections, seconds: 1 });
  return await runLoad({ url, headers, connections: options.connections, seconds: options.seconds });
}

/**
 * The SQL repo.queue sends for `variant` (captured from Kysely's log), replayed through a plain
 * pg client, one query at a time: the floor under the page.
 */
async function timeBareSql(url: string, teamId: string, variant: Variant, iterations: number) {
  const captured: CompiledQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const logging = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  const filter: casesRepo.QueueFilter = {
    teamId,
    statuses: ['submitted', 'in_progress', 'awaiting_customer'],
    serviceIds: [],
    slaStates: [],
    wards: [],
    assignedTo: null,
    unassigned: false,
    ...variant.filter,
  };
  await casesRepo.queue(logging, filter, { sort: variant.sort, page: variant.page, now: new Date() });
  await logging.destroy();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let index = 0; index < iterations + 20; index++) {
      const started = performance.now();
      for (const query of captured) await client.query(query.sql, query.parameters as unknown[]);
      if (index >= 20) times.push(performance.now() - started);
    }
    return percentiles(times);
  } finally {
    await client.end();
  }
}
