// Case intake through the JSON API: the real server (`onedoor start` on a throwaway database) takes
// `POST /api/v1/cases` from bench/loadClient.ts (autocannon, every response's latency recorded) in a
// separate process, each case committing with its
// received event, its audit record and the customer's notification in the outbox (and its sending
// job). The baseline is the same four rows per case inserted by bare SQL, one transaction per case,
// with as many connections as the load client has, in the same run on the same machine; its
// latencies are those of each transaction, read the same way (p50, p95, p99).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { newCaseReference, newTrackingToken } from '../src/cases/reference.ts';
import { createDb, type Db } from '../src/db/database.ts';
import { freePort } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import * as organisationsRepo from '../src/organisations/repo.ts';
import { systemActor } from '../src/platform/actor.ts';
import { createApiKeysService } from '../src/platform/apiKeys/service.ts';
import { PROJECT_ROOT } from '../src/platform/assets.ts';
import { createServicesService } from '../src/services/service.ts';
import { openDatabase } from './customers.ts';
import { percentiles, runLoad, succeeded, type LoadSettings } from './load.ts';
import type { BenchResult } from './results.ts';

export interface CasesBenchOptions {
  /** Seconds of measured load (after a short warm-up). */
  seconds: number;
  /** Concurrent connections, for the load client and for the baseline alike. */
  connections: number;
}

const SERVICE = 'bench-intake';

export async function benchCaseIntake(options: CasesBenchOptions): Promise<BenchResult[]> {
  const database = await openDatabase();
  const { db } = createDb(database.url, 4);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bench-cases-'));
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrateToLatest(db);
    const council = await createCouncil(db);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/onedoor.js'), 'start'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(port),
        PUBLIC_URL: url,
        ONEDOOR_DEMO: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForReady(url, server);

    const authorization = `Bearer ${council.key}`;
    const customer = await fetch(`${url}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ givenName: 'Bench', familyName: 'Resident', email: 'bench.resident@example.org' }),
    });
    if (customer.status !== 201) throw new Error(`creating the customer answered ${customer.status}: ${await customer.text()}`);
    const customerId = ((await customer.json()) as { id: string }).id;
    const body = JSON.stringify({
      serviceCode: SERVICE,
      description: 'The bin at the end of the road has not been emptied for two weeks and is overflowing.',
      customerId,
    });

    console.log(`  case intake: ${options.connections} connections, ${options.seconds} s through POST /api/v1/cases`);
    const request: LoadSettings = {
      url: `${url}/api/v1/cases`,
      connections: options.connections,
      seconds: 3,
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
    };
    await liftRateLimit(db, council.apiKeyId);
    await runLoad(request); // a warm-up, not counted
    const before = await rowCounts(db);
    const load = await runLoad({ ...request, seconds: options.seconds });
    const after = await rowCounts(db);
    const ok = succeeded(load);
    if (ok < load.requests)
      console.log(`  warning: ${load.requests - ok} answers were not 201; the latencies below include them`);
    const added = {
      cases: after.cases - before.cases,
      audit: after.audit - before.audit,
      notifications: after.notifications - before.notifications,
    };
    console.log(
      `  ${ok} cases answered 201 (answers ${JSON.stringify(load.statuses)}, ${load.errors} errors), ` +
        `${added.cases} cases, ${added.audit} audit records, ${added.notifications} outbox messages written`,
    );
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    server = undefined;

    const baseline = await bareSqlIntake(database.url, council, customerId, Math.max(ok, 1000), options.connections);
    console.log(
      `  through the API: ${Math.round(ok / load.seconds)} cases/s, p50 ${load.p50.toFixed(1)} ms, p95 ${load.p95.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms; ` +
        `bare SQL: ${Math.round(baseline.rate)} cases/s, p50 ${baseline.p50.toFixed(1)} ms, p95 ${baseline.p95.toFixed(1)} ms, p99 ${baseline.p99.toFixed(1)} ms`,
    );
    const rate = ok / load.seconds;
    const size = `${options.connections} connections, ${options.seconds} s`;
    const latency = (name: string, value: number, baselineValue: number): BenchResult => ({
      name: `case intake latency ${name}`,
      size,
      value: Number(value.toFixed(1)),
      unit: 'ms',
      baseline: `bare SQL transaction ${name}`,
      baselineValue: Number(baselineValue.toFixed(1)),
      ratio: Number((value / baselineValue).toFixed(1)),
    });
    return [
      {
        name: 'case intake through the API (case, event, audit, outbox message; higher is better)',
        size,
        value: Math.round(rate),
        unit: 'cases/s',
        baseline: 'the same rows by bare SQL, a transaction a case',
        baselineValue: Math.round(baseline.rate),
        ratio: Number((rate / baseline.rate).toFixed(2)),
      },
      latency('p50', load.p50, baseline.p50),
      latency('p95', load.p95, baseline.p95),
      latency('p99', load.p99, baseline.p99),
    ];
  } finally {
    if (server) server.kill('SIGKILL');
    await db.destroy();
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Council {
  id: string;
  teamId: string;
  serviceId: string;
  apiKeyId: string;
  key: string;
}

async function createCouncil(db: Db): Promise<Council> {
  const actor = systemActor('bench');
  const id = await organisationsRepo.insertOrganisation(db, {
    code: 'bench-intake-council',
    name: 'Intake Bench Council',
    kind: 'council',
    councilId: null,
  });
  const teamId = await organisationsRepo.insertTeam(db, { organisationId: id, code: 'waste', name: 'Waste' });
  const service = await createServicesService(db).create(
    actor,
    { code: SERVICE, name: 'Report an overflowing bin', teamId, slaWorkingDays: 5, public: true },
    id,
  );
  const key = await createApiKeysService(db).create(actor, {
    organisationId: id,
    name: 'Intake bench',
    scopes: ['cases:write', 'customers:write'],
  });
  return { id, teamId, serviceId: service.id, apiKeyId: key.id, key: key.key };
}

/**
 * The API allows a key 600 requests a minute (429 beyond), which this load passes in seconds. The
 * key's counter is started a long way below zero for a day-long window, so the server still counts
 * every request (the same upsert, the same cost) but never refuses one.
 */
async function liftRateLimit(db: Db, apiKeyId: string): Promise<void> {
  await sql`
    insert into rate_limit_counters (key, count, window_ends_at)
    values (${`api-key:${apiKeyId}`}, -2000000000, now() + interval '1 day')
    on conflict (key) do update set count = excluded.count, window_ends_at = excluded.window_ends_at`.execute(db);
}

async function rowCounts(db: Db) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('cases').select(eb.fn.countAll<number>().as('n')).as('cases'),
      eb.selectFrom('audit_events').select(eb.fn.countAll<number>().as('n')).where('action', '=', 'case.create').as('audit'),
      eb.selectFrom('notifications').select(eb.fn.countAll<number>().as('n')).as('notifications'),
    ])
    .executeTakeFirstOrThrow();
  return { cases: Number(row.cases), audit: Number(row.audit), notifications: Number(row.notifications) };
}

/** The baseline: `count` intakes, each the four rows in one transaction, over `connections` connections. */
async function bareSqlIntake(url: string, council: Council, customerId: string, count: number, connections: number) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const times: number[] = [];
  let next = 0;
  const dueAt = new Date(Date.now() + 7 * 86_400_000);
  const dueSoonAt = new Date(dueAt.getTime() - 86_400_000);
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (next < count) {
        next += 1;
        const began = performance.now();
        const reference = newCaseReference();
        await client.query('begin');
        const { rows } = await client.query<{ id: string }>(
          `insert into cases (council_id, reference, tracking_token, service_id, customer_id, channel, description, status,
             priority, team_id, organisation_id, received_at, due_at, due_soon_at, created_by_api_key)
           values ($1, $2, $3, $4, $5, 'web', $6, 'submitted', 'normal', $7, $1, now(), $8, $9, $10) returning id`,
          [
            council.id,
            reference,
            newTrackingToken(),
            council.serviceId,
            customerId,
            'The bin at the end of the road has not been emptied for two weeks and is overflowing.',
            council.teamId,
            dueAt,
            dueSoonAt,
            council.apiKeyId,
          ],
        );
        const caseId = rows[0]!.id;
        await client.query(
          `insert into case_events (case_id, council_id, kind, visibility, status_to, actor_type, actor_id, actor_label)
           values ($1, $2, 'received', 'public', 'submitted', 'api_key', $3, 'Intake bench')`,
          [caseId, council.id, council.apiKeyId],
        );
        await client.query(
          `insert into audit_events (organisation_id, actor_type, actor_id, actor_label, action, record_type, record_id, changes)
           values ($1, 'api_key', $2, 'Intake bench', 'case.create', 'case', $3, $4)`,
          [council.id, council.apiKeyId, caseId, JSON.stringify({ reference: { from: null, to: reference } })],
        );
        await client.query(
          `insert into notifications (council_id, event, channel, recipient, language, template, personalisation, subject,
             body, record_type, record_id, dedupe_key)
           values ($1, 'case.received', 'email', 'bench.resident@example.org', 'en', 'case.received', $2, 'We have your report',
             $3, 'case', $4, $5)`,
          [
            council.id,
            JSON.stringify({ name: 'Bench Resident', reference }),
            `Your reference is ${reference}.`,
            reference,
            `case.received:${reference}:email:bench.resident@example.org`,
          ],
        );
        await client.query('commit');
        times.push(performance.now() - began);
      }
    } finally {
      client.release();
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const seconds = (performance.now() - began) / 1000;
  await pool.end();
  return { rate: times.length / seconds, ...percentiles(times) };
}

async function waitForReady(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`onedoor exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('onedoor was not ready within two minutes');
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
