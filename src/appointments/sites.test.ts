import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aService, aStaffMember, aTeam } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import type { StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createSitesService, type SitesService } from './sites.ts';

// The service's "today": Monday 23 November 2026, before the shops open. No bank holiday falls
// in the three weeks after it.
const NOW = new Date('2026-11-23T08:00:00Z');

/** The fields and messages of an Invalid refusal, to compare with what the test expects. */
async function refusal(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Invalid) return error.errors.map(({ field, message }) => `${field}: ${message.split('.').pop()}`);
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('setting up sites and the services that take appointments', () => {
  let database: TestDatabase;
  let db: Db;
  let sites: SitesService;
  let councilId: string;
  let otherCouncilId: string;
  let admin: StaffActor;
  let advisor: StaffActor;
  let otherAdmin: StaffActor;
  let advisorId: string;
  let teamLeaderId: string;
  let officerId: string;
  let otherAdvisorId: string;
  let registrationId: string;
  let otherCouncilServiceId: string;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    sites = createSitesService(db, { now: () => NOW });
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    admin = await actorFor((await aStaffMember(db, { roles: ['admin'] })).id);
    advisorId = (await aStaffMember(db, { roles: ['advisor'], name: 'Ann Advisor' })).id;
    advisor = await actorFor(advisorId);
    teamLeaderId = (await aStaffMember(db, { roles: ['team_leader'], name: 'Tom Leader' })).id;
    officerId = (await aStaffMember(db, { roles: ['officer'], name: 'Olive Officer' })).id;
    otherAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'], organisation: 'county' })).id);
    otherAdvisorId = (await aStaffMember(db, { roles: ['advisor'], organisation: 'county' })).id;
    const team = await aTeam(db, { organisationId: councilId, code: 'registrars', name: 'Registrars' });
    registrationId = await aService(db, {
      councilId,
      teamId: team,
      code: 'register-a-birth',
      name: 'Register a birth',
      slaWorkingDays: 5,
    });
    const countyTeam = await aTeam(db, { organisationId: otherCouncilId, code: 'county-registrars', name: 'County registrars' });
    otherCouncilServiceId = await aService(db, {
      councilId: otherCouncilId,
      teamId: countyTeam,
      code: 'county-births',
      name: 'County births',
      slaWorkingDays: 5,
    });
  });
  after(() => database.drop());

  async function actorFor(userId: string): Promise<StaffActor> {
    const staff = await createAuthService(db).signedInStaff(userId, '192.0.2.1');
    assert.ok(staff);
    return staff.actor;
  }

  const auditOf = async (recordId: string) =>
    (await db.selectFrom('audit_events').select(['action']).where('record_id', '=', recordId).orderBy('id').execute()).map(
      (row) => row.action,
    );

  const slotsOf = async (siteId: string) =>
    await db
      .selectFrom('appointment_slots')
      .select(['starts_at', 'place', 'capacity'])
      .where('site_id', '=', siteId)
      .orderBy('starts_at')
      .execute();

  const shop = {
    kind: 'one_stop_shop',
    name: 'Castle Street one-stop shop',
    nameCy: 'Siop un stop Stryd y Castell',
    addressLine1: '1 Castle Street',
    town: 'Oswestry',
    postcode: 'sy11 1pz',
  };

  describe('sites', () => {
    it('adds a one-stop shop with its address, and the bus without one, each audited', async () => {
      const { id } = await sites.createSite(admin, shop);
      const { site } = await sites.site(admin, id);
      assert.deepEqual(
        {
          code: site.code,
          kind: site.kind,
          name: site.name,
          nameCy: site.nameCy,
          postcode: site.postcode,
          grace: site.noShowGraceMinutes,
          active: site.active,
          councilId: site.councilId,
        },
        {
          code: 'castle-street-one-stop-shop',
          kind: 'one_stop_shop',
          name: 'Castle Street one-stop shop',
          nameCy: 'Siop un stop Stryd y Castell',
          postcode: 'SY11 1PZ',
          grace: 15,
          active: true,
          councilId,
        },
      );
      assert.deepEqual(await auditOf(id), ['site.create']);

      const bus = await sites.createSite(admin, { kind: 'mobile_bus', name: 'The council bus', noShowGraceMinutes: '10' });
      const { site: busSite } = await sites.site(admin, bus.id);
      assert.equal(busSite.addressLine1, null);
      assert.equal(busSite.noShowGraceMinutes, 10);
      assert.deepEqual(
        (await sites.sites(admin)).map((listed) => listed.name),
        ['Castle Street one-stop shop', 'The council bus'],
      );
    });

    it('refuses a site without a name or kind, a shop without an address, a bad postcode or grace, and a name taken', async () => {
      const before = await db.selectFrom('sites').select('id').execute();
      assert.deepEqual(await refusal(sites.createSite(admin, { name: '', noShowGraceMinutes: '3' })), [
        'kind: kindMissing',
        'name: nameMissing',
        'addressLine1: addressMissing',
        'town: townMissing',
        'postcode: postcodeMissing',
        'noShowGraceMinutes: graceInvalid',
      ]);
      assert.deepEqual(
        await refusal(
          sites.createSite(admin, { ...shop, name: 'castle street ONE-STOP shop', postcode: 'SY99', noShowGraceMinutes: '121' }),
        ),
        ['name: nameTaken', 'postcode: postcodeInvalid', 'noShowGraceMinutes: graceInvalid'],
      );
      assert.deepEqual(await refusal(sites.createSite(admin, { ...shop, name: 'x'.repeat(121), noShowGraceMinutes: '1.5' })), [
        'name: nameTooLong',
        'noShowGraceMinutes: graceInvalid',
      ]);
      assert.deepEqual(await db.selectFrom('sites').select('id').execute(), before);
    });

    it('renames and changes a site, keeping its code, and refuses another site’s name', async () => {
      const { id } = await sites.createSite(admin, { ...shop, name: 'Market Hall' });
      await sites.updateSite(admin, id, { ...shop, name: 'Market Hall shop', nameCy: '', noShowGraceMinutes: '20' });
      const { site } = await sites.site(admin, id);
      assert.deepEqual(
        [site.name, site.nameCy, site.code, site.noShowGraceMinutes],
        ['Market Hall shop', null, 'market-hall', 20],
      );
      assert.deepEqual(await refusal(sites.updateSite(admin, id, { ...shop, name: 'The council bus' })), ['name: nameTaken']);
      assert.deepEqual(await auditOf(id), ['site.create', 'site.update']);
    });

    it('is set up only by the council’s administrators, and another council’s site is not found', async () => {
      const [own] = await sites.sites(admin);
      await assert.rejects(sites.sites(advisor), NotAllowed);
      await assert.rejects(sites.createSite(advisor, { ...shop, name: 'Advisor’s shop' }), NotAllowed);
      await assert.rejects(sites.updateSite(advisor, own!.id, { ...shop, name: 'Renamed' }), NotAllowed);
      assert.deepEqual(await sites.sites(otherAdmin), []);
      await assert.rejects(sites.site(otherAdmin, own!.id), NotFound);
      await assert.rejects(sites.updateSite(otherAdmin, own!.id, { ...shop, name: 'Taken over' }), NotFound);
      await assert.rejects(sites.addSession(otherAdmin, own!.id, { weekday: 1, opens: '09:00', closes: '10:00' }), NotFound);
      await assert.rejects(sites.addClosure(otherAdmin, own!.id, { date: '2026-12-01', reason: 'No' }), NotFound);
      await assert.rejects(sites.addCounter(otherAdmin, own!.id, { name: 'Desk 9' }), NotFound);
      await assert.rejects(sites.site(admin, 'not-an-id'), NotFound);
      assert.equal((await sites.site(admin, own!.id)).site.name, own!.name);
    });
  });

  describe('sessions, closures and slots', () => {
    let shopId: string;
    let busId: string;

    before(async () => {
      shopId = (await sites.createSite(admin, { ...shop, name: 'Slots shop' })).id;
      busId = (await sites.createSite(admin, { kind: 'mobile_bus', name: 'Slots bus' })).id;
    });

    it('keeps a shop’s hours and the bus’s stops, refusing overlaps and a stop without a place', async () => {
      await sites.addSession(admin, shopId, { weekday: '1', opens: '9:00', closes: '12:00' });
      await sites.addSession(admin, shopId, { weekday: '1', opens: '13:00', closes: '16:30' });
      assert.deepEqual(await refusal(sites.addSession(admin, shopId, { weekday: '1', opens: '11:30', closes: '13:30' })), [
        'opens: sessionOverlaps',
      ]);
      assert.deepEqual(
        await refusal(sites.addSession(admin, shopId, { weekday: '2', opens: '09:03', closes: '08:00', place: 'Car park' })),
        ['opens: timeNotOnFive', 'place: placeNotForShop'],
      );
      assert.deepEqual(await refusal(sites.addSession(admin, busId, { weekday: '3', opens: '10:00', closes: '12:00' })), [
        'place: placeMissing',
      ]);
      await sites.addSession(admin, busId, { weekday: '3', opens: '10:00', closes: '12:00', place: 'Market Square, Ellesmere' });
      const { sessions } = await sites.site(admin, shopId);
      assert.deepEqual(
        sessions.map(({ weekday, opens, closes, place }) => ({ weekday, opens, closes, place })),
        [
          { weekday: 1, opens: '09:00', closes: '12:00', place: null },
          { weekday: 1, opens: '13:00', closes: '16:30', place: null },
        ],
      );
      assert.deepEqual(
        (await sites.site(admin, busId)).sessions.map((session) => session.place),
        ['Market Square, Ellesmere'],
      );
      assert.deepEqual(await auditOf(shopId), ['site.create', 'site.session.add', 'site.session.add']);
    });

    it('makes slots for a service at its sites, and makes them again when sessions and closures change', async () => {
      await sites.saveAppointmentService(admin, registrationId, {
        durationMinutes: '30',
        capacity: '2',
        horizonDays: '14',
        siteIds: [shopId, busId],
      });
      // Mondays 23 and 30 November and 7 December: six slots in the morning and seven in the afternoon.
      const shopSlots = await slotsOf(shopId);
      assert.equal(shopSlots.length, 3 * 13);
      assert.equal(shopSlots[0]!.starts_at.toISOString(), '2026-11-23T09:00:00.000Z');
      assert.ok(shopSlots.every((slot) => slot.capacity === 2 && slot.place === null));
      // Wednesdays 25 November, 2 December: four slots at the stop.
      const busSlots = await slotsOf(busId);
      assert.equal(busSlots.length, 2 * 4);
      assert.ok(busSlots.every((slot) => slot.place === 'Market Square, Ellesmere'));

      const { booked } = await sites.addClosure(admin, shopId, { date: '2026-11-30', reason: 'Staff training' });
      assert.equal(booked, 0);
      const afterClosure = await slotsOf(shopId);
      assert.equal(afterClosure.length, 2 * 13);
      assert.ok(!afterClosure.some((slot) => slot.starts_at.toISOString().startsWith('2026-11-30')));

      const { sessions } = await sites.site(admin, shopId);
      await sites.removeSession(admin, shopId, sessions[1]!.id);
      assert.equal((await slotsOf(shopId)).length, 2 * 6);

      await sites.removeClosure(admin, shopId, '2026-11-30');
      assert.equal((await slotsOf(shopId)).length, 3 * 6);
      assert.deepEqual((await auditOf(shopId)).slice(-3), ['site.closure.add', 'site.session.remove', 'site.closure.remove']);
    });

    it('takes a closed site’s free slots away, and gives them back when it opens again', async () => {
      await sites.updateSite(admin, busId, { name: 'Slots bus', active: false });
      assert.equal((await slotsOf(busId)).length, 0);
      await sites.updateSite(admin, busId, { name: 'Slots bus', active: true });
      assert.equal((await slotsOf(busId)).length, 2 * 4);
    });

    it('refuses a closure in the past, too far ahead, on a day already closed, or without a reason', async () => {
      await sites.addClosure(admin, shopId, { date: '2026-12-24', reason: 'Christmas Eve' });
      const before = await sites.site(admin, shopId);
      assert.deepEqual(await refusal(sites.addClosure(admin, shopId, { date: '2026-11-22', reason: 'Yesterday' })), [
        'date: datePast',
      ]);
      assert.deepEqual(await refusal(sites.addClosure(admin, shopId, { date: '2030-01-01', reason: '' })), [
        'date: dateTooFar',
        'reason: reasonMissing',
      ]);
      assert.deepEqual(await refusal(sites.addClosure(admin, shopId, { date: '2026-02-30', reason: 'x' })), [
        'date: dateInvalid',
      ]);
      assert.deepEqual(await refusal(sites.addClosure(admin, shopId, { date: '2026-12-24', reason: 'Again' })), [
        'date: dateTaken',
      ]);
      assert.deepEqual((await sites.site(admin, shopId)).closures, before.closures);
    });

    it('lists closures coming first, and keeps a past one', async () => {
      await db.insertInto('site_closures').values({ site_id: shopId, date: '2026-11-02', reason: 'Flood' }).execute();
      const { closures } = await sites.site(admin, shopId);
      assert.deepEqual(
        closures.map(({ date, upcoming }) => [date, upcoming]),
        [
          ['2026-12-24', true],
          ['2026-11-02', false],
        ],
      );
      await assert.rejects(sites.removeClosure(admin, shopId, '2026-11-02'), Conflict);
      await assert.rejects(sites.removeClosure(admin, shopId, '2026-12-25'), NotFound);
      await assert.rejects(sites.removeClosure(otherAdmin, shopId, '2026-12-24'), NotFound);
      assert.equal((await sites.site(admin, shopId)).closures.length, 2);
    });
  });

  describe('counters', () => {
    it('adds, renames and takes a counter out of use, with names unique at the site', async () => {
      const { id: siteId } = await sites.createSite(admin, { ...shop, name: 'Counters shop' });
      const { id } = await sites.addCounter(admin, siteId, { name: 'Desk 1' });
      await sites.addCounter(admin, siteId, { name: 'Desk 2' });
      assert.deepEqual(await refusal(sites.addCounter(admin, siteId, { name: 'desk 1' })), ['name: counterNameTaken']);
      assert.deepEqual(await refusal(sites.addCounter(admin, siteId, { name: ' ' })), ['name: counterNameMissing']);
      assert.deepEqual(await refusal(sites.updateCounter(admin, siteId, id, { name: 'Desk 2' })), ['name: counterNameTaken']);
      await sites.updateCounter(admin, siteId, id, { name: 'Interview room' });
      await sites.updateCounter(admin, siteId, id, { active: false });
      const { counters } = await sites.site(admin, siteId);
      assert.deepEqual(
        counters.map(({ name, active }) => [name, active]),
        [
          ['Desk 2', true],
          ['Interview room', false],
        ],
      );
      await assert.rejects(sites.updateCounter(otherAdmin, siteId, id, { active: true }), NotFound);
      const { id: otherSiteId } = await sites.createSite(admin, { ...shop, name: 'Another shop' });
      await assert.rejects(sites.updateCounter(admin, otherSiteId, id, { active: true }), NotFound, 'a counter of another site');
      assert.deepEqual((await auditOf(siteId)).slice(1), [
        'site.counter.add',
        'site.counter.add',
        'site.counter.update',
        'site.counter.update',
      ]);
    });
  });

  describe('services that take appointments', () => {
    let siteId: string;
    before(async () => {
      siteId = (await sites.createSite(admin, { ...shop, name: 'Services shop' })).id;
    });

    it('refuses lengths, places and horizons out of range, no site, and unknown sites and advisors, saving nothing', async () => {
      const team = await aTeam(db, { organisationId: councilId, code: 'licensing', name: 'Licensing' });
      const licensing = await aService(db, { councilId, teamId: team, code: 'licences', name: 'Licences', slaWorkingDays: 10 });
      const [countySite] = [(await sites.createSite(otherAdmin, { ...shop, name: 'County shop' })).id];
      assert.deepEqual(
        await refusal(
          sites.saveAppointmentService(admin, licensing, { durationMinutes: '7', capacity: '0', horizonDays: '367' }),
        ),
        ['durationMinutes: durationInvalid', 'capacity: capacityInvalid', 'horizonDays: horizonInvalid', 'siteIds: sitesMissing'],
      );
      assert.deepEqual(
        await refusal(
          sites.saveAppointmentService(admin, licensing, {
            durationMinutes: '245',
            capacity: '51',
            horizonDays: '0',
            siteIds: [siteId, countySite!],
            advisorIds: [officerId],
          }),
        ),
        [
          'durationMinutes: durationInvalid',
          'capacity: capacityInvalid',
          'horizonDays: horizonInvalid',
          'siteIds: siteUnknown',
          'advisorIds: advisorUnknown',
        ],
      );
      assert.deepEqual(
        await refusal(
          sites.saveAppointmentService(admin, licensing, {
            durationMinutes: '',
            capacity: '1',
            horizonDays: '10',
            siteIds: [siteId],
            advisorIds: [otherAdvisorId],
          }),
        ),
        ['durationMinutes: durationMissing', 'advisorIds: advisorUnknown'],
      );
      assert.equal(
        await db.selectFrom('appointment_services').select('service_id').where('service_id', '=', licensing).executeTakeFirst(),
        undefined,
      );
    });

    it('names the advisors who may serve it, and changes its settings', async () => {
      await sites.saveAppointmentService(admin, registrationId, {
        durationMinutes: '45',
        capacity: '1',
        horizonDays: '7',
        siteIds: [siteId],
        advisorIds: [advisorId, teamLeaderId],
      });
      const { settings, advisors } = await sites.appointmentService(admin, registrationId);
      assert.deepEqual(
        advisors.map((person) => person.name),
        ['Ann Advisor', 'Tom Leader'],
        'advisors and team leaders, not officers',
      );
      assert.deepEqual(
        { ...settings, siteIds: settings!.siteIds, advisorIds: [...settings!.advisorIds].sort() },
        {
          serviceId: registrationId,
          councilId,
          durationMinutes: 45,
          capacity: 1,
          horizonDays: 7,
          active: true,
          siteIds: [siteId],
          advisorIds: [advisorId, teamLeaderId].sort(),
        },
      );
      const { services, available } = await sites.appointmentServices(admin);
      assert.deepEqual(
        services.map((service) => [service.name, service.sites.map((site) => site.name), service.advisors]),
        [['Register a birth', ['Services shop'], 2]],
      );
      assert.ok(!available.some((service) => service.id === registrationId), 'no longer offered to set up');
      assert.deepEqual(await auditOf(registrationId), ['appointment_service.create', 'appointment_service.update']);
    });

    it('is not another council’s to set up', async () => {
      await assert.rejects(sites.appointmentService(admin, otherCouncilServiceId), NotFound);
      await assert.rejects(
        sites.saveAppointmentService(admin, otherCouncilServiceId, {
          durationMinutes: '30',
          capacity: '1',
          horizonDays: '7',
          siteIds: [siteId],
        }),
        NotFound,
      );
      await assert.rejects(sites.appointmentService(otherAdmin, registrationId), NotFound);
      await assert.rejects(sites.appointmentService(advisor, registrationId), NotAllowed);
      assert.deepEqual((await sites.appointmentServices(otherAdmin)).services, []);
    });
  });
});
