import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import type { Role, StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createCustomersService, type CustomersService } from './service.ts';

describe('customer records', () => {
  let database: TestDatabase;
  let db: Db;
  let customers: CustomersService;
  let advisor: StaffActor;
  let analyst: StaffActor;
  let policeWorker: StaffActor;
  let collegeWorker: StaffActor;
  let policeId: string;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    customers = createCustomersService(db);
    await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    policeId = await aPartnerAgency(db, 'police', 'Borough Police');
    await aPartnerAgency(db, 'college', 'Borough College');
    advisor = await actor(['advisor']);
    analyst = await actor(['performance_analyst']);
    policeWorker = await actor(['partner_worker'], 'police');
    collegeWorker = await actor(['partner_worker'], 'college');
  });
  after(() => database.drop());

  async function actor(roles: Role[], organisation?: string): Promise<StaffActor> {
    const { id } = await aStaffMember(db, { roles, ...(organisation ? { organisation } : {}) });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.1');
    assert.ok(staff);
    return staff.actor;
  }

  async function aCustomer(input: Parameters<CustomersService['create']>[1]): Promise<string> {
    const result = await customers.create(advisor, input, { confirmedNew: true });
    assert.ok(result.created);
    return result.id;
  }

  async function count(table: 'customers' | 'customer_emails' | 'audit_events'): Promise<number> {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('finds a person by a misspelt name, by phone written any way, by email and by postcode, saying why', async () => {
    const id = await aCustomer({
      givenName: 'Siobhan',
      familyName: 'Pritchard',
      email: 'siobhan.pritchard@example.org',
      phone: '01691 654321',
      dateOfBirth: '1961-03-14',
      address: { line1: '4 Willow Street', town: 'Oswestry', postcode: 'SY11 1AA' },
    });
    await aCustomer({
      givenName: 'Sian',
      familyName: 'Prichard',
      address: { line1: '9 Oak Road', town: 'Oswestry', postcode: 'SY10 7QQ' },
    });

    const byTypo = await customers.search(advisor, 'siobhan pritchart');
    assert.equal(byTypo.hits[0]?.id, id);
    assert.ok(byTypo.hits[0]?.reasons.includes('similarName'));

    for (const phone of ['01691654321', '+44 1691 654321', '(01691) 654 321']) {
      const byPhone = await customers.search(advisor, phone);
      assert.deepEqual(
        byPhone.hits.map((hit) => [hit.id, hit.reasons]),
        [[id, ['phone']]],
        phone,
      );
    }
    assert.deepEqual(
      (await customers.search(advisor, 'SIOBHAN.PRITCHARD@example.org')).hits.map((hit) => hit.id),
      [id],
    );
    const byPostcode = await customers.search(advisor, 'sy111aa');
    assert.deepEqual(
      byPostcode.hits.map((hit) => hit.reasons),
      [['postcode']],
    );
    const byNameAndPostcode = await customers.search(advisor, 'pritchard SY11 1AA');
    assert.deepEqual(
      byNameAndPostcode.hits.map((hit) => hit.id),
      [id],
    );
    assert.deepEqual(
      (await customers.search(advisor, '14/03/1961')).hits.map((hit) => hit.id),
      [id],
    );
    assert.deepEqual(
      (await customers.search(advisor, '4 willow street')).hits.map((hit) => hit.id),
      [id],
    );
  });

  it('narrows a name to an outward code, where SY1 is not SY10', async () => {
    const inTown = await aCustomer({
      givenName: 'Bryn',
      familyName: 'Cadwaladr',
      address: { line1: '2 Castle Street', town: 'Shrewsbury', postcode: 'SY1 1AA' },
    });
    const outOfTown = await aCustomer({
      givenName: 'Bryn',
      familyName: 'Cadwaladr',
      address: { line1: '3 Church Lane', town: 'Oswestry', postcode: 'SY10 7QQ' },
    });
    assert.deepEqual(
      (await customers.search(advisor, 'cadwaladr SY1')).hits.map((hit) => hit.id),
      [inTown],
    );
    assert.deepEqual(
      (await customers.search(advisor, 'bryn cadwalader sy10')).hits.map((hit) => hit.id),
      [outOfTown],
    );
  });

  it('refuses invalid details field by field and saves nothing', async () => {
    const before = await count('customers');
    await assert.rejects(
      customers.create(advisor, {
        givenName: '',
        familyName: 'Jones',
        email: 'not-an-email',
        phone: '12345',
        dateOfBirth: '2001-02-30',
        address: { line1: '1 High Street', town: 'Oswestry', postcode: 'SY99 ZZZ' },
      }),
      (error: unknown) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(
          error.errors.map((e) => e.field),
          ['givenName', 'dateOfBirth', 'email', 'phone', 'postcode'],
        );
        return true;
      },
    );
    assert.equal(await count('customers'), before);
  });

  it('offers likely duplicates before creating a record, and creates it once confirmed', async () => {
    await aCustomer({ givenName: 'Gareth', familyName: 'Evans', dateOfBirth: '1980-05-01', email: 'gareth@example.net' });
    const attempt = await customers.create(advisor, { givenName: 'Garath', familyName: 'Evans', dateOfBirth: '1980-05-01' });
    assert.equal(attempt.created, false);
    assert.ok(!attempt.created && attempt.duplicates[0]?.reasons.includes('dateOfBirth'));
    const byEmail = await customers.create(advisor, { givenName: 'G', familyName: 'Evans', email: 'GARETH@example.net' });
    assert.ok(!byEmail.created && byEmail.duplicates[0]?.reasons.includes('email'));
    const confirmed = await customers.create(
      advisor,
      { givenName: 'Garath', familyName: 'Evans', dateOfBirth: '1980-05-01' },
      { confirmedNew: true },
    );
    assert.equal(confirmed.created, true);
  });

  it('merges a duplicate keeping all its history, audited, and refuses to merge twice or with itself', async () => {
    const keep = await aCustomer({ givenName: 'Megan', familyName: 'Hughes', email: 'megan@example.com' });
    const duplicate = await aCustomer({
      givenName: 'Meg',
      familyName: 'Hughes',
      phone: '07911 123456',
      email: 'meg.h@example.com',
    });
    await customers.addNote(advisor, duplicate, 'Prefers calls after 4pm');
    await customers.addFlag(advisor, duplicate, { reason: 'bereavement', reviewOn: '2027-01-31' });

    await customers.merge(advisor, keep, duplicate);

    const view = await customers.view(advisor, keep);
    assert.ok('customer' in view);
    assert.deepEqual(view.customer.emails.map((email) => email.email).sort(), ['meg.h@example.com', 'megan@example.com']);
    assert.deepEqual(
      view.customer.phones.map((phone) => phone.number),
      ['+447911123456'],
    );
    assert.deepEqual(
      view.customer.previousNames.map((name) => `${name.givenName} ${name.familyName}`),
      ['Meg Hughes'],
    );
    assert.equal(view.customer.flags.length, 1);
    const timeline = await customers.timeline(advisor, keep);
    assert.deepEqual(timeline.entries.map((entry) => entry.kind).sort(), ['flag', 'note']);
    assert.deepEqual(await customers.view(advisor, duplicate), { mergedInto: keep });
    assert.deepEqual(
      (await customers.search(advisor, 'meg hughes')).hits.map((hit) => hit.id),
      [keep],
    );

    const audits = await db.selectFrom('audit_events').select(['record_id']).where('action', '=', 'customer.merge').execute();
    assert.deepEqual(audits.map((audit) => audit.record_id).sort(), [keep, duplicate].sort());

    await assert.rejects(customers.merge(advisor, keep, keep), Conflict);
    await assert.rejects(customers.merge(advisor, keep, duplicate), Conflict);
    await assert.rejects(customers.merge(advisor, duplicate, keep), Conflict);
  });

  it('writes every view to the audit trail', async () => {
    const id = await aCustomer({ givenName: 'Owain', familyName: 'Lloyd' });
    await customers.view(advisor, id);
    await customers.view(advisor, id);
    const views = await db
      .selectFrom('audit_events')
      .select(['actor_id'])
      .where('action', '=', 'customer.view')
      .where('record_id', '=', id)
      .execute();
    assert.deepEqual(
      views.map((view) => view.actor_id),
      [advisor.id, advisor.id],
    );
  });

  it('shows a partner only the customers who consented to share with it, and only what they shared', async () => {
    const id = await aCustomer({ givenName: 'Rhian', familyName: 'Morgan', phone: '01743 111222', email: 'rhian@example.org' });
    await customers.updateDetails(advisor, id, { needs: ['large_print'] });
    await assert.rejects(customers.view(policeWorker, id), NotFound);
    assert.deepEqual((await customers.search(policeWorker, 'rhian morgan')).hits, []);

    await customers.addConsent(advisor, id, { organisationId: policeId, shares: ['needs'], givenOn: '2026-11-01' });
    const view = await customers.view(policeWorker, id);
    assert.ok('customer' in view);
    assert.equal(view.customer.displayName, 'Rhian Morgan');
    assert.deepEqual(view.customer.needs, ['large_print']);
    assert.deepEqual(view.customer.phones, []);
    assert.equal(view.customer.email, null);
    assert.deepEqual((await customers.timeline(policeWorker, id)).entries, []);
    assert.deepEqual(
      (await customers.search(policeWorker, 'rhian morgan')).hits.map((hit) => hit.id),
      [id],
    );
    await assert.rejects(customers.view(collegeWorker, id), NotFound);
    await assert.rejects(customers.addNote(policeWorker, id, 'note'), NotAllowed);

    const consentId = view.customer.consents[0]!.id;
    await customers.withdrawConsent(advisor, id, consentId);
    await assert.rejects(customers.view(policeWorker, id), NotFound);
  });

  it('keeps people without a need to see customers out of the records', async () => {
    await assert.rejects(customers.search(analyst, 'jones'), NotAllowed);
  });

  it('keeps a changed name as a previous name, so the person is still found by it', async () => {
    const id = await aCustomer({ givenName: 'Ffion', familyName: 'Bowen' });
    await customers.updateDetails(advisor, id, { givenName: 'Ffion', familyName: 'Griffiths' });
    const found = await customers.search(advisor, 'ffion bowen');
    assert.deepEqual(
      found.hits.map((hit) => [hit.id, hit.reasons.includes('previousName')]),
      [[id, true]],
    );
  });

  it('pages through a long timeline newest first without repeating an entry', async () => {
    const id = await aCustomer({ givenName: 'Dylan', familyName: 'Rees' });
    for (let i = 0; i < 30; i++) await customers.addNote(advisor, id, `note ${i}`);
    const first = await customers.timeline(advisor, id, { kinds: ['note'] });
    assert.equal(first.entries.length, 25);
    assert.ok(first.next);
    const second = await customers.timeline(advisor, id, { kinds: ['note'], after: first.next });
    assert.equal(second.entries.length, 5);
    assert.equal(second.next, null);
    const seen = new Set([...first.entries, ...second.entries].map((entry) => entry.id));
    assert.equal(seen.size, 30);
  });

  it('holds its own rules for flags, consents and details, whoever calls, and saves nothing it refuses', async () => {
    const id = await aCustomer({ givenName: 'Eirlys', familyName: 'Thomas' });
    const invalidFields = async (work: Promise<unknown>) => {
      try {
        await work;
      } catch (error) {
        if (error instanceof Invalid) return error.errors.map((problem) => problem.field);
        throw error;
      }
      return [];
    };
    assert.deepEqual(await invalidFields(customers.addFlag(advisor, id, { reason: 'grumpy', reviewOn: '2001-01-01' })), [
      'reason',
      'reviewOn',
    ]);
    const policeIdNow = policeId;
    assert.deepEqual(
      await invalidFields(
        customers.addConsent(advisor, id, { organisationId: policeIdNow, shares: ['everything'], givenOn: '2999-01-01' }),
      ),
      ['shares', 'givenOn'],
    );
    assert.deepEqual(
      await invalidFields(customers.updateDetails(advisor, id, { needs: ['telepathy'], preferredLanguage: 'English' })),
      ['needs', 'preferredLanguage'],
    );
    const view = await customers.view(advisor, id);
    assert.ok('customer' in view);
    assert.deepEqual([view.customer.flags, view.customer.consents, view.customer.needs], [[], [], []]);
  });
});
