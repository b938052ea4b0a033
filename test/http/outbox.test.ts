// The outbox from outside over real HTTP: newest first, a page at a time, filtered by channel,
// status and event; each message exactly as sent, escaped; who may read it; and each reading of
// a message in the audit trail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { queueNotification, type NotificationRequest } from '../../src/platform/notifications/outbox.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

describe('the outbox', () => {
  let server: TestServer;
  let councilId: string;
  let otherCouncilId: string;
  let advisor: WebClient;

  /** A message queued as a case would queue it, at a time of the test's choosing. */
  async function aMessage(
    request: Partial<NotificationRequest> & { recordId: string },
    at: string,
    councilOf = () => councilId,
  ): Promise<string> {
    const queued = await server.db.transaction().execute((trx) =>
      queueNotification(trx, {
        councilId: councilOf(),
        event: 'case.received',
        channel: 'email',
        recipient: `${request.recordId.toLowerCase()}@example.com`,
        language: 'en',
        recordType: 'case',
        personalisation: {
          name: 'Siân Roberts',
          reference: request.recordId,
          serviceName: 'Missed bin collection',
          dueDate: '3 March 2026',
          trackingUrl: 'https://council.example/track/abc',
        },
        ...request,
      }),
    );
    await sql`update notifications set created_at = ${at}::timestamptz, queued_at = ${at}::timestamptz where id = ${queued!.id}`.execute(
      server.db,
    );
    return queued!.id;
  }

  function references(page: Page): string[] {
    assert.equal(page.status, 200);
    return page.dom
      .querySelectorAll('table tbody tr')
      .map((row) => row.querySelector('td a')?.text.trim().replace(/^.*: /, '') ?? '');
  }

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    otherCouncilId = (
      await server.db
        .insertInto('organisations')
        .values({ code: 'other-council', name: 'Other Council', kind: 'council' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
  });
  after(() => server.close());

  it('lists the council’s messages newest first, and no other council’s', async () => {
    await aMessage({ recordId: 'ODR-AAAA-0001' }, '2026-01-05T10:00:00Z');
    await aMessage({ recordId: 'ODR-AAAA-0002' }, '2026-01-06T10:00:00Z');
    await aMessage({ recordId: 'ODR-OTHR-0001' }, '2026-01-07T10:00:00Z', () => otherCouncilId);
    const page = await advisor.get('/staff/outbox');
    assert.equal(page.heading, 'Outbox');
    assert.deepEqual(references(page), ['ODR-AAAA-0002', 'ODR-AAAA-0001']);
  });

  it('filters by channel, status and event, and shows the chosen filters as tags that remove them', async () => {
    await aMessage(
      {
        recordId: 'ODR-SMS0-0001',
        channel: 'sms',
        recipient: '07911 123456',
        event: 'case.updated',
        occurrence: 'u1',
        personalisation: {
          name: 'Siân',
          reference: 'ODR-SMS0-0001',
          serviceName: 'Fly-tipping',
          updateText: 'Cleared today.',
          trackingUrl: 'https://council.example/track/def',
        },
      },
      '2026-01-08T10:00:00Z',
    );
    const smsOnly = await advisor.get('/staff/outbox?channel=sms');
    assert.equal(smsOnly.dom.querySelectorAll('table tbody tr').length, 1);
    assert.match(smsOnly.dom.querySelector('table tbody tr')!.text, /Text message/);
    assert.match(smsOnly.dom.querySelector('table tbody tr')!.text, /\+447911123456/);
    const tags = smsOnly.dom.querySelectorAll('.moj-filter__tag');
    assert.deepEqual(
      tags.map((tag) => [tag.text.replace('Remove this filter', '').trim(), tag.getAttribute('href')]),
      [['Text message', '/staff/outbox']],
    );

    assert.deepEqual(references(await advisor.get('/staff/outbox?event=case.updated&status=queued')).length, 1);
    assert.deepEqual(references(await advisor.get('/staff/outbox?event=case.received&channel=sms')), []);
    assert.equal(
      (await advisor.get('/staff/outbox?event=case.received&channel=sms')).dom
        .querySelector('main')!
        .text.includes('No messages match.'),
      true,
    );
    assert.deepEqual(references(await advisor.get('/staff/outbox?status=sent')), []);
    // A value it does not know is no filter at all, not an error.
    assert.equal(references(await advisor.get('/staff/outbox?channel=pigeon&status=lost')).length, 3);
  });

  it('pages through older messages by a cursor that keeps the filters', async () => {
    for (let day = 10; day < 62; day++) {
      const at = new Date(Date.UTC(2025, 0, day, 9)).toISOString();
      await aMessage({ recordId: `ODR-PAGE-${String(day).padStart(4, '0')}` }, at);
    }
    const first = await advisor.get('/staff/outbox?channel=email');
    assert.equal(references(first).length, 50);
    const next = first.dom.querySelector('main a[href*="before="]')!.getAttribute('href')!;
    assert.match(next, /channel=email/);
    const second = await advisor.get(next);
    const seen = [...references(first), ...references(second)];
    assert.equal(new Set(seen).size, seen.length, 'no message twice');
    assert.equal(seen.length, 2 + 52, 'every email message once');
    assert.equal(second.dom.querySelector('main a[href*="before="]'), null, 'the last page');
    assert.equal((await advisor.get('/staff/outbox?before=not-a-cursor')).status, 200);
  });

  it('shows a message exactly as it was sent, escaped, and records that it was read', async () => {
    const id = await aMessage(
      {
        recordId: 'ODR-HTML-0001',
        event: 'case.updated',
        occurrence: 'u2',
        recipient: 'Siân Roberts\n1 Castle Street\nOswestry\nSY11 1AA',
        channel: 'letter',
        personalisation: {
          name: 'Siân Roberts',
          reference: 'ODR-HTML-0001',
          serviceName: 'Pest control',
          updateText: '<script>alert("x")</script> We came on Tuesday & found nothing.',
          trackingUrl: 'https://council.example/track/ghi',
        },
      },
      '2026-01-09T10:00:00Z',
    );
    const page = await advisor.get(`/staff/outbox/${id}`);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Message to Siân Roberts');
    assert.ok(!page.html.includes('<script>alert'), 'escaped');
    assert.ok(page.html.includes('&lt;script&gt;alert'));
    const stored = await server.db
      .selectFrom('notifications')
      .select(['subject', 'body'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(page.dom.querySelector('#message-subject')!.text.trim(), stored.subject);
    // The body, line for line, as stored and sent.
    const shown = page.dom
      .querySelector('#message-body')!
      .innerHTML.trim()
      .split(/<br\s*\/?>\n?/)
      .map((line) =>
        line
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'"),
      );
    assert.deepEqual(shown, stored.body.split('\n'));
    const summary = page.dom.querySelector('.govuk-summary-list')!.text.replace(/\s+/g, ' ');
    assert.match(summary, /To Siân Roberts 1 Castle Street Oswestry SY11 1AA/);
    assert.match(summary, /Status Queued/);
    assert.match(summary, /Attempts 0/);

    const audit = await server.db
      .selectFrom('audit_events')
      .select(['action', 'record_type', 'record_id', 'organisation_id'])
      .where('action', '=', 'notification.read')
      .execute();
    assert.deepEqual(audit, [
      { action: 'notification.read', record_type: 'notification', record_id: id, organisation_id: councilId },
    ]);
  });

  it('shows why a message failed', async () => {
    const id = await aMessage({ recordId: 'ODR-FAIL-0001' }, '2026-01-09T11:00:00Z');
    await server.db
      .updateTable('notifications')
      .set({
        status: 'failed',
        attempts: 6,
        last_error: 'GOV.UK Notify answered 400: BadRequestError: Not a valid email address',
        provider: 'notify',
      })
      .where('id', '=', id)
      .execute();
    const summary = (await advisor.get(`/staff/outbox/${id}`)).dom
      .querySelector('.govuk-summary-list')!
      .text.replace(/\s+/g, ' ');
    assert.match(summary, /Status Failed/);
    assert.match(summary, /Attempts 6/);
    assert.match(summary, /Last error GOV\.UK Notify answered 400: BadRequestError: Not a valid email address/);
  });

  it('answers another council’s message, or no message, as not found', async () => {
    const theirs = await aMessage({ recordId: 'ODR-OTHR-0002' }, '2026-01-09T12:00:00Z', () => otherCouncilId);
    assert.equal((await advisor.get(`/staff/outbox/${theirs}`)).status, 404);
    assert.equal((await advisor.get('/staff/outbox/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await advisor.get('/staff/outbox/not-an-id')).status, 404);
  });

  it('opens to the council’s advisors, officers, team leaders, complaints officers and administrators only', async () => {
    const id = await aMessage({ recordId: 'ODR-ROLE-0001' }, '2026-01-09T13:00:00Z');
    const admin = await server.signedIn(ADMIN);
    assert.equal((await admin.get('/staff/outbox')).status, 200);
    for (const role of ['performance_analyst', 'dpo'] as const) {
      const client = await server.signedIn(await aStaffMember(server.db, { roles: [role] }));
      assert.equal((await client.get('/staff/outbox')).status, 403, role);
      assert.equal((await client.get(`/staff/outbox/${id}`)).status, 403, role);
    }
    await aPartnerAgency(server.db, 'outbox-police');
    for (const role of ['partner_worker', 'admin'] as const) {
      const partner = await server.signedIn(await aStaffMember(server.db, { roles: [role], organisation: 'outbox-police' }));
      assert.equal((await partner.get('/staff/outbox')).status, 403, `partner ${role}`);
      assert.equal((await partner.get(`/staff/outbox/${id}`)).status, 403, `partner ${role}`);
    }
    const signedOut = await server.client().get('/staff/outbox');
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.location ?? '', /^\/staff\/sign-in/);
  });

  it('speaks Welsh', async () => {
    const welsh = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
    const page = await welsh.follow(await welsh.get('/staff/outbox?lang=cy'));
    assert.equal(page.heading, 'Blwch anfon');
    assert.match(page.dom.querySelector('table')!.text, /E-bost/);
    assert.match(page.dom.querySelector('.moj-filter')!.text, /Defnyddio hidlau/);
  });
});
