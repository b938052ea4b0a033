// POST /api/v1/inbound-email from outside over real HTTP, as the council's mail relay would call
// it: real RFC 822 messages (plain, and multipart with an attachment), what they become, the same
// message twice, and the refusals (scope 403, content type 415, size 413, empty 400, not mail 422).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { aService, aStaffMember, aTeam } from '../support/builders.ts';
import { assertProblem, type Answer } from '../support/api.ts';
import { aPng } from '../support/files.ts';
import { aCaseOf, aResidentWithEmail } from '../support/inboundEmail.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the inbound email API', () => {
  let server: TestServer;
  let councilId: string;
  let relayKey: string;
  let customerId: string;
  let reference: string;
  let caseId: string;

  const makeKey = async (scopes: Scope[]) =>
    (
      await server.services.apiKeys.create(systemActor('test'), {
        organisationId: councilId,
        name: `key ${scopes.join(' ')}`,
        scopes,
      })
    ).key;

  /** Posts a body as the relay does. */
  async function deliver(
    body: Buffer | string,
    options: { key?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await fetch(new URL('/api/v1/inbound-email', server.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.key ?? relayKey}`,
        'content-type': options.contentType ?? 'message/rfc822',
        ...options.headers,
      },
      body,
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    const serviceId = await aService(db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin', slaWorkingDays: 2 });
    customerId = await aResidentWithEmail(server.services, councilId, {
      givenName: 'Bethan',
      familyName: 'Morgan',
      email: 'bethan@example.org',
    });
    ({ id: caseId, reference } = await aCaseOf(db, { councilId, serviceId, teamId, customerId, status: 'awaiting_customer' }));
    relayKey = await makeKey(['inbound-email:write']);
  });
  after(() => server.close());

  it('puts the customer’s reply with a photo on their case, and counts the attachment', async () => {
    const boundary = 'onedoor-boundary';
    const raw = [
      'From: Bethan Morgan <bethan@example.org>',
      'To: contact@council.example',
      `Subject: Re: Your request ${reference}`,
      'Date: Mon, 23 Nov 2026 09:15:00 +0000',
      `Message-ID: <${crypto.randomUUID()}@example.org>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Here is a photo of the bin, still full.',
      '',
      `On 20 Nov the council wrote: your reference is ${reference}`,
      `--${boundary}`,
      'Content-Type: image/png; name="bin.png"',
      'Content-Disposition: attachment; filename="bin.png"',
      'Content-Transfer-Encoding: base64',
      '',
      aPng().toString('base64'),
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const answer = await deliver(raw);
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(answer.body, { id: answer.body.id, outcome: 'case_update', caseReference: reference, customerId });

    const stored = await server.db
      .selectFrom('inbound_emails')
      .selectAll()
      .where('id', '=', String(answer.body.id))
      .executeTakeFirstOrThrow();
    assert.equal(stored.attachment_count, 1);
    assert.equal(stored.attachment_bytes, aPng().length);
    assert.deepEqual(stored.attachments, [{ fileName: 'bin.png', contentType: 'image/png', sizeBytes: aPng().length }]);
    const event = await server.db
      .selectFrom('case_events')
      .select(['body', 'actor_type'])
      .where('case_id', '=', caseId)
      .where('kind', '=', 'customer_message')
      .executeTakeFirstOrThrow();
    assert.match(event.body ?? '', /still full/);
    assert.equal(event.actor_type, 'resident');

    // The case's page shows it on the timeline, as the resident's email.
    const staff = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    const page = await staff.get(`/staff/cases/${reference}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Email from the resident/);
    assert.match(page.html, /still full/);
  });

  it('answers the same message again as a duplicate, and records it once', async () => {
    const raw = ['From: someone@elsewhere.example', 'Subject: Hello', 'Message-ID: <same-one@example.net>', '', 'Hi'].join(
      '\r\n',
    );
    const first = await deliver(raw);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.outcome, 'unmatched');
    const again = await deliver(raw);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { id: first.body.id, outcome: 'duplicate' });
    // A relay that names the character set in the content type is heard the same.
    const withCharset = await deliver(raw, { contentType: 'message/rfc822; charset=utf-8' });
    assert.equal(withCharset.status, 200, withCharset.text);
    assert.equal(withCharset.body.outcome, 'duplicate');
    const rows = await server.db
      .selectFrom('inbound_emails')
      .select('id')
      .where('message_id', '=', 'same-one@example.net')
      .execute();
    assert.equal(rows.length, 1);
  });

  it('honours Idempotency-Key: the same request replays its first answer', async () => {
    const raw = [
      'From: bethan@example.org',
      'Subject: A question',
      `Message-ID: <${crypto.randomUUID()}@example.org>`,
      '',
      'When?',
    ].join('\r\n');
    const key = crypto.randomUUID();
    const first = await deliver(raw, { headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.outcome, 'contact');
    const replayed = await deliver(raw, { headers: { 'idempotency-key': key } });
    assert.equal(replayed.status, 201);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replayed.body, first.body);
  });

  it('refuses a key without the inbound-email:write scope', async () => {
    const other = await makeKey(['contacts:write']);
    assertProblem(await deliver('From: a@example.org\r\n\r\nHi', { key: other }), 403, 'insufficient-scope');
  });

  it('refuses anything but message/rfc822 with 415', async () => {
    assertProblem(await deliver('{"from":"a@example.org"}', { contentType: 'application/json' }), 415, 'unsupported-media-type');
    assertProblem(await deliver('From: a@example.org\r\n\r\nHi', { contentType: 'text/plain' }), 415, 'unsupported-media-type');
    assertProblem(await deliver('abc', { contentType: 'application/octet-stream' }), 415, 'unsupported-media-type');
  });

  it('refuses an empty body with 400 and a message over 10 MB with 413', async () => {
    const empty = await deliver('');
    assertProblem(empty, 400, 'bad-request');
    assert.equal(empty.body.code, 'inboundEmail.errors.empty');
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
    assertProblem(await deliver(huge), 413, 'too-large');
  });

  it('refuses what is not an email (no sender) with 422, field by field', async () => {
    const answer = await deliver('just some words\r\n');
    assertProblem(answer, 422, 'invalid');
    assert.deepEqual(answer.body.errors, [
      { field: 'message', message: 'The message has no sender address (From)', code: 'inboundEmail.errors.noSender' },
    ]);
  });

  it('lists unmatched email for the front line, who match a message to its customer', async () => {
    const raw = [
      'From: Bethan M <bethan.new@example.net>',
      'Subject: New address',
      `Message-ID: <${crypto.randomUUID()}@example.net>`,
      '',
      'I have moved: <b>not html</b>, just text.',
    ].join('\r\n');
    const taken = await deliver(raw);
    assert.equal(taken.body.outcome, 'unmatched');
    const id = String(taken.body.id);

    const advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    const list = await advisor.get('/staff/inbound-email');
    assert.equal(list.status, 200);
    assert.equal(list.heading, 'Unmatched email');
    assert.ok(list.dom.querySelector(`a[href="/staff/inbound-email/${id}"]`), 'the message is listed');

    const page = await advisor.get(`/staff/inbound-email/${id}?q=Bethan%20Morgan`);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'New address');
    // Free text from the public is escaped, never trusted as HTML.
    assert.match(page.dom.querySelector('#message-text')?.innerHTML ?? '', /&lt;b&gt;not html&lt;\/b&gt;/);
    assert.ok(page.dom.querySelector(`input[name="customerId"][value="${customerId}"]`), 'the customer is offered');

    const unchosen = await advisor.post(`/staff/inbound-email/${id}/match`, { q: 'Bethan Morgan' });
    assert.equal(unchosen.status, 400);
    assert.deepEqual(unchosen.errorSummary, ['Select the customer the email is from']);

    const matched = await advisor.post(`/staff/inbound-email/${id}/match`, { customerId, q: 'Bethan Morgan' });
    assert.equal(matched.status, 303);
    assert.equal(matched.location, `/staff/customers/${customerId}`);
    const stored = await server.db
      .selectFrom('inbound_emails')
      .select(['outcome', 'customer_id', 'contact_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(stored.outcome, 'contact');
    assert.equal(stored.customer_id, customerId);
    const contact = await server.db
      .selectFrom('contacts')
      .select('customer_id')
      .where('id', '=', stored.contact_id!)
      .executeTakeFirstOrThrow();
    assert.equal(contact.customer_id, customerId);
    const again = await advisor.get('/staff/inbound-email');
    assert.equal(again.dom.querySelector(`a[href="/staff/inbound-email/${id}"]`), null, 'no longer unmatched');

    // Someone who does not deal with residents' mail is refused.
    const analyst = await server.signedIn(await aStaffMember(server.db, { roles: ['performance_analyst'] }));
    assert.equal((await analyst.get('/staff/inbound-email')).status, 403);
  });

  it('describes the call in the OpenAPI document, with its scope and content type', async () => {
    const response = await fetch(new URL('/api/v1/openapi.json', server.url));
    const document = (await response.json()) as {
      paths: Record<
        string,
        { post?: { security: Record<string, string[]>[]; requestBody: { content: Record<string, unknown> } } }
      >;
    };
    const operation = document.paths['/api/v1/inbound-email']?.post;
    assert.ok(operation, 'the call is described');
    assert.deepEqual(operation.security, [{ apiKey: ['inbound-email:write'] }]);
    assert.ok('message/rfc822' in operation.requestBody.content);
  });
});
