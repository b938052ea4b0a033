// PostgreSQL is stopped under load and started again a few seconds later. OneDoor (one node,
// with its background jobs) must stay up, say so on /readyz while the database is away (503),
// reconnect by itself when it is back (200), and lose no write it acknowledged: clients retry
// with their Idempotency-Key, and every acknowledged case is there exactly once afterwards.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDb, type Db } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import {
  aCouncilWithKey,
  aCustomerThrough,
  checkIntake,
  intakeLoad,
  OneDoorProcess,
  sleep,
  until,
  type Council,
} from './support.ts';

const MARK = `restart-${crypto.randomBytes(3).toString('hex')}`;
const OUTAGE_MS = 4_000;

describe('the database restarted under load', () => {
  // A PostgreSQL of this test's own, so that stopping it touches nothing else.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-restart-'));
  let postgres: EmbeddedPostgres;
  let db: Db;
  let destroy: () => Promise<void>;
  let council: Council;
  let node: OneDoorProcess | undefined;

  before(async () => {
    postgres = await startEmbeddedPostgres(dataDir, () => undefined);
    const opened = createDb(postgres.url, 2);
    db = opened.db;
    destroy = () => opened.db.destroy();
    await migrateToLatest(db);
    council = await aCouncilWithKey(db, ['cases:write', 'customers:write']);
    node = await OneDoorProcess.start(postgres.url);
  });
  after(async () => {
    await OneDoorProcess.stopAll();
    await destroy();
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports the outage on /readyz, reconnects by itself and loses no acknowledged write', async () => {
    const customerId = await aCustomerThrough(node!.url, council, 'Patient Resident');
    const pid = node!.pid;

    // /readyz, asked every 100 ms throughout, as a load balancer would.
    const readiness: { at: number; status: number }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const status = await fetch(`${node!.url}/readyz`, { signal: AbortSignal.timeout(5_000) })
          .then((answer) => answer.status)
          .catch(() => 0);
        readiness.push({ at: Date.now(), status });
        await sleep(100);
      }
    })();

    const load = intakeLoad(node!.url, council, customerId, MARK, 4);
    let before = 0;
    let stoppedAt = 0;
    let restarting = 0;
    let startedAt = 0;
    let duringOutage = 0;
    let afterRestart = 0;
    try {
      await Promise.race([sleep(3_000), load.failed]);
      before = load.acknowledged.length;
      stoppedAt = Date.now();
      const port = postgres.port;
      await postgres.stop();
      await sleep(OUTAGE_MS);
      restarting = Date.now();
      postgres = await startEmbeddedPostgres(dataDir, () => undefined);
      startedAt = Date.now();
      duringOutage = load.acknowledged.length - before;
      await until(
        '/readyz to answer 200 again',
        async () => (readiness.some((check) => check.at > startedAt && check.status === 200) ? true : undefined),
        60_000,
      ).catch((error: unknown) => {
        console.log(
          `# port before ${port}, after ${postgres.port}; readyz since: ${readiness
            .filter((entry) => entry.at > startedAt)
            .map((entry) => entry.status)
            .join(' ')}`,
        );
        throw error;
      });
      afterRestart = load.acknowledged.length;
      await Promise.race([sleep(4_000), load.failed]);
    } finally {
      await load.stop().catch(() => undefined);
      watching = false;
      await watcher;
    }

    const check = await checkIntake(db, MARK, load.acknowledged);
    const outage = readiness.filter((entry) => entry.at > stoppedAt + 500 && entry.at < restarting);
    console.log(
      `# restart: ${load.acknowledged.length} cases acknowledged (${before} before the stop, ${duringOutage} while ` +
        `the database was away, ${load.acknowledged.length - afterRestart} after /readyz was 200 again); ` +
        `/readyz during the outage: ${[...new Set(outage.map((entry) => entry.status))].join(', ')}; ` +
        `${check.lost.length} lost, ${check.duplicated.length} duplicated`,
    );

    assert.equal(node!.alive, true, 'OneDoor stayed up');
    assert.equal(node!.pid, pid, 'the same process, not a restart');
    assert.ok(outage.length > 0 && outage.every((entry) => entry.status === 503), '/readyz said 503 while the database was away');
    assert.ok(load.acknowledged.length > afterRestart, 'writes were taken again after the restart');
    assert.deepEqual(check.lost, [], 'every acknowledged case is in the database');
    assert.deepEqual(check.duplicated, [], 'no request made two cases');
    assert.deepEqual(check.mismatched, [], 'each answer named the case its own request made');
    assert.equal(check.unacknowledged, 0, 'and nothing that was not acknowledged');
    assert.deepEqual(check.incomplete, [], 'no case without its event, audit record and message');
  });
});
