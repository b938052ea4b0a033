import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type Actor, type ApiKeyActor, type Role, type StaffActor } from '../platform/actor.ts';
import { createApiKeysService } from '../platform/apiKeys/service.ts';
import type { Scope } from '../platform/apiKeys/scopes.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { contactsBetween, listCustomerContacts } from './repo.ts';
import type { ContactInput } from './schemas.ts';
import { createContactsService, type ContactsService } from './service.ts';

// A fixed clock: the rules about the future are measured from it.
const NOW = new Date('2026-11-23T10:00:00.000Z');
const minutes = (count: number) => count * 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('logging contacts', () => {
  let database: TestDatabase;
  let db: Db;
  let contacts: ContactsService;
  let councilId: string;
  let otherCouncilId: string;
  let policeId: string;
  let otherPartnerId: string;
  let townHallId: string;
  let otherCouncilSiteId: string;
  let advisor: StaffActor;
  let partnerWorker: StaffActor;
  let janeId: string;
  let mergedId: string;
  let otherCouncilCustomerId: string;
  /** A customer the customers capability would hide from partner workers (no consent). */
  let privateCustomerId: string;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    policeId = await aPartnerAgency(db, 'police', 'Borough Police');
    otherPartnerId = await insertOrganisation(db, {
      code: 'county-housing',
      name: 'County Housing',
      kind: 'partner',
      councilId: otherCouncilId,
    });
    townHallId = await aSite(councilId, 'town-hall', 'Town Hall');
    otherCouncilSiteId = await aSite(otherCouncilId, 'county-hall', 'County Hall');
    advisor = await actorFor('advisor');
    partnerWorker = await actorFor('partner_worker', 'police');
    janeId = await aCustomer(councilId, 'Jane', 'Smith');
    mergedId = await aCustomer(councilId, 'Janet', 'Smith', janeId);
    otherCouncilCustomerId = await aCustomer(otherCouncilId, 'Owen', 'Jones');
    privateCustomerId = await aCustomer(councilId, 'Priya', 'Patel');
    contacts = createContactsService(db, {
      now: () => NOW,
      // Stands in for the customers capability's policy-aware look-up.
      findCustomer: async (actor: Actor, id: string) =>
        actor.kind === 'staff' && actor.roles.includes('partner_worker') && id === privateCustomerId
          ? undefined
          : await db
              .selectFrom('customers')
              .select(['id', 'council_id as councilId', sql<string>`given_name || ' ' || family_name`.as('displayName')])
              .where('id', '=', id)
              .where('merged_into', 'is', null)
              .executeTakeFirst(),
    });
  });
  after(() => database.drop());

  async function actorFor(role: Role, organisation?: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles: [role], ...(organisation ? { organisation } : {}) });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return staff.actor;
  }

  async function aSite(organisationId: string, code: string, name: string): Promise<string> {
    const row = await db
      .insertInto('sites')
      .values({ organisation_id: organisationId, code, name, kind: 'one_stop_shop' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function aCustomer(council: string, givenName: string, familyName: string, mergedInto?: string): Promise<string> {
    const row = await db
      .insertInto('customers')
      .values({
        council_id: council,
        kind: 'person',
        given_name: givenName,
        family_name: familyName,
        ...(mergedInto ? { merged_into: mergedInto, merged_at: NOW } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const aPhoneCall = (overrides: Partial<ContactInput> = {}): ContactInput => ({
    channel: 'phone',
    outcome: 'resolved_first_contact',
    startedAt: at(-minutes(4)),
    endedAt: NOW,
    ...overrides,
  });

  async function counts() {
    const row = await db
      .selectNoFrom([
        sql<number>`(select count(*)::int from contacts)`.as('contacts'),
        sql<number>`(select count(*)::int from audit_events where action = 'contact.create')`.as('audits'),
      ])
      .executeTakeFirstOrThrow();
    return row;
  }

  async function refused(promise: Promise<unknown>): Promise<Invalid> {
    const error = await promise.then(
      () => assert.fail('expected the contact to be refused'),
      (error: unknown) => error,
    );
    assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
    return error;
  }

  it('logs a phone call with a customer for the advisor’s council, with its audit record', async () => {
    const contact = await contacts.logContact(
      advisor,
      aPhoneCall({ customerId: janeId, serviceCode: 'missed-bin', reason: 'Bin not emptied', notes: 'Third time' }),
    );
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    assert.equal(row.council_id, councilId);
    assert.equal(row.customer_id, janeId);
    assert.equal(row.channel, 'phone');
    assert.equal(row.service_code, 'missed-bin');
    assert.equal(row.recorded_by, advisor.id);
    assert.equal(row.recorded_by_api_key, null);
    assert.equal(row.ended_at.getTime() - row.started_at.getTime(), minutes(4));
    const audit = await db.selectFrom('audit_events').selectAll().where('record_id', '=', contact.id).execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.action, 'contact.create');
    assert.equal(audit[0]?.organisation_id, councilId);
    assert.equal(audit[0]?.actor_id, advisor.id);
    const changes = audit[0]?.changes as Record<string, { to: unknown }>;
    assert.equal(changes.customerId?.to, janeId);
    // The notes stay in the contact log, out of the audit trail.
    assert.equal(changes.notes?.to, '[notes]');
  });

  it('logs an anonymous contact, with no customer', async () => {
    const contact = await contacts.logContact(advisor, aPhoneCall({ outcome: 'abandoned' }));
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    assert.equal(row.customer_id, null);
    assert.equal(row.outcome, 'abandoned');
    assert.equal(row.council_id, councilId);
  });

  it('lets a partner agency’s worker log contacts for the council they work beside', async () => {
    const contact = await contacts.logContact(partnerWorker, aPhoneCall({ customerId: janeId }));
    assert.equal(contact.councilId, councilId);
    assert.equal(contact.recordedBy, partnerWorker.id);
  });

  it('writes the contact and its audit record in one transaction: neither without the other', async () => {
    const before = await counts();
    await sql`
      create function refuse_contact_audit() returns trigger language plpgsql as $$
      begin
        if new.action = 'contact.create' then raise exception 'audit unavailable'; end if;
        return new;
      end $$;
      create trigger refuse_contact_audit before insert on audit_events
        for each row execute function refuse_contact_audit();
    `.execute(db);
    try {
      await assert.rejects(contacts.logContact(advisor, aPhoneCall({ customerId: janeId })), /audit unavailable/);
    } finally {
      await sql`drop trigger refuse_contact_audit on audit_events; drop function refuse_contact_audit();`.execute(db);
    }
    assert.deepEqual(await counts(), before);
  });

  const invalidContacts: { name: string; input: () => ContactInput; field: string; message: string }[] = [
    {
      name: 'ends before it starts',
      input: () => aPhoneCall({ startedAt: at(-minutes(1)), endedAt: at(-minutes(2)) }),
      field: 'endedAt',
      message: 'contacts.errors.endedBeforeStart',
    },
    {
      name: 'lasts more than 12 hours',
      input: () => aPhoneCall({ startedAt: at(-minutes(12 * 60 + 1)), endedAt: NOW }),
      field: 'endedAt',
      message: 'contacts.errors.tooLong',
    },
    {
      name: 'starts more than 5 minutes in the future',
      input: () => aPhoneCall({ startedAt: at(minutes(6)), endedAt: at(minutes(7)) }),
      field: 'startedAt',
      message: 'contacts.errors.startedInFuture',
    },
    {
      name: 'has a start that is not a time',
      input: () => aPhoneCall({ startedAt: new Date('not a time') }),
      field: 'startedAt',
      message: 'contacts.errors.startedAtInvalid',
    },
    {
      name: 'is signposted to nobody',
      input: () => aPhoneCall({ outcome: 'signposted' }),
      field: 'signpostedTo',
      message: 'contacts.errors.signpostedToMissing',
    },
    {
      name: 'is signposted to another council’s partner',
      input: () => aPhoneCall({ outcome: 'signposted', signpostedTo: otherPartnerId }),
      field: 'signpostedTo',
      message: 'contacts.errors.signpostedToInvalid',
    },
    {
      name: 'is signposted to a council rather than a partner',
      input: () => aPhoneCall({ outcome: 'signposted', signpostedTo: councilId }),
      field: 'signpostedTo',
      message: 'contacts.errors.signpostedToInvalid',
    },
    {
      name: 'happened face to face with no site',
      input: () => aPhoneCall({ channel: 'face_to_face' }),
      field: 'siteId',
      message: 'contacts.errors.siteMissing',
    },
    {
      name: 'happened at a kiosk with no site',
      input: () => aPhoneCall({ channel: 'kiosk' }),
      field: 'siteId',
      message: 'contacts.errors.siteMissing',
    },
    {
      name: 'happened on the mobile bus with no site',
      input: () => aPhoneCall({ channel: 'mobile_bus' }),
      field: 'siteId',
      message: 'contacts.errors.siteMissing',
    },
    {
      name: 'names another council’s site',
      input: () => aPhoneCall({ channel: 'face_to_face', siteId: otherCouncilSiteId }),
      field: 'siteId',
      message: 'contacts.errors.siteInvalid',
    },
    {
      name: 'has a service code that is not one',
      input: () => aPhoneCall({ serviceCode: 'Missed Bin!' }),
      field: 'serviceCode',
      message: 'contacts.errors.serviceCodeFormat',
    },
    {
      name: 'has a reason over 200 characters',
      input: () => aPhoneCall({ reason: 'x'.repeat(201) }),
      field: 'reason',
      message: 'contacts.errors.reasonTooLong',
    },
    {
      name: 'has notes over 5,000 characters',
      input: () => aPhoneCall({ notes: 'x'.repeat(5001) }),
      field: 'notes',
      message: 'contacts.errors.notesTooLong',
    },
    {
      name: 'has a channel that is not one',
      input: () => aPhoneCall({ channel: 'pigeon' as ContactInput['channel'] }),
      field: 'channel',
      message: 'contacts.errors.channelMissing',
    },
  ];

  for (const invalid of invalidContacts) {
    it(`refuses a contact that ${invalid.name}, writing nothing`, async () => {
      const before = await counts();
      const error = await refused(contacts.logContact(advisor, invalid.input()));
      assert.deepEqual(
        error.errors.map(({ field, message }) => ({ field, message })),
        [{ field: invalid.field, message: invalid.message }],
      );
      assert.deepEqual(await counts(), before);
    });
  }

  it('accepts the limits themselves: exactly 12 hours, no time at all, a start 4 minutes ahead', async () => {
    await contacts.logContact(advisor, aPhoneCall({ startedAt: at(-minutes(12 * 60)), endedAt: NOW }));
    await contacts.logContact(advisor, aPhoneCall({ startedAt: NOW, endedAt: NOW }));
    await contacts.logContact(advisor, aPhoneCall({ startedAt: at(minutes(4)), endedAt: at(minutes(5)) }));
  });

  it('reports every problem of a contact at once', async () => {
    const error = await refused(
      contacts.logContact(advisor, aPhoneCall({ channel: 'kiosk', outcome: 'signposted', startedAt: at(1), endedAt: NOW })),
    );
    assert.deepEqual(error.errors.map((problem) => problem.field).sort(), ['endedAt', 'signpostedTo', 'siteId']);
  });

  it('records the partner signposted to, and the site of a visit', async () => {
    const contact = await contacts.logContact(
      advisor,
      aPhoneCall({ channel: 'face_to_face', siteId: townHallId, outcome: 'signposted', signpostedTo: policeId }),
    );
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    assert.equal(row.signposted_to, policeId);
    assert.equal(row.site_id, townHallId);
  });

  it('forgets a partner chosen when the outcome was not in the end a signposting', async () => {
    const contact = await contacts.logContact(advisor, aPhoneCall({ outcome: 'transferred', signpostedTo: policeId }));
    const row = await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
    assert.equal(row.signposted_to, null);
  });

  it('refuses a customer merged into another, writing nothing', async () => {
    const before = await counts();
    await assert.rejects(contacts.logContact(advisor, aPhoneCall({ customerId: mergedId })), NotFound);
    assert.deepEqual(await counts(), before);
  });

  it('answers NotFound for a customer the person may not see, writing nothing', async () => {
    const before = await counts();
    await assert.rejects(contacts.logContact(partnerWorker, aPhoneCall({ customerId: privateCustomerId })), NotFound);
    assert.deepEqual(await counts(), before);
    // The same customer is there for the council's own advisor.
    await contacts.logContact(advisor, aPhoneCall({ customerId: privateCustomerId }));
  });

  it('answers NotFound for another council’s customer, and for an id that is no customer', async () => {
    await assert.rejects(contacts.logContact(advisor, aPhoneCall({ customerId: otherCouncilCustomerId })), NotFound);
    await assert.rejects(contacts.logContact(advisor, aPhoneCall({ customerId: 'not-an-id' })), NotFound);
    await assert.rejects(
      contacts.logContact(advisor, aPhoneCall({ customerId: '00000000-0000-4000-8000-000000000000' })),
      NotFound,
    );
  });

  it('lets nobody log who does not talk to residents: the analyst, the DPO, the administrator', async () => {
    const before = await counts();
    for (const role of ['performance_analyst', 'dpo', 'admin'] as Role[]) {
      const actor = await actorFor(role);
      await assert.rejects(contacts.logContact(actor, aPhoneCall()), NotAllowed, role);
      await assert.rejects(contacts.logContact(actor, aPhoneCall({ customerId: janeId })), NotAllowed, role);
      await assert.rejects(contacts.newContact(actor), NotAllowed, role);
    }
    assert.deepEqual(await counts(), before);
  });

  describe('through the API', () => {
    let keyId: string;
    before(async () => {
      ({ id: keyId } = await createApiKeysService(db).create(systemActor('test'), {
        organisationId: councilId,
        name: 'telephony',
        scopes: ['contacts:write'],
      }));
    });
    const key = (scopes: Scope[], council = () => councilId): ApiKeyActor => ({
      kind: 'api_key',
      id: keyId,
      name: 'telephony',
      organisationId: council(),
      organisationKind: 'council',
      councilId: council(),
      scopes,
      ip: null,
    });

    it('logs a contact for the key’s council, resolved at first contact and ending now unless told', async () => {
      const contact = await contacts.logContactFromApi(key(['contacts:write']), { channel: 'chat', customerId: janeId });
      const row = await db.selectFrom('contacts').selectAll().where('id', '=', contact.id).executeTakeFirstOrThrow();
      assert.equal(row.outcome, 'resolved_first_contact');
      assert.equal(row.council_id, councilId);
      assert.equal(row.recorded_by, null);
      assert.equal(row.recorded_by_api_key, keyId);
      assert.equal(row.ended_at.getTime(), NOW.getTime());
      assert.equal(row.started_at.getTime(), NOW.getTime());
      const audit = await db.selectFrom('audit_events').selectAll().where('record_id', '=', contact.id).executeTakeFirstOrThrow();
      assert.equal(audit.actor_type, 'api_key');
      assert.equal(audit.actor_id, keyId);
      assert.equal(audit.actor_label, 'telephony');
      assert.deepEqual(audit.details, { apiKeyId: keyId });
    });

    it('takes the times and outcome given, and applies the same rules', async () => {
      const contact = await contacts.logContactFromApi(key(['contacts:write']), {
        channel: 'phone',
        outcome: 'case_raised',
        startedAt: '2026-11-23T09:50:00Z',
        endedAt: '2026-11-23T09:58:30Z',
      });
      assert.equal(contact.outcome, 'case_raised');
      assert.equal(contact.endedAt.getTime() - contact.startedAt.getTime(), minutes(8.5));
      await refused(
        contacts.logContactFromApi(key(['contacts:write']), {
          channel: 'phone',
          startedAt: '2026-11-23T09:50:00Z',
          endedAt: '2026-11-23T09:40:00Z',
        }),
      );
    });

    it('refuses a key without the contacts:write scope, and another council’s customer', async () => {
      const before = await counts();
      await assert.rejects(contacts.logContactFromApi(key(['customers:read']), { channel: 'phone' }), NotAllowed);
      await assert.rejects(
        contacts.logContactFromApi(key(['contacts:write']), { channel: 'phone', customerId: otherCouncilCustomerId }),
        NotFound,
      );
      await assert.rejects(
        contacts.logContactFromApi(key(['contacts:write']), { channel: 'phone', customerId: mergedId }),
        NotFound,
      );
      assert.deepEqual(await counts(), before);
    });
  });

  describe('a customer’s contacts', () => {
    let customerId: string;
    const logged: { id: string; startedAt: Date }[] = [];

    before(async () => {
      customerId = await aCustomer(councilId, 'Karen', 'Evans');
      // Two contacts start at the same instant: the id orders them, and paging must not lose either.
      const starts = [minutes(-50), minutes(-40), minutes(-30), minutes(-30), minutes(-20)];
      for (const start of starts) {
        const contact = await contacts.logContact(
          advisor,
          aPhoneCall({ customerId, startedAt: at(start), endedAt: at(start + minutes(3)) }),
        );
        logged.push({ id: contact.id, startedAt: contact.startedAt });
      }
    });

    it('lists them newest first, a page at a time, with none lost or repeated across pages', async () => {
      const expected = [...logged]
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((contact) => contact.id);
      const seen: string[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const page = await listCustomerContacts(db, customerId, { before, limit: 2 });
        seen.push(...page.items.map((item) => item.id));
        before = page.next;
        pages += 1;
      } while (before !== null && pages < 10);
      assert.deepEqual(seen, expected);
      assert.equal(pages, 3);
    });

    it('says who logged each one, and how long it took', async () => {
      const page = await listCustomerContacts(db, customerId);
      assert.equal(page.items.length, 5);
      assert.equal(page.next, null);
      assert.deepEqual(page.items[0]?.recordedBy, { id: advisor.id, name: advisor.name });
      assert.equal(page.items[0]?.durationSeconds, 180);
      assert.equal(page.items[0]?.channel, 'phone');
    });

    it('shows them only to someone who may see the customer', async () => {
      assert.equal((await contacts.listCustomerContacts(advisor, customerId)).items.length, 5);
      await assert.rejects(contacts.listCustomerContacts(partnerWorker, privateCustomerId), NotFound);
    });

    it('ignores a cursor that is not one, starting from the newest', async () => {
      const page = await listCustomerContacts(db, customerId, { before: 'rubbish', limit: 1 });
      assert.equal(page.items[0]?.id, logged[4]?.id);
    });
  });

  it('counts a council’s contacts by channel and outcome for a period', async () => {
    const reporting = await freshCouncilCounts();
    const phone = reporting.find((row) => row.channel === 'phone' && row.outcome === 'case_raised');
    assert.deepEqual(phone, { channel: 'phone', outcome: 'case_raised', contacts: 2, avoidable: 1, handlingSeconds: 600 });
    assert.equal(
      reporting.reduce((sum, row) => sum + row.contacts, 0),
      3,
    );
  });

  /** Contacts on a day nothing else in this file touches, so the sums are known. */
  async function freshCouncilCounts() {
    const day = new Date('2026-10-01T09:00:00Z');
    const then = (offset: number) => new Date(day.getTime() + offset);
    const log = (input: Partial<ContactInput>) => contacts.logContact(advisor, aPhoneCall({ ...input }));
    await log({ outcome: 'case_raised', startedAt: then(0), endedAt: then(minutes(4)), avoidableReason: 'chasing_progress' });
    await log({ outcome: 'case_raised', startedAt: then(minutes(10)), endedAt: then(minutes(16)) });
    await log({ channel: 'email', startedAt: then(minutes(20)), endedAt: then(minutes(21)) });
    // The day after is outside the period.
    await log({ outcome: 'case_raised', startedAt: then(minutes(24 * 60)), endedAt: then(minutes(24 * 60 + 1)) });
    return await contactsBetween(db, councilId, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-02T00:00:00Z'));
  }
});
