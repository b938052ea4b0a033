import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aService, aTeam } from '../../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { aCaseOf } from '../../../test/support/inboundEmail.ts';
import { createCustomersService } from '../../customers/service.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { systemActor, type ApiKeyActor, type StaffActor } from '../../platform/actor.ts';
import { createApiKeysService } from '../../platform/apiKeys/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../../platform/errors.ts';
import { createInboundEmailService, type InboundEmailService } from './service.ts';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const relay = systemActor('test-relay');

/** A plain-text email written out as a relay hands it over. */
function anEmail(options: {
  from: string;
  subject: string;
  body?: string;
  messageId?: string | null;
  headers?: string[];
}): Buffer {
  const lines = [
    `From: ${options.from}`,
    'To: contact@borough.example',
    `Subject: ${options.subject}`,
    'Date: Mon, 23 Nov 2026 09:58:00 +0000',
    ...(options.messageId === null ? [] : [`Message-ID: <${options.messageId ?? crypto.randomUUID()}@mail.example>`]),
    ...(options.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? 'Hello',
  ];
  return Buffer.from(lines.join('\r\n'));
}

describe('taking in email', () => {
  let database: TestDatabase;
  let db: Db;
  let inbound: InboundEmailService;
  let councilId: string;
  let otherCouncilId: string;
  let serviceId: string;
  let teamId: string;
  let janeId: string;
  let jimId: string;

  async function aCustomer(council: string, givenName: string, emails: string[]): Promise<string> {
    const { id } = await db
      .insertInto('customers')
      .values({ council_id: council, kind: 'person', given_name: givenName, family_name: 'Evans' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [index, email] of emails.entries())
      await db
        .insertInto('customer_emails')
        .values({ customer_id: id, email, is_primary: index === 0 })
        .execute();
    return id;
  }

  const aCase = (customerId: string | null, status: 'submitted' | 'awaiting_customer' = 'submitted') =>
    aCaseOf(db, { councilId, serviceId, teamId, customerId, status, receivedAt: NOW });

  const eventsOf = (caseId: string) =>
    db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
  const contactOf = (id: string | undefined) =>
    db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', id ?? crypto.randomUUID())
      .executeTakeFirst();
  const count = async (table: 'inbound_emails' | 'contacts' | 'case_events' | 'audit_events') =>
    (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    teamId = await aTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    serviceId = await aService(db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin', slaWorkingDays: 2 });
    janeId = await aCustomer(councilId, 'Jane', ['jane@example.org', 'jane.work@example.com']);
    jimId = await aCustomer(councilId, 'Jim', ['jim@example.org']);
    inbound = createInboundEmailService(db, { now: () => NOW });
  });
  after(() => database.drop());

  it('puts a reply quoting a case reference from the case’s own customer on its timeline, with a contact', async () => {
    const bin = await aCase(janeId, 'awaiting_customer');
    const result = await inbound.intake(
      relay,
      councilId,
      anEmail({
        // Another of her addresses, in another case: still her.
        from: 'Jane Evans <JANE.WORK@example.com>',
        subject: `Re: Your request ${bin.reference}`,
        body: `The bin was not collected again.\n\n> Your reference is ${bin.reference}`,
      }),
      'relay',
    );
    assert.equal(result.outcome, 'case_update');
    assert.equal(result.caseReference, bin.reference);
    assert.equal(result.customerId, janeId);

    const events = await eventsOf(bin.id);
    const message = events.find((event) => event.kind === 'customer_message');
    assert.ok(message, 'the message is on the timeline');
    assert.equal(message.actor_type, 'resident');
    assert.match(message.body ?? '', /not collected again/);
    // A case waiting for the customer goes back to the team.
    const moved = events.find((event) => event.kind === 'status_changed');
    assert.equal(moved?.status_to, 'in_progress');
    const { status } = await db.selectFrom('cases').select('status').where('id', '=', bin.id).executeTakeFirstOrThrow();
    assert.equal(status, 'in_progress');
    // Other systems hear of the move as of any other (webhooks), without the resident's words.
    const told = await db.selectFrom('domain_events').select(['type', 'data']).where('subject', '=', bin.reference).execute();
    assert.deepEqual(told, [
      {
        type: 'case.status_changed',
        data: { reference: bin.reference, from: 'awaiting_customer', to: 'in_progress', update: null },
      },
    ]);

    const contact = await contactOf(result.contactId);
    assert.equal(contact?.customer_id, janeId);
    assert.equal(contact?.channel, 'email');
    assert.equal(contact?.outcome, 'transferred');
    const stored = await db.selectFrom('inbound_emails').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow();
    assert.equal(stored.case_id, bin.id);
    assert.equal(stored.contact_id, result.contactId);
    assert.equal(stored.from_address, 'JANE.WORK@example.com');
    const audit = await db
      .selectFrom('audit_events')
      .select('action')
      .where('record_id', 'in', [result.id, bin.id, result.contactId!])
      .execute();
    assert.deepEqual(audit.map((row) => row.action).sort(), ['case.customer_message', 'contact.create', 'inbound_email.receive']);
  });

  it('never puts a stranger’s email on a case because it quotes the reference', async () => {
    const bin = await aCase(janeId);
    const before = (await eventsOf(bin.id)).length;
    // Jim is a customer too, but not this case's.
    const fromJim = await inbound.intake(
      relay,
      councilId,
      anEmail({ from: 'jim@example.org', subject: `About ${bin.reference}`, body: 'Any news?' }),
      'relay',
    );
    assert.equal(fromJim.outcome, 'contact');
    assert.equal(fromJim.customerId, jimId);
    assert.equal(fromJim.caseReference, undefined);
    const fromStranger = await inbound.intake(
      relay,
      councilId,
      anEmail({ from: 'someone@elsewhere.example', subject: `Re: ${bin.reference}`, body: 'Close it please' }),
      'relay',
    );
    assert.equal(fromStranger.outcome, 'unmatched');
    assert.equal(fromStranger.customerId, undefined);
    assert.equal((await eventsOf(bin.id)).length, before, 'nothing was added to the case');
  });

  it('does not attach to another council’s case, even from that case’s customer', async () => {
    const ownCase = await aCase(janeId);
    const result = await inbound.intake(
      relay,
      otherCouncilId,
      anEmail({ from: 'jane@example.org', subject: `Re: ${ownCase.reference}` }),
      'relay',
    );
    assert.equal(result.outcome, 'unmatched');
  });

  it('records mail from a known customer as an email contact on them, for staff to follow up', async () => {
    const result = await inbound.intake(
      relay,
      councilId,
      anEmail({ from: 'jim@example.org', subject: 'Council tax', body: 'I have moved house.' }),
      'relay',
    );
    assert.equal(result.outcome, 'contact');
    assert.equal(result.customerId, jimId);
    const contact = await contactOf(result.contactId);
    assert.equal(contact?.reason, 'Council tax');
    assert.equal(contact?.notes, 'I have moved house.');
    assert.equal(contact?.outcome, 'transferred');
  });

  it('keeps mail from an unknown or shared address unmatched, as a contact on nobody, in the staff list', async () => {
    await aCustomer(councilId, 'Hannah', ['family@example.org']);
    await aCustomer(councilId, 'Huw', ['family@example.org']);
    const shared = await inbound.intake(relay, councilId, anEmail({ from: 'family@example.org', subject: 'Bins' }), 'relay');
    const unknown = await inbound.intake(relay, councilId, anEmail({ from: 'new@example.net', subject: 'Hello' }), 'relay');
    for (const result of [shared, unknown]) {
      assert.equal(result.outcome, 'unmatched');
      const contact = await contactOf(result.contactId);
      assert.equal(contact?.customer_id, null);
    }
    const advisor = {
      kind: 'staff',
      id: crypto.randomUUID(),
      email: 'a@borough.example',
      name: 'A',
      roles: ['advisor'],
      organisationId: councilId,
      organisationKind: 'council',
      councilId,
      ip: null,
    } as const;
    const listed = await inbound.unmatched({ ...advisor, roles: ['advisor'] });
    assert.ok(listed.some((item) => item.id === unknown.id && item.fromAddress === 'new@example.net'));
    assert.ok(listed.some((item) => item.id === shared.id));
  });

  it('lets the front line match an unmatched message to one of the council’s customers, once', async () => {
    const customers = createCustomersService(db);
    const matching = createInboundEmailService(db, {
      now: () => NOW,
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
    });
    const advisor: StaffActor = {
      kind: 'staff',
      id: crypto.randomUUID(),
      email: 'b@borough.example',
      name: 'B',
      roles: ['advisor'],
      organisationId: councilId,
      organisationKind: 'council',
      councilId,
      ip: null,
    };
    const taken = await matching.intake(relay, councilId, anEmail({ from: 'jim.new@example.net', subject: 'Moved' }), 'relay');
    assert.equal(taken.outcome, 'unmatched');
    const missing = (error: unknown) =>
      error instanceof Invalid &&
      error.errors.length === 1 &&
      error.errors[0]?.field === 'customerId' &&
      error.errors[0]?.message === 'inboundEmail.errors.customerMissing';
    const elsewhere = await aCustomer(otherCouncilId, 'Gwen', ['gwen@example.org']);
    await assert.rejects(matching.matchToCustomer(advisor, taken.id, elsewhere), missing);
    await assert.rejects(matching.matchToCustomer(advisor, taken.id, 'not-an-id'), missing);
    await assert.rejects(matching.matchToCustomer({ ...advisor, roles: ['performance_analyst'] }, taken.id, jimId), NotAllowed);

    assert.deepEqual(await matching.matchToCustomer(advisor, taken.id, jimId), { customerId: jimId });
    assert.equal((await contactOf(taken.contactId))?.customer_id, jimId);
    const audit = await db
      .selectFrom('audit_events')
      .select('action')
      .where('record_id', 'in', [taken.id, taken.contactId!])
      .where('action', 'in', ['inbound_email.match', 'contact.update'])
      .execute();
    assert.deepEqual(audit.map((row) => row.action).sort(), ['contact.update', 'inbound_email.match']);
    assert.ok(!(await matching.unmatched(advisor)).some((item) => item.id === taken.id), 'no longer unmatched');

    await assert.rejects(matching.matchToCustomer(advisor, taken.id, janeId), Conflict);
    const otherCouncils = { ...advisor, organisationId: otherCouncilId, councilId: otherCouncilId };
    await assert.rejects(matching.message(otherCouncils, taken.id), NotFound);
  });

  it('records the same message once, however often it comes, and says the second was a duplicate', async () => {
    const raw = anEmail({ from: 'jim@example.org', subject: 'Twice', messageId: 'twice' });
    const before = await count('contacts');
    const first = await inbound.intake(relay, councilId, raw, 'relay');
    const again = await inbound.intake(relay, councilId, raw, 'imap');
    assert.equal(first.outcome, 'contact');
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.id, first.id);
    assert.equal(again.customerId, jimId);
    assert.equal(await count('contacts'), before + 1);
    // Another council's mailbox may hold the same message: it is that council's to record.
    const elsewhere = await inbound.intake(relay, otherCouncilId, raw, 'relay');
    assert.equal(elsewhere.outcome, 'unmatched');
  });

  it('records a message sent twice at once only once', async () => {
    const raw = anEmail({ from: 'jim@example.org', subject: 'Race', messageId: 'race' });
    const results = await Promise.all([1, 2, 3].map(() => inbound.intake(relay, councilId, raw, 'relay')));
    assert.equal(results.filter((result) => result.outcome === 'contact').length, 1);
    assert.equal(results.filter((result) => result.outcome === 'duplicate').length, 2);
  });

  it('knows a message without a Message-ID by its content', async () => {
    const raw = anEmail({ from: 'jim@example.org', subject: 'No id', messageId: null });
    const first = await inbound.intake(relay, councilId, raw, 'relay');
    const again = await inbound.intake(relay, councilId, raw, 'relay');
    assert.equal(again.outcome, 'duplicate');
    const stored = await db
      .selectFrom('inbound_emails')
      .select('message_id')
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    assert.match(stored.message_id, /^sha256:[0-9a-f]{64}$/);
  });

  it('keeps auto-replies and bounces, but never as a contact or on a case', async () => {
    const bin = await aCase(janeId, 'awaiting_customer');
    const contacts = await count('contacts');
    const outOfOffice = await inbound.intake(
      relay,
      councilId,
      anEmail({
        from: 'jane@example.org',
        subject: `Out of office: ${bin.reference}`,
        headers: ['Auto-Submitted: auto-replied'],
      }),
      'relay',
    );
    const bounce = await inbound.intake(
      relay,
      councilId,
      anEmail({ from: 'MAILER-DAEMON@mx.example.org', subject: 'Undelivered Mail Returned to Sender' }),
      'relay',
    );
    for (const result of [outOfOffice, bounce]) {
      assert.equal(result.outcome, 'unmatched');
      assert.equal(result.automatic, true);
    }
    assert.equal(await count('contacts'), contacts);
    assert.deepEqual(
      (await eventsOf(bin.id)).map((event) => event.kind),
      [],
    );
    const { status } = await db.selectFrom('cases').select('status').where('id', '=', bin.id).executeTakeFirstOrThrow();
    assert.equal(status, 'awaiting_customer');
  });

  it('writes nothing when any part fails', async () => {
    const bin = await aCase(janeId);
    const counts = await Promise.all((['inbound_emails', 'contacts', 'case_events', 'audit_events'] as const).map(count));
    await sql`
      create function refuse_customer_message() returns trigger language plpgsql as $$
      begin raise exception 'the case timeline is broken'; end $$;
      create trigger refuse_customer_message before insert on case_events
        for each row when (new.kind = 'customer_message') execute function refuse_customer_message();
    `.execute(db);
    try {
      await assert.rejects(
        inbound.intake(relay, councilId, anEmail({ from: 'jane@example.org', subject: `Re: ${bin.reference}` }), 'relay'),
        /the case timeline is broken/,
      );
    } finally {
      await sql`drop trigger refuse_customer_message on case_events; drop function refuse_customer_message();`.execute(db);
    }
    assert.deepEqual(
      await Promise.all((['inbound_emails', 'contacts', 'case_events', 'audit_events'] as const).map(count)),
      counts,
    );
  });

  it('takes mail through a relay key of the council only', async () => {
    const key = (organisationKind: 'council' | 'partner', scopes: ApiKeyActor['scopes']): ApiKeyActor => ({
      kind: 'api_key',
      id: crypto.randomUUID(),
      name: 'Relay',
      organisationId: councilId,
      organisationKind,
      councilId,
      scopes,
      ip: null,
    });
    const raw = anEmail({ from: 'jim@example.org', subject: 'Keys' });
    await assert.rejects(inbound.deliverFromRelay(key('partner', ['inbound-email:write']), raw), NotAllowed);
    await assert.rejects(inbound.deliverFromRelay(key('council', ['contacts:write']), raw), NotAllowed);
    const apiKeys = createApiKeysService(db);
    const made = await apiKeys.create(relay, { organisationId: councilId, name: 'Mail relay', scopes: ['inbound-email:write'] });
    const relayKey = await apiKeys.verify(made.key);
    const taken = await inbound.deliverFromRelay(relayKey!, raw);
    assert.equal(taken.outcome, 'contact');
    assert.equal((await contactOf(taken.contactId))?.recorded_by_api_key, relayKey!.id);
  });
});
