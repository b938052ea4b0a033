// The job worker sending notifications is killed (SIGKILL) in the middle of sending, many times,
// and started again. Every message must reach the local sink exactly once per recipient and
// event: none lost (left `sending` or `queued`), none twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { PROJECT_ROOT } from '../../src/platform/assets.ts';
import { queueNotification } from '../../src/platform/notifications/outbox.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { sleep, until } from './support.ts';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const MESSAGES = 400;
const COUNCIL = '00000000-0000-4000-8000-0000000be11a';

/** The worker (test/reliability/notificationWorker.ts) in a process of its own, once it says it is ready. */
async function startWorker(databaseUrl: string, sink: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/reliability/notificationWorker.ts'), databaseUrl, sink],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('notifications sent by a job worker killed again and again', () => {
  let database: TestDatabase;
  let worker: ChildProcess | undefined;
  const sink = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-sink-'));

  before(async () => {
    database = await freshDatabase();
    await sql`insert into organisations (id, code, name, kind) values (${COUNCIL}, 'sink', 'Sink Council', 'council')`.execute(
      database.db,
    );
  });
  after(async () => {
    if (worker) await kill(worker);
    await database.drop();
    fs.rmSync(sink, { recursive: true, force: true });
  });

  it('delivers every message to the sink exactly once', async () => {
    const { db } = database;
    // The worker's first start makes pg-boss's tables, so the messages below are queued with their jobs.
    worker = await startWorker(database.url, sink);
    const queued: string[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      const reference = `ODR-REL-${String(index).padStart(4, '0')}`;
      const message = await db.transaction().execute((trx) =>
        queueNotification(trx, {
          councilId: COUNCIL,
          event: 'case.received',
          channel: 'email',
          recipient: `resident.${index}@example.org`,
          language: 'en',
          personalisation: {
            name: `Resident ${index}`,
            reference,
            serviceName: 'Missed bin collection',
            dueDate: '3 March 2026',
            trackingUrl: `https://council.example/track/${index}`,
          },
          recordType: 'case',
          recordId: reference,
        }),
      );
      assert.ok(message, 'queued');
      queued.push(message.id);
    }

    const sent = async () =>
      (
        await db
          .selectFrom('notifications')
          .select(db.fn.countAll<number>().as('n'))
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow()
      ).n;
    for (let kills = 0; kills < KILLS; kills++) {
      await sleep(700 + Math.floor(Math.random() * 800));
      await kill(worker);
      worker = await startWorker(database.url, sink);
    }
    const sentDuringKills = await sent();
    await until('every message to be sent', async () => ((await sent()) === MESSAGES ? true : undefined), 180_000).catch(
      async (error: unknown) => {
        const states = await sql<{ status: string; n: number }>`
          select status, count(*)::int as n from notifications group by status`.execute(db);
        const jobs = await sql<{ state: string; n: number }>`
          select state || ' ' || (start_after > now())::text || ' alive ' || ${String(worker?.exitCode === null)} as state, count(*)::int as n
          from pgboss.job where name = 'notifications.send' group by 1`.execute(db);
        console.log('# left:', JSON.stringify(states.rows), 'jobs:', JSON.stringify(jobs.rows));
        throw error;
      },
    );

    const rows = await db.selectFrom('notifications').select(['id', 'status', 'attempts', 'recipient']).execute();
    const files = fs.readdirSync(sink).filter((name) => name.endsWith('.json'));
    const delivered = files.map(
      (name) => JSON.parse(fs.readFileSync(path.join(sink, name), 'utf8')) as { id: string; recipient: string; subject: string },
    );
    const perRecipient = new Map<string, number>();
    for (const message of delivered) perRecipient.set(message.recipient, (perRecipient.get(message.recipient) ?? 0) + 1);
    const retaken = rows.filter((row) => row.attempts > 1).length;
    console.log(
      `# notifications: ${MESSAGES} messages, ${KILLS} kills (${sentDuringKills} sent meanwhile), ` +
        `${retaken} taken again after their worker died mid-send; ${files.length} delivered`,
    );

    assert.deepEqual(
      rows.filter((row) => row.status !== 'sent'),
      [],
      'nothing left queued, sending or failed',
    );
    assert.equal(files.length, MESSAGES, 'one delivery per message');
    assert.deepEqual(new Set(delivered.map((message) => message.id)), new Set(queued), 'each message delivered');
    assert.deepEqual(
      [...perRecipient].filter(([, count]) => count !== 1),
      [],
      'exactly once per recipient and event',
    );
    assert.ok(sentDuringKills < MESSAGES, 'the kills came while messages were being sent');
    assert.ok(retaken > 0, 'some kills landed mid-send, and those messages were sent again');
    assert.equal(fs.readdirSync(sink).filter((name) => name.endsWith('.partial')).length, 0, 'no half-written delivery left');
  });
});
