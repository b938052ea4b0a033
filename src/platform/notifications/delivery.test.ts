// Queueing and sending against a real PostgreSQL with pg-boss really running on it: a change
// rolled back queues nothing; a message is queued once; the worker sends it once however often
// its job is delivered; a failing provider is retried and then given up on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { until } from '../../../test/support/wait.ts';
import type { Db } from '../../db/database.ts';
import { startJobs, type Jobs } from '../jobs.ts';
import { deliverNotification, notificationJobs, sweepWaitingNotifications } from './delivery.ts';
import { SEND_QUEUE, queueNotification, type NotificationRequest } from './outbox.ts';
import { claimForSending, insertNotification, type NewNotification } from './repo.ts';
import { directorySender, PermanentDeliveryError, type NotificationSender, type OutgoingMessage } from './senders.ts';

const COUNCIL = '00000000-0000-4000-8000-00000000c0c1';

/** Records what it sends; refuses some addresses for now (retryable) and some for good. */
function aRecordingSender(): NotificationSender & { sent: OutgoingMessage[]; tried: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  const tried: OutgoingMessage[] = [];
  return {
    name: 'recording',
    idempotent: false,
    sent,
    tried,
    async send(message) {
      tried.push(message);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (message.recipient.startsWith('busy')) throw new Error('provider busy: 503');
      if (message.recipient.startsWith('refused')) throw new PermanentDeliveryError('no such mailbox');
      sent.push(message);
      return { providerReference: `ref-${sent.length}` };
    },
  };
}

function aReceivedMessage(overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return {
    councilId: COUNCIL,
    event: 'case.received',
    channel: 'email',
    recipient: 'sian@example.com',
    language: 'en',
    personalisation: {
      name: 'Siân Roberts',
      reference: 'ODR-7K4M-2Q9P',
      serviceName: 'Missed bin collection',
      dueDate: '3 March 2026',
      trackingUrl: 'https://council.example/track/abc',
    },
    recordType: 'case',
    recordId: 'ODR-7K4M-2Q9P',
    ...overrides,
  };
}

/**
 * A message queued without its job (as if the job were lost): `case.received` by email in English
 * unless told otherwise; its id.
 */
async function aMessageWithoutJob(
  db: Db,
  recipient: string,
  recordId: string,
  overrides: Partial<Pick<NewNotification, 'event' | 'channel' | 'language' | 'subject' | 'body'>> = {},
): Promise<string> {
  const message = {
    event: 'case.received',
    channel: 'email',
    language: 'en',
    subject: 'We have your report',
    body: 'Thank you',
    ...overrides,
  } as const;
  const id = await insertNotification(db, {
    ...message,
    councilId: COUNCIL,
    recipient,
    template: `${message.event}.${message.channel}`,
    personalisation: {},
    recordType: 'case',
    recordId,
    dedupeKey: `${message.event}:${recordId}:${message.channel}:${recipient}`,
  });
  if (!id) throw new Error(`${recordId}'s message was not queued`);
  return id;
}

/** Backdates a message's claim (its updated_at, which a trigger otherwise keeps current), as if taken that long ago. */
async function claimedAgo(db: Db, id: string, interval: string) {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql`update notifications set updated_at = now() - ${interval}::interval where id = ${id}`.execute(trx);
  });
}

describe('notification delivery', () => {
  let database: TestDatabase;
  let db: Db;
  let jobs: Jobs;
  const sender = aRecordingSender();

  const row = (id: string) =>
    db
      .selectFrom('notifications')
      .select(['status', 'attempts', 'last_error', 'provider', 'provider_reference', 'sent_at', 'subject', 'body', 'recipient'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const jobsFor = async (id: string) =>
    (
      await sql<{ state: string; retry_count: number }>`
        select state, retry_count from pgboss.job where name = ${SEND_QUEUE} and data->>'notificationId' = ${id}
      `.execute(db)
    ).rows;
  const statusBecomes = (id: string, status: string) =>
    until(`${id} to be ${status}`, async () => {
      const current = await row(id);
      return current.status === status ? current : undefined;
    });

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    await sql`insert into organisations (id, code, name, kind) values (${COUNCIL}, 'delivery', 'Delivery Council', 'council')`.execute(
      db,
    );
    const settings = {
      maxAttempts: 3,
      retryDelaySeconds: 1,
      retryBackoff: false,
      sweepAfterSeconds: 60,
      sendTimeoutSeconds: 30,
      pollingIntervalSeconds: 0.5,
    };
    const notifications = notificationJobs(db, sender, settings);
    jobs = await startJobs(database.url, [], { error: () => undefined }, notifications.workers);
  });
  after(async () => {
    await jobs?.stop();
    await database.drop();
  });

  it('queues nothing, neither message nor job, when the change it belongs to rolls back', async () => {
    const jobsBefore = (await sql<{ count: number }>`select count(*)::int as count from pgboss.job`.execute(db)).rows[0]!.count;
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        const queued = await queueNotification(
          trx,
          aReceivedMessage({ recordId: 'ODR-ROLL-BACK', recipient: 'rollback@example.com' }),
        );
        assert.ok(queued?.id, 'queued inside the transaction');
        const { rows } = await sql<{ count: number }>`
          select count(*)::int as count from pgboss.job where name = ${SEND_QUEUE} and data->>'notificationId' = ${queued.id}
        `.execute(trx);
        assert.equal(rows[0]!.count, 1, 'its job too, inside the transaction');
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const rows = await db.selectFrom('notifications').select('id').where('record_id', '=', 'ODR-ROLL-BACK').execute();
    assert.deepEqual(rows, []);
    const jobsAfter = (await sql<{ count: number }>`select count(*)::int as count from pgboss.job`.execute(db)).rows[0]!.count;
    assert.equal(jobsAfter, jobsBefore);
  });

  it('queues a message once however often it is asked, and sends it once with what was rendered', async () => {
    const first = await db.transaction().execute((trx) => queueNotification(trx, aReceivedMessage()));
    const again = await db
      .transaction()
      .execute((trx) => queueNotification(trx, aReceivedMessage({ recipient: ' SIAN@example.com ' })));
    assert.ok(first?.id);
    assert.equal(again, undefined, 'the same event, record, channel and recipient');
    const rows = await db.selectFrom('notifications').select('id').where('record_id', '=', 'ODR-7K4M-2Q9P').execute();
    assert.deepEqual(rows, [{ id: first.id }]);
    assert.equal((await jobsFor(first.id)).length, 1, 'one job');

    const sent = await statusBecomes(first.id, 'sent');
    assert.equal(sent.provider, 'recording');
    assert.match(sent.provider_reference ?? '', /^ref-\d+$/);
    assert.ok(sent.sent_at);
    assert.equal(sent.attempts, 1);
    const delivered = sender.sent.filter((message) => message.id === first.id);
    assert.equal(delivered.length, 1);
    assert.deepEqual(delivered[0], {
      ...delivered[0],
      channel: 'email',
      recipient: 'sian@example.com',
      subject: 'We have received your request: ODR-7K4M-2Q9P',
      body: sent.body,
    });
    assert.match(sent.body, /^Dear Siân Roberts,/);

    // The job delivered again (pg-boss delivers at least once): nothing more is sent.
    assert.equal(await deliverNotification(db, sender, first.id), 'skipped');
    assert.equal(sender.sent.filter((message) => message.id === first.id).length, 1);
  });

  it('sends once when two deliveries of one job race each other', async () => {
    // Queued without a job, so that only the two deliveries below take it.
    const id = await aMessageWithoutJob(db, '+447911123456', 'ODR-RACE', {
      event: 'case.updated',
      channel: 'sms',
      language: 'cy',
      subject: null,
      body: 'Diweddariad',
    });
    const outcomes = await Promise.all([deliverNotification(db, sender, id), deliverNotification(db, sender, id)]);
    assert.deepEqual(outcomes.sort(), ['sent', 'skipped']);
    assert.equal(sender.sent.filter((message) => message.id === id).length, 1);
  });

  it('retries a message the provider cannot take now, then gives up after the last attempt', async () => {
    const queued = await db
      .transaction()
      .execute((trx) => queueNotification(trx, aReceivedMessage({ recordId: 'ODR-BUSY', recipient: 'busy@example.com' })));
    const failed = await statusBecomes(queued!.id, 'failed');
    assert.equal(failed.attempts, 3);
    assert.equal(failed.last_error, 'provider busy: 503');
    assert.equal(sender.tried.filter((message) => message.id === queued!.id).length, 3);
    assert.equal(sender.sent.filter((message) => message.id === queued!.id).length, 0);
    const [job] = await until('the job to stop', async () => {
      const found = await jobsFor(queued!.id);
      return found[0]?.state === 'completed' || found[0]?.state === 'failed' ? found : undefined;
    });
    assert.equal(job!.retry_count, 2, 'two retries after the first attempt');
  });

  it('fails a message the provider refuses for good at once', async () => {
    const queued = await db
      .transaction()
      .execute((trx) => queueNotification(trx, aReceivedMessage({ recordId: 'ODR-REFUSED', recipient: 'refused@example.com' })));
    const failed = await statusBecomes(queued!.id, 'failed');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.last_error, 'no such mailbox');
  });

  it('sweeps up a message left waiting with no job, once', async () => {
    const id = await aMessageWithoutJob(db, 'waiting@example.com', 'ODR-WAITING', {
      event: 'case.closed',
      subject: 'How did we do?',
      body: 'Please tell us',
    });
    await db
      .updateTable('notifications')
      .set({ queued_at: sql<Date>`now() - interval '10 minutes'` })
      .where('id', '=', id)
      .execute();
    assert.equal(await sweepWaitingNotifications(db, 60), 1);
    assert.equal(await sweepWaitingNotifications(db, 60), 0, 'its job is there already');
    await statusBecomes(id, 'sent');
    assert.equal(await sweepWaitingNotifications(db, 60), 0, 'nothing is waiting');
    assert.equal(sender.sent.filter((message) => message.id === id).length, 1);
  });

  it('sends again, once, a message left sending by a process that died, only through a sender that delivers it once', async (context) => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-sink-'));
    context.after(() => fs.rmSync(directory, { recursive: true, force: true }));
    const sink = directorySender(directory);
    const id = await aMessageWithoutJob(db, 'abandoned@example.com', 'ODR-ABANDONED');
    // A worker took it and wrote it to the sink, then died before recording it as sent.
    const taken = await claimForSending(db, id);
    await sink.send({ id, channel: 'email', recipient: taken!.recipient, subject: taken!.subject, body: taken!.body });
    const timeout = { maxAttempts: 3, sendTimeoutSeconds: 30 };
    assert.equal(await deliverNotification(db, sink, id, timeout), 'skipped', 'not while its send may still be going on');
    assert.deepEqual(await sweepWaitingNotifications(db, 60, { sendingAbandonedAfterSeconds: 30 }), 0);
    await claimedAgo(db, id, '1 minute');
    assert.equal(await deliverNotification(db, sender, id, timeout), 'skipped', 'a sender that might deliver twice leaves it');
    assert.equal(await deliverNotification(db, sink, id, timeout), 'sent');
    assert.deepEqual(
      fs.readdirSync(directory).filter((name) => name.startsWith(id)),
      [`${id}.json`],
      'one delivery in the sink, though sent twice',
    );
    const row = await db
      .selectFrom('notifications')
      .select(['status', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'sent', attempts: 2 });
  });

  it('sweeps up a message left sending by a process that died once its job has run out, for an idempotent sender', async () => {
    const id = await aMessageWithoutJob(db, 'swept@example.com', 'ODR-SWEPT');
    await claimForSending(db, id);
    await claimedAgo(db, id, '10 minutes');
    assert.equal(await sweepWaitingNotifications(db, 60), 0, 'not for a sender that might deliver twice');
    assert.equal(await sweepWaitingNotifications(db, 60, { sendingAbandonedAfterSeconds: 30 }), 1);
    // The worker here is the recording sender's, which is not idempotent: it leaves the message be.
    const [job] = await until('its job to run', async () => {
      const found = await jobsFor(id);
      return found[0]?.state === 'completed' ? found : undefined;
    });
    assert.ok(job);
  });
});

describe('queueing before background jobs have ever run on the database', () => {
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
    await sql`insert into organisations (id, code, name, kind) values (${COUNCIL}, 'no-jobs', 'No Jobs Council', 'council')`.execute(
      database.db,
    );
  });
  after(() => database.drop());

  it('still queues the message, for the sweep to send once jobs start', async () => {
    const queued = await database.db.transaction().execute((trx) => queueNotification(trx, aReceivedMessage()));
    assert.ok(queued?.id);
    const row = await database.db
      .selectFrom('notifications')
      .select('status')
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'queued');
  });
});
