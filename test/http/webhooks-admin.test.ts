// The administrators' webhooks pages, over real HTTP: add a subscription (its secret shown once),
// see it listed without its secret, its page with deliveries and attempts, pause and resume it,
// change its secret, delete it; all audited. Only administrators, and only their own organisation's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { recordEvent } from '../../src/platform/events/events.ts';
import { fanOutEvent } from '../../src/integration/webhooks/delivery.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

describe('the webhooks pages', () => {
  let server: TestServer;
  let admin: WebClient;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    councilId = (await findFirstCouncil(server.db))!.id;
  });
  after(() => server.close());

  const aSubscription = (name: string, organisationId = councilId) =>
    server.services.webhooks.create(systemActor('test'), {
      organisationId,
      name,
      url: `https://${name.toLowerCase().replace(/\W+/g, '-')}.example.gov.uk/hook`,
      eventTypes: ['case.created'],
    });

  it('adds a webhook, shows its secret once, lists it without the secret, and audits it', async () => {
    const list = await admin.get('/staff/admin/webhooks');
    assert.equal(list.status, 200);
    assert.equal(list.heading, 'Webhooks');
    const form = await admin.get('/staff/admin/webhooks/new');
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'Add a webhook');
    const boxes = form.dom.querySelectorAll('input[name="eventTypes"]').map((box) => box.getAttribute('value'));
    assert.deepEqual(boxes, [
      'case.created',
      'case.status_changed',
      'case.update_added',
      'case.assigned',
      'complaint.created',
      'complaint.stage_changed',
    ]);

    const made = await admin.post('/staff/admin/webhooks', {
      name: 'Waste system',
      url: 'https://waste.example.gov.uk/onedoor',
      organisationId: councilId,
      eventTypes: ['case.created', 'case.status_changed'],
    });
    assert.equal(made.status, 200, made.errorSummary.join('; '));
    assert.equal(made.heading, 'Your webhook’s signing secret');
    assert.match(made.headers.get('cache-control') ?? '', /no-store/);
    const secret = made.dom.querySelector('#webhook-secret')?.text.trim() ?? '';
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);

    const row = await server.db
      .selectFrom('webhook_subscriptions')
      .select(['id', 'secret', 'event_types', 'status'])
      .where('name', '=', 'Waste system')
      .executeTakeFirstOrThrow();
    assert.equal(row.secret, secret, 'kept to sign with');
    assert.deepEqual(row.event_types, ['case.created', 'case.status_changed']);

    const listed = await admin.get('/staff/admin/webhooks');
    assert.ok(listed.html.includes('Waste system'));
    assert.ok(listed.html.includes('case.created, case.status_changed'));
    assert.ok(!listed.html.includes(secret), 'the secret is not listed');
    const page = await admin.get(`/staff/admin/webhooks/${row.id}`);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Waste system');
    assert.ok(!page.html.includes(secret), 'nor shown on its page');
    const sessions = JSON.stringify(await server.db.selectFrom('sessions').select('data').execute());
    assert.ok(!sessions.includes(secret), 'nor kept in anyone’s session');
    const audit = await server.db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'changes', 'details'])
      .where('record_id', '=', row.id)
      .execute();
    assert.deepEqual(
      audit.map((event) => [event.action, event.actor_label]),
      [['webhook.create', ADMIN.email]],
    );
    assert.ok(!JSON.stringify(audit).includes(secret), 'nor in the audit trail');
  });

  it('shows what to fix when the form is incomplete or the address is not https', async () => {
    await admin.get('/staff/admin/webhooks/new');
    const empty = await admin.post('/staff/admin/webhooks', { name: '', url: '', organisationId: councilId });
    assert.equal(empty.status, 400);
    assert.match(empty.dom.querySelector('title')?.text ?? '', /^Error: /);
    assert.deepEqual(empty.errorSummary, [
      'Enter a name for the webhook',
      'Enter the address to send events to',
      'Select at least one event',
    ]);
    const plain = await admin.post('/staff/admin/webhooks', {
      name: 'Highways',
      url: 'http://highways.example.gov.uk/hook',
      organisationId: councilId,
      eventTypes: ['case.created'],
    });
    assert.equal(plain.status, 400);
    assert.deepEqual(plain.errorSummary, ['The address must start with https://']);
    assert.equal(
      plain.dom.querySelector('#url')?.getAttribute('value'),
      'http://highways.example.gov.uk/hook',
      'what was typed is kept',
    );
  });

  it('shows what to fix for a name too long, an address that is not one, an unknown event and no organisation', async () => {
    await admin.get('/staff/admin/webhooks/new');
    const refused = await admin.post('/staff/admin/webhooks', {
      name: 'W'.repeat(101),
      url: 'waste.example.gov.uk/hook',
      organisationId: 'not-an-organisation',
      eventTypes: ['case.deleted'],
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.errorSummary, [
      'The name must be 100 characters or fewer',
      'Enter a full web address, like https://waste.example.gov.uk/onedoor',
      'Select an organisation',
      'Select at least one event',
    ]);
    const withPassword = await admin.post('/staff/admin/webhooks', {
      name: 'Parking',
      url: 'https://user:secret@parking.example.gov.uk/hook',
      organisationId: councilId,
      eventTypes: ['case.created'],
    });
    assert.equal(withPassword.status, 400);
    assert.deepEqual(withPassword.errorSummary, [
      'Remove the user name and password from the address: OneDoor signs each message instead',
    ]);
  });

  it('refuses a webhook for an organisation that has been closed, keeping what was typed', async () => {
    const closedId = await aPartnerAgency(server.db, 'hooks-closed', 'Closed Agency');
    await server.db.updateTable('organisations').set({ active: false }).where('id', '=', closedId).execute();
    await admin.get('/staff/admin/webhooks/new');
    const refused = await admin.post('/staff/admin/webhooks', {
      name: 'Closed agency system',
      url: 'https://closed.example.gov.uk/hook',
      organisationId: closedId,
      eventTypes: ['case.created'],
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.errorSummary, ['The organisation has been closed']);
    assert.equal(refused.dom.querySelector('#name')?.getAttribute('value'), 'Closed agency system');
    assert.equal(
      await server.db.selectFrom('webhook_subscriptions').select('id').where('organisation_id', '=', closedId).executeTakeFirst(),
      undefined,
    );
  });

  it('shows a subscription’s recent deliveries with each attempt’s answer, time taken and excerpt', async () => {
    const made = await aSubscription('Revenues system');
    const eventId = await server.db
      .transaction()
      .execute((trx) =>
        recordEvent(trx, { councilId, type: 'case.created', subject: 'ODR-DELI-VER1', data: { reference: 'ODR-DELI-VER1' } }),
      );
    await fanOutEvent(server.db, eventId);
    const delivery = await server.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('subscription_id', '=', made.id)
      .executeTakeFirstOrThrow();
    await server.db
      .insertInto('webhook_attempts')
      .values([
        {
          delivery_id: delivery.id,
          outcome: 'failed',
          status_code: 503,
          duration_ms: 1234,
          response_excerpt: 'Service <b>unavailable</b>',
        },
        { delivery_id: delivery.id, outcome: 'failed', status_code: null, duration_ms: 10_000, error: 'timed out after 10 s' },
      ])
      .execute();
    const page = await admin.get(`/staff/admin/webhooks/${made.id}`);
    assert.equal(page.status, 200);
    const text = page.dom.querySelector('main')?.text ?? '';
    assert.match(text, /ODR-DELI-VER1/);
    assert.match(text, /case\.created/);
    assert.match(text, /2 attempts/);
    assert.match(text, /503/);
    assert.match(text, /1234 ms/);
    assert.match(text, /timed out after 10 s/);
    assert.ok(page.html.includes('Service &lt;b&gt;unavailable&lt;/b&gt;'), 'the receiver’s answer is escaped');
  });

  it('pauses and resumes a subscription, changes its secret and deletes it, each audited', async () => {
    const made = await aSubscription('Highways system');
    const path = `/staff/admin/webhooks/${made.id}`;
    await admin.get(path);
    const paused = await admin.post(`${path}/pause`, {});
    assert.equal(paused.status, 303);
    assert.equal(paused.location, path);
    const afterPause = await admin.follow(paused);
    assert.match(afterPause.html, /The webhook has been paused/);
    assert.match(afterPause.dom.querySelector('main')?.text ?? '', /Paused/);

    const resumed = await admin.post(`${path}/resume`, {});
    assert.equal(resumed.status, 303);
    assert.match((await admin.follow(resumed)).html, /The webhook has been resumed/);

    const confirm = await admin.get(`${path}/rotate-secret`);
    assert.equal(confirm.heading, 'Change the secret of Highways system?');
    const rotated = await admin.post(`${path}/rotate-secret`, {});
    assert.equal(rotated.status, 200);
    assert.equal(rotated.heading, 'Your webhook’s new signing secret');
    assert.match(rotated.headers.get('cache-control') ?? '', /no-store/);
    const secret = rotated.dom.querySelector('#webhook-secret')?.text.trim() ?? '';
    assert.match(secret, /^whsec_/);
    assert.notEqual(secret, made.secret);
    const stored = await server.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.secret, secret);

    const confirmDelete = await admin.get(`${path}/delete`);
    assert.equal(confirmDelete.heading, 'Delete the webhook Highways system?');
    const deleted = await admin.post(`${path}/delete`, {});
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, '/staff/admin/webhooks');
    const list = await admin.follow(deleted);
    assert.match(list.html, /The webhook has been deleted/);
    assert.ok(!list.html.includes('Highways system'));
    assert.equal((await admin.get(path)).status, 404);
    const gone = await server.db
      .selectFrom('webhook_subscriptions')
      .select(['secret', 'deleted_at'])
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.equal(gone.secret, null, 'its secret is forgotten');
    assert.ok(gone.deleted_at);

    const actions = await server.db
      .selectFrom('audit_events')
      .select(['action', 'actor_label'])
      .where('record_id', '=', made.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      actions.map((event) => event.action),
      ['webhook.create', 'webhook.pause', 'webhook.resume', 'webhook.rotate_secret', 'webhook.delete'],
    );
    assert.ok(actions.slice(1).every((event) => event.actor_label === ADMIN.email));
    const { rows } = await sql<{
      text: string;
    }>`select changes::text || details::text as text from audit_events where record_id = ${made.id}`.execute(server.db);
    assert.ok(!rows.some((row) => row.text?.includes(secret) || row.text?.includes(made.secret)), 'no secret in the audit trail');
  });

  it('refuses changes without the form’s CSRF token', async () => {
    const made = await aSubscription('Unguarded system');
    await admin.get(`/staff/admin/webhooks/${made.id}`);
    for (const action of ['pause', 'rotate-secret', 'delete']) {
      const page = await admin.post(`/staff/admin/webhooks/${made.id}/${action}`, { _csrf: 'forged' });
      assert.equal(page.status, 403, action);
    }
    const row = await server.db
      .selectFrom('webhook_subscriptions')
      .select(['status', 'secret', 'deleted_at'])
      .where('id', '=', made.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'active', secret: made.secret, deleted_at: null });
  });

  it('keeps a partner agency’s administrator to their own agency’s webhooks', async () => {
    const partnerId = await aPartnerAgency(server.db, 'hooks-police', 'Hooks Police');
    const partnerAdmin = await server.signedIn(await aStaffMember(server.db, { roles: ['admin'], organisation: 'hooks-police' }));
    const councils = await aSubscription('Council only system');
    const theirs = await aSubscription('Police system', partnerId);

    const list = await partnerAdmin.get('/staff/admin/webhooks');
    assert.equal(list.status, 200);
    assert.ok(!list.html.includes('Council only system'));
    assert.ok(list.html.includes('Police system'));
    assert.equal((await partnerAdmin.get(`/staff/admin/webhooks/${theirs.id}`)).status, 200);
    for (const path of ['', '/rotate-secret', '/delete'])
      assert.equal((await partnerAdmin.get(`/staff/admin/webhooks/${councils.id}${path}`)).status, 404, `GET ${path}`);
    await partnerAdmin.get(`/staff/admin/webhooks/${theirs.id}`);
    for (const action of ['pause', 'resume', 'rotate-secret', 'delete'])
      assert.equal((await partnerAdmin.post(`/staff/admin/webhooks/${councils.id}/${action}`, {})).status, 404, `POST ${action}`);
    assert.equal((await partnerAdmin.get('/staff/admin/webhooks/not-a-uuid')).status, 404);

    const form = await partnerAdmin.get('/staff/admin/webhooks/new');
    assert.deepEqual(
      form.dom.querySelectorAll('#organisationId option').map((option) => option.text.trim()),
      ['Hooks Police'],
    );
    const refused = await partnerAdmin.post('/staff/admin/webhooks', {
      name: 'Sneaky',
      url: 'https://sneaky.example.gov.uk/hook',
      organisationId: councilId,
      eventTypes: ['case.created'],
    });
    assert.equal(refused.status, 403);
    const row = await server.db
      .selectFrom('webhook_subscriptions')
      .select(['status', 'deleted_at'])
      .where('id', '=', councils.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'active', deleted_at: null });
    assert.equal(
      await server.db.selectFrom('webhook_subscriptions').select('id').where('name', '=', 'Sneaky').executeTakeFirst(),
      undefined,
    );
  });

  it('is not open to staff who are not administrators', async () => {
    const made = await aSubscription('Hidden system');
    const leader = await server.signedIn(await aStaffMember(server.db, { roles: ['team_leader', 'dpo', 'officer'] }));
    for (const path of ['/staff/admin/webhooks', '/staff/admin/webhooks/new', `/staff/admin/webhooks/${made.id}`])
      assert.equal((await leader.get(path)).status, 403, path);
    await leader.get('/staff');
    assert.equal((await leader.post(`/staff/admin/webhooks/${made.id}/delete`, {})).status, 403);
    const home = await leader.get('/staff');
    assert.ok(!home.html.includes('/staff/admin/webhooks'), 'nor in their navigation');
    const signedOut = await server.client().get('/staff/admin/webhooks');
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.location ?? '', /^\/staff\/sign-in/);
  });

  it('answers the address in the issue by pointing to the administrators’ page', async () => {
    const page = await admin.get('/staff/webhooks');
    assert.equal(page.status, 302);
    assert.equal(page.location, '/staff/admin/webhooks');
  });
});
