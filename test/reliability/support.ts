// What the reliability tests share: OneDoor as real processes (`onedoor start`) that can be killed
// and started again, a small round-robin proxy in front of several of them, a client that keeps
// trying a request with its Idempotency-Key until it is acknowledged, and a council with a key.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { freePort } from '../../src/db/embedded.ts';
import * as organisationsRepo from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { createApiKeysService } from '../../src/platform/apiKeys/service.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { PROJECT_ROOT } from '../../src/platform/assets.ts';
import { createServicesService } from '../../src/services/service.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { sleep, until } from '../support/wait.ts';

export { sleep, until };

export interface Council {
  id: string;
  teamId: string;
  serviceCode: string;
  key: string;
}

/** A council with one service taking requests and an API key with `scopes`, which no request limit stops. */
export async function aCouncilWithKey(db: Db, scopes: Scope[]): Promise<Council> {
  const actor = systemActor('reliability');
  const id = await organisationsRepo.insertOrganisation(db, {
    code: 'reliability-council',
    name: 'Reliability Council',
    kind: 'council',
    councilId: null,
  });
  const teamId = await organisationsRepo.insertTeam(db, { organisationId: id, code: 'waste', name: 'Waste' });
  const serviceCode = 'overflowing-bin';
  await createServicesService(db).create(
    actor,
    { code: serviceCode, name: 'Report an overflowing bin', teamId, slaWorkingDays: 5, public: true },
    id,
  );
  const key = await createApiKeysService(db).create(actor, { organisationId: id, name: 'Reliability', scopes });
  // The API allows a key 600 requests a minute; the counter starts far below zero for the day,
  // so every request is still counted but none refused.
  await sql`
    insert into rate_limit_counters (key, count, window_ends_at)
    values (${`api-key:${key.id}`}, -2000000000, now() + interval '1 day')
    on conflict (key) do update set count = excluded.count, window_ends_at = excluded.window_ends_at`.execute(db);
  return { id, teamId, serviceCode, key: key.key };
}

/** `onedoor start` as a process of its own on `databaseUrl`, which can be killed and started again. */
export class OneDoorProcess {
  readonly url: string;
  private child: ChildProcess | undefined;
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-reliability-'));
  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  private static readonly started = new Set<OneDoorProcess>();

  static async start(databaseUrl: string, env: Record<string, string> = {}): Promise<OneDoorProcess> {
    const server = new OneDoorProcess(await freePort(), { DATABASE_URL: databaseUrl, ...env });
    OneDoorProcess.started.add(server);
    await server.startAgain();
    return server;
  }

  /** Stops every process started here, even those whose start failed (a test's `after`). */
  static async stopAll(): Promise<void> {
    await Promise.all([...OneDoorProcess.started].map((server) => server.stop()));
    OneDoorProcess.started.clear();
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (again, after a kill) and waits until /readyz answers 200. */
  async startAgain(): Promise<void> {
    this.child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/onedoor.js'), 'start'], {
      env: {
        ...process.env,
        DATA_DIR: this.dataDir,
        PORT: String(this.port),
        PUBLIC_URL: this.url,
        ONEDOOR_DEMO: '0',
        LOG_LEVEL: 'error',
        ...this.env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const child = this.child;
    await until(
      `onedoor on port ${this.port} to be ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`onedoor exited with ${child.exitCode} before it was ready`);
        try {
          return (await fetch(`${this.url}/readyz`)).status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      120_000,
    );
  }

  /** Kills the process at once (SIGKILL: no clean-up of any kind) and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the process as an operator would (SIGTERM: finish what is in flight). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && this.alive) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000).then(() => child.kill('SIGKILL'))]);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A small round-robin proxy, as a load balancer would stand in front of several nodes: each
 * request goes to the next backend; one that cannot be reached, or dies mid-answer, gives 502.
 */
export async function roundRobinProxy(backends: string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = http.createServer((request, response) => {
    const target = new URL(request.url ?? '/', backends[next++ % backends.length]);
    const forwarded = http.request(
      target,
      { method: request.method, headers: { ...request.headers, host: target.host }, agent: false },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('error', () => response.destroy());
      },
    );
    forwarded.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end('backend unavailable');
      else response.destroy();
    });
    request.pipe(forwarded);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Cluster {
  database: TestDatabase;
  council: Council;
  /** The two nodes; requests reach them through `proxy`. */
  nodes: OneDoorProcess[];
  proxy: { url: string; close(): Promise<void> };
  close(): Promise<void>;
}

/**
 * A fresh database with a council and a key with `scopes`, two OneDoor nodes on it (without
 * background jobs) started at once, and a round-robin proxy in front of them.
 */
export async function aTwoNodeCluster(scopes: Scope[]): Promise<Cluster> {
  const database = await freshDatabase();
  const council = await aCouncilWithKey(database.db, scopes);
  let proxy: Cluster['proxy'] | undefined;
  const close = async () => {
    await proxy?.close();
    await OneDoorProcess.stopAll();
    await database.drop();
  };
  try {
    const nodes = await Promise.all([0, 1].map(() => OneDoorProcess.start(database.url, { ONEDOOR_JOBS: '0' })));
    proxy = await roundRobinProxy(nodes.map((node) => node.url));
    return { database, council, nodes, proxy, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A customer made through the API at `baseUrl` (so that cases and bookings have someone to be for); its id. */
export async function aCustomerThrough(baseUrl: string, council: Council, familyName: string): Promise<string> {
  const made = await postUntilAcknowledged(
    `${baseUrl}/api/v1/customers`,
    { givenName: 'Reliable', familyName, email: `${familyName.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.org` },
    { key: council.key },
  );
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return String(made.body.id);
}

export interface Acknowledged {
  idempotencyKey: string;
  status: number;
  body: Record<string, unknown>;
  /** How many times the request was sent before it was acknowledged. */
  attempts: number;
}

/**
 * Sends a JSON POST with an Idempotency-Key until the server acknowledges it (2xx), as a careful
 * integrator would: a dropped connection, a 502 from the proxy, a 503 or 500, a 409 (the same
 * key still being answered) or a 429 is tried again, with the same key and body, after a pause.
 * Any other answer (a 4xx, a 409 conflict of the service's own) is returned as it is, for the test to judge.
 */
export async function postUntilAcknowledged(
  url: string,
  body: object,
  options: { key: string; idempotencyKey?: string; giveUpAfterMs?: number },
): Promise<Acknowledged> {
  const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
  const deadline = Date.now() + (options.giveUpAfterMs ?? 120_000);
  for (let attempts = 1; ; attempts++) {
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.key}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await answer.text();
      // A 409 may be the same key still being answered (try again) or the service's own conflict (an answer).
      const inProgress = answer.status === 409 && text.includes('idempotency-key-in-progress');
      const retry = answer.status >= 500 || inProgress || answer.status === 429;
      if (!retry) return { idempotencyKey, status: answer.status, body: JSON.parse(text) as Record<string, unknown>, attempts };
    } catch {
      // The connection dropped or timed out: the answer is unknown, so ask again.
    }
    if (Date.now() > deadline) throw new Error(`no acknowledgement for ${idempotencyKey} after ${attempts} attempts`);
    await sleep(50 + Math.floor(Math.random() * 150));
  }
}

export interface IntakeLoad {
  /** Every case the server acknowledged (201), with the description its request sent. */
  acknowledged: (Acknowledged & { description: string })[];
  /** Stops sending new cases once those in flight are acknowledged; fails if a client failed. */
  stop(): Promise<void>;
  /** Settles when a client fails (an answer that was not 201, or no answer at all in the end). */
  failed: Promise<never>;
}

/**
 * `clients` integrators raising cases through `POST /api/v1/cases` at `baseUrl`, one after another,
 * each with a description of its own (starting with `mark`) and sent until acknowledged.
 */
export function intakeLoad(baseUrl: string, council: Council, customerId: unknown, mark: string, clients = 6): IntakeLoad {
  const acknowledged: IntakeLoad['acknowledged'] = [];
  let stopping = false;
  let sent = 0;
  const running = Array.from({ length: clients }, async (_, client) => {
    try {
      while (!stopping) {
        const description = `${mark} client ${client} case ${sent++}: the bin on Church Street is overflowing`;
        const answer = await postUntilAcknowledged(
          `${baseUrl}/api/v1/cases`,
          { serviceCode: council.serviceCode, description, customerId },
          { key: council.key },
        );
        if (answer.status !== 201) throw new Error(`a case was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
        acknowledged.push({ ...answer, description });
      }
    } finally {
      stopping = true;
    }
  });
  const all = Promise.all(running);
  return {
    acknowledged,
    async stop() {
      stopping = true;
      await all;
    },
    failed: all.then(() => new Promise<never>(() => undefined)),
  };
}

export interface IntakeCheck {
  /** Acknowledged cases not in the database. */
  lost: string[];
  /** Descriptions (requests) that made more than one case. */
  duplicated: string[];
  /** Acknowledged answers naming a case another request made. */
  mismatched: string[];
  /** Cases in the database that were never acknowledged. */
  unacknowledged: number;
  /** Cases without their received event, audit record or outbox message. */
  incomplete: string[];
  /** Acknowledged only after the request was sent more than once. */
  retried: number;
}

/** Compares what the clients were told with what the database holds. */
export async function checkIntake(db: Db, mark: string, acknowledged: IntakeLoad['acknowledged']): Promise<IntakeCheck> {
  const cases = await db
    .selectFrom('cases')
    .select(['reference', 'description'])
    .where('description', 'like', `${mark}%`)
    .execute();
  const byReference = new Map(cases.map((row) => [row.reference, row.description]));
  const perDescription = new Map<string, number>();
  for (const row of cases) perDescription.set(row.description, (perDescription.get(row.description) ?? 0) + 1);
  const incomplete = await sql<{ reference: string }>`
    select c.reference from cases c
    where c.description like ${`${mark}%`}
      and (not exists (select 1 from case_events e where e.case_id = c.id)
        or not exists (select 1 from audit_events a where a.action = 'case.create' and a.record_id = c.id::text)
        or not exists (select 1 from notifications n where n.record_type = 'case' and n.record_id = c.reference))`.execute(db);
  const references = acknowledged.map((answer) => String(answer.body.reference));
  return {
    lost: references.filter((reference) => !byReference.has(reference)),
    duplicated: [...perDescription].filter(([, count]) => count > 1).map(([description]) => description),
    mismatched: acknowledged
      .filter((answer) => byReference.get(String(answer.body.reference)) !== answer.description)
      .map((answer) => String(answer.body.reference)),
    unacknowledged: cases.length - new Set(references).size,
    incomplete: incomplete.rows.map((row) => row.reference),
    retried: acknowledged.filter((answer) => answer.attempts > 1).length,
  };
}
