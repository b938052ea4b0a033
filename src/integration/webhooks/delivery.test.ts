// Webhooks end to end, against a real PostgreSQL with pg-boss really running the fan-out and send
// workers, and real HTTP receivers on 127.0.0.1 that check each signature as a council's system
// would: a receiver that fails once gets the delivery again after a backoff and takes it once; a
// receiver that always fails has its subscription paused, its later events held, and sent when
// an administrator resumes it.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { sleep, until } from '../../../test/support/wait.ts';
import { aMissedBinCouncil } from '../../../test/support/webhooks.ts';
import type { CasesService } from '../../cases/service.ts';
import type { Db } from '../../db/database.ts';
import { systemActor } from '../../platform/actor.ts';
import { EVENTS_QUEUE, recordEvent } from '../../platform/events/events.ts';
import { startJobs, type Jobs } from '../../platform/jobs.ts';
import { SEND_QUEUE, sweepWebhooks, webhookJobs } from './delivery.ts';
import type { WebhookDeliverySettings } from './rules.ts';
import { createWebhooksService, type WebhooksService } from './service.ts';
import { verifyWebhookSignature } from './signing.ts';

const system = systemActor('test');

/** Seconds, not minutes: two attempts a delivery, the retry 1 to 2 s after the first. */
const SETTINGS: WebhookDeliverySettings = {
  maxAttempts: 2,
  retryDelaySeconds: 1,
  retryBackoff: true,
  pauseAfterFailedDeliveries: 2,
  timeoutMs: 3_000,
  sweepAfterSeconds: 60,
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
};

interface Received {
  path: string;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver made of the signature. */
  verified: boolean;
  answered: number;
}

/** A council system's webhook endpoint: checks each signature with the secret it was given, then answers as told. */
function aReceiver() {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const answers = new Map<string, (count: number) => number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const body = Buffer.concat(chunks);
      const verified = verifyWebhookSignature({
        secret: secrets.get(path) ?? '',
        header: request.headers['onedoor-signature'] as string | undefined,
        body,
      }).ok;
      const count = received.filter((item) => item.path === path).length + 1;
      const status = verified ? (answers.get(path)?.(count) ?? 200) : 401;
      received.push({ path, at: Date.now(), headers: request.headers, body: body.toString('utf8'), verified, answered: status });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status >= 300 ? `receiver says no (${status})` : 'thanks');
    });
  });
  return {
    received,
    secrets,
    answers,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhook delivery, end to end', () => {
  let database: TestDatabase;
  let db: Db;
  let jobs: Jobs;
  let councilId: string;
  let cases: CasesService;
  let webhooks: WebhooksService;
  const receiver = aReceiver();
  let receiverUrl: string;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    ({ councilId, cases } = await aMissedBinCouncil(db));
    webhooks = createWebhooksService(db);
    receiverUrl = await receiver.start();
    jobs = await startJobs(database.url, [], { error: () => undefined }, webhookJobs(db, SETTINGS).workers);
  });
  after(async () => {
    await jobs?.stop();
    await receiver.stop();
    await database.drop();
  });

  const subscribe = async (path: string, eventTypes: string[]) => {
    const made = await webhooks.create(system, {
      organisationId: councilId,
      name: path,
      url: `${receiverUrl}${path}`,
      eventTypes,
    });
    receiver.secrets.set(path, made.secret);
    return made;
  };
  const raise = (description: string) =>
    cases.raise(system, { serviceCode: 'missed-bin', description, channel: 'web' }, { council: councilId });
  const deliveryFor = (subscriptionId: string, reference: string) =>
    db
      .selectFrom('webhook_deliveries')
      .innerJoin('domain_events', 'domain_events.id', 'webhook_deliveries.event_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.status',
        'webhook_deliveries.attempts',
        'domain_events.id as eventId',
      ])
      .where('webhook_deliveries.subscription_id', '=', subscriptionId)
      .where('domain_events.subject', '=', reference)
      .executeTakeFirst();
  const deliveryBecomes = (subscriptionId: string, reference: string, status: string) =>
    until(`${reference}'s delivery to be ${status}`, async () => {
      const delivery = await deliveryFor(subscriptionId, reference);
      return delivery?.status === status ? delivery : undefined;
    });
  const subscriptionRow = (id: string) =>
    db
      .selectFrom('webhook_subscriptions')
      .select(['status', 'paused_reason', 'consecutive_failures', 'last_delivery_outcome'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('signs each delivery, retries after a failure with backoff, and delivers once', async () => {
    const flaky = await subscribe('/flaky', ['case.created']);
    // The waste system is busy the first time, and takes it the second.
    receiver.answers.set('/flaky', (count) => (count === 1 ? 500 : 200));
    const raised = await raise('Grey bin missed on Elm Road');

    const delivered = await deliveryBecomes(flaky.id, raised.reference, 'delivered');
    assert.equal(delivered.attempts, 2);
    const calls = receiver.received.filter((item) => item.path === '/flaky');
    assert.deepEqual(
      calls.map((call) => [call.verified, call.answered]),
      [
        [true, 500],
        [true, 200],
      ],
      'two signed POSTs: the first refused, the second taken',
    );
    const [first, second] = calls as [Received, Received];
    assert.ok(second.at - first.at >= 900, `the retry waited for its backoff (${second.at - first.at} ms)`);
    for (const call of calls) {
      assert.equal(call.headers['onedoor-event'], 'case.created');
      assert.equal(call.headers['onedoor-delivery'], delivered.id, 'the same delivery id each time, to dedupe by');
      assert.equal(call.headers['content-type'], 'application/json');
      assert.match(String(call.headers['onedoor-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    }
    assert.equal(second.body, first.body, 'the same body each time');
    const body = JSON.parse(first.body) as { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ['id', 'type', 'occurredAt', 'data']);
    assert.equal(body.id, delivered.eventId);
    assert.equal(body.type, 'case.created');
    assert.equal(body.data.reference, raised.reference);
    assert.equal(body.data.description, 'Grey bin missed on Elm Road');
    assert.ok(!Number.isNaN(Date.parse(body.occurredAt)));

    const attempts = await db
      .selectFrom('webhook_attempts')
      .select(['outcome', 'status_code', 'response_excerpt', 'duration_ms'])
      .where('delivery_id', '=', delivered.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      attempts.map(({ outcome, status_code, response_excerpt }) => ({ outcome, status_code, response_excerpt })),
      [
        { outcome: 'failed', status_code: 500, response_excerpt: 'receiver says no (500)' },
        { outcome: 'delivered', status_code: 200, response_excerpt: 'thanks' },
      ],
    );
    assert.ok(attempts.every((attempt) => attempt.duration_ms >= 0));
    // pg-boss marks the job completed just after the handler's transaction has recorded the delivery.
    const jobRows = await until('the send job to be completed', async () => {
      const { rows } = await sql<{ state: string; retry_count: number; retry_backoff: boolean }>`
        select state, retry_count, retry_backoff from pgboss.job where name = ${SEND_QUEUE} and data->>'deliveryId' = ${delivered.id}
      `.execute(db);
      return rows.some((row) => row.state === 'active') ? undefined : rows;
    });
    assert.deepEqual(jobRows, [{ state: 'completed', retry_count: 1, retry_backoff: true }], 'retried by pg-boss, with backoff');
    assert.deepEqual(await subscriptionRow(flaky.id), {
      status: 'active',
      paused_reason: null,
      consecutive_failures: 0,
      last_delivery_outcome: 'delivered',
    });

    // Nothing more arrives later: delivered is final.
    await sleep(1500);
    assert.equal(receiver.received.filter((item) => item.path === '/flaky').length, 2);
    await webhooks.delete(system, flaky.id);
  });

  it('pauses a subscription whose receiver keeps failing, holds its events, and sends them when resumed', async () => {
    const down = await subscribe('/down', ['case.created']);
    receiver.answers.set('/down', () => 503);
    const one = await raise('Green bin missed on Oak Lane');
    const two = await raise('Brown bin missed on Ash Grove');

    await until('the subscription to be paused', async () =>
      (await subscriptionRow(down.id)).status === 'paused' ? true : undefined,
    );
    assert.deepEqual(await subscriptionRow(down.id), {
      status: 'paused',
      paused_reason: 'failures',
      consecutive_failures: 2,
      last_delivery_outcome: 'failed',
    });
    for (const raised of [one, two]) {
      const delivery = await deliveryBecomes(down.id, raised.reference, 'failed');
      assert.equal(delivery.attempts, 2);
    }
    assert.equal(receiver.received.filter((item) => item.path === '/down').length, 4, 'two attempts each');
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'details'])
      .where('record_id', '=', down.id)
      .where('action', '=', 'webhook.pause')
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_label, 'job:webhooks.send');

    // While paused, an event is kept for it, not sent.
    const three = await raise('Blue bin missed on Elm Road');
    await deliveryBecomes(down.id, three.reference, 'held');
    await sleep(1000);
    assert.equal(receiver.received.filter((item) => item.path === '/down').length, 4);

    // The system is mended; an administrator resumes the subscription, and what was held is sent.
    receiver.answers.set('/down', () => 200);
    assert.equal(await webhooks.resume(system, down.id), true);
    await deliveryBecomes(down.id, three.reference, 'delivered');
    const last = receiver.received.filter((item) => item.path === '/down').at(-1)!;
    assert.equal(last.verified, true);
    assert.equal((JSON.parse(last.body) as { data: { reference: string } }).data.reference, three.reference);
    assert.deepEqual(await subscriptionRow(down.id), {
      status: 'active',
      paused_reason: null,
      consecutive_failures: 0,
      last_delivery_outcome: 'delivered',
    });
    await webhooks.delete(system, down.id);
  });

  it('sweeps up events and deliveries whose jobs were lost, and leaves those waiting on a retry alone', async () => {
    const swept = await subscribe('/swept', ['case.update_added']);
    // An event recorded while no job could be queued (jobs never started on this database, say).
    const { id: eventId } = await db
      .insertInto('domain_events')
      .values({
        council_id: councilId,
        type: 'case.update_added',
        subject: 'ODR-SWEP-T001',
        data: JSON.stringify({ reference: 'ODR-SWEP-T001' }),
        occurred_at: new Date(Date.now() - 600_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`update domain_events set created_at = now() - interval '10 minutes' where id = ${eventId}`.execute(db);
    // (A subscription hears only of events recorded after it was made.)
    await sql`update webhook_subscriptions set created_at = now() - interval '1 hour' where id = ${swept.id}`.execute(db);
    assert.deepEqual(await sweepWebhooks(db, 60), { deliveries: 0, events: 1 });
    await deliveryBecomes(swept.id, 'ODR-SWEP-T001', 'delivered');

    // A delivery whose job is gone: sent again under a new job. One waiting on its retry: left alone.
    await sql`update webhook_deliveries set status = 'pending', queued_at = now() - interval '10 minutes' where subscription_id = ${swept.id}`.execute(
      db,
    );
    assert.deepEqual(await sweepWebhooks(db, 60), { deliveries: 1, events: 0 });
    await deliveryBecomes(swept.id, 'ODR-SWEP-T001', 'delivered');
    assert.equal(receiver.received.filter((item) => item.path === '/swept').length, 2);
    receiver.answers.set('/swept', () => 500);
    await sql`update webhook_deliveries set status = 'pending', attempts = 0, queued_at = now() - interval '10 minutes' where subscription_id = ${swept.id}`.execute(
      db,
    );
    assert.deepEqual(await sweepWebhooks(db, 60), { deliveries: 1, events: 0 });
    await until('the retry to be waiting', async () => {
      const { rows } = await sql<{ state: string }>`
        select job.state from pgboss.job job join webhook_deliveries delivery on delivery.job_id = job.id
        where delivery.subscription_id = ${swept.id}
      `.execute(db);
      return rows[0]?.state === 'retry' ? true : undefined;
    });
    assert.deepEqual(await sweepWebhooks(db, 60), { deliveries: 0, events: 0 }, 'its retry is still to run');
    await webhooks.delete(system, swept.id);
  });

  it('queues neither event nor job when the change is rolled back', async () => {
    const jobsBefore = (
      await sql<{ count: number }>`select count(*)::int as count from pgboss.job where name = ${EVENTS_QUEUE}`.execute(db)
    ).rows[0]!.count;
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        const id = await recordEvent(trx, { councilId, type: 'case.created', subject: 'ODR-ROLL-BACK', data: {} });
        const { rows } = await sql<{ count: number }>`
          select count(*)::int as count from pgboss.job where name = ${EVENTS_QUEUE} and id = ${id}
        `.execute(trx);
        assert.equal(rows[0]!.count, 1, 'its fan-out job, inside the transaction');
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const jobsAfter = (
      await sql<{ count: number }>`select count(*)::int as count from pgboss.job where name = ${EVENTS_QUEUE}`.execute(db)
    ).rows[0]!.count;
    assert.equal(jobsAfter, jobsBefore);
    assert.equal((await db.selectFrom('domain_events').select('id').where('subject', '=', 'ODR-ROLL-BACK').execute()).length, 0);
  });
});
