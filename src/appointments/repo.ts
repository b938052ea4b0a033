// SQL for booking appointments: the services that take them, free slots, taking and giving back a
// place in a slot, the appointments themselves, reminders and no-shows.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { AppointmentStatus } from '../db/schema.ts';
import { SLA_DIVISION } from '../services/bankHolidays.ts';
import { addCalendarDays, londonDate } from '../services/calendar.ts';
import { closedDaysBetween } from '../services/calendarRepo.ts';
import { slotDayIsOpen, slotDayIsOpenGiven } from './slots.ts';

export interface BookableService {
  serviceId: string;
  code: string;
  name: string;
  nameCy: string | null;
  durationMinutes: number;
  sites: { id: string; name: string; nameCy: string | null; kind: 'one_stop_shop' | 'mobile_bus' }[];
}

/** The council's services that take appointments now, with the active sites that offer each, by name. */
export async function bookableServices(db: Queryable, councilId: string): Promise<BookableService[]> {
  const rows = await db
    .selectFrom('appointment_services as a')
    .innerJoin('services', 'services.id', 'a.service_id')
    .innerJoin('appointment_service_sites as offered', 'offered.service_id', 'a.service_id')
    .innerJoin('sites', (join) => join.onRef('sites.id', '=', 'offered.site_id').on('sites.active', '=', true))
    .select([
      'a.service_id as serviceId',
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      'a.duration_minutes as durationMinutes',
      'sites.id as siteId',
      'sites.name as siteName',
      'sites.name_cy as siteNameCy',
      'sites.kind as siteKind',
    ])
    .where('a.council_id', '=', councilId)
    .where('a.active', '=', true)
    .orderBy('services.name')
    .orderBy('sites.name')
    .execute();
  const services = new Map<string, BookableService>();
  for (const row of rows) {
    const service = services.get(row.serviceId) ?? {
      serviceId: row.serviceId,
      code: row.code,
      name: row.name,
      nameCy: row.nameCy,
      durationMinutes: row.durationMinutes,
      sites: [],
    };
    service.sites.push({ id: row.siteId, name: row.siteName, nameCy: row.siteNameCy, kind: row.siteKind });
    services.set(row.serviceId, service);
  }
  return [...services.values()];
}

export interface FreeSlot {
  id: string;
  siteId: string;
  siteName: string;
  siteNameCy: string | null;
  place: string | null;
  startsAt: Date;
  endsAt: Date;
  remaining: number;
}

/** Slots of a service with a place free, starting after `after` and before `before`, soonest first. */
export async function freeSlots(
  db: Queryable,
  query: { councilId: string; serviceId: string; siteId?: string; after: Date; before: Date; limit: number },
): Promise<FreeSlot[]> {
  // The council's closed days in the range, read once rather than looked up for every slot.
  const closed = await closedDaysBetween(db, {
    division: SLA_DIVISION,
    organisationId: query.councilId,
    from: londonDate(query.after),
    to: addCalendarDays(londonDate(query.before), 1),
  });
  let select = db
    .selectFrom('appointment_slots')
    .innerJoin('sites', 'sites.id', 'appointment_slots.site_id')
    .innerJoin('appointment_services as a', 'a.service_id', 'appointment_slots.service_id')
    .innerJoin('appointment_service_sites as offered', (join) =>
      join
        .onRef('offered.service_id', '=', 'appointment_slots.service_id')
        .onRef('offered.site_id', '=', 'appointment_slots.site_id'),
    )
    .select([
      'appointment_slots.id',
      'appointment_slots.site_id as siteId',
      'sites.name as siteName',
      'sites.name_cy as siteNameCy',
      'appointment_slots.place',
      'appointment_slots.starts_at as startsAt',
      'appointment_slots.ends_at as endsAt',
      sql<number>`appointment_slots.capacity - appointment_slots.booked`.as('remaining'),
    ])
    .where('appointment_slots.council_id', '=', query.councilId)
    .where('appointment_slots.service_id', '=', query.serviceId)
    .where('appointment_slots.starts_at', '>', query.after)
    .where('appointment_slots.starts_at', '<', query.before)
    .where(sql<boolean>`appointment_slots.booked < appointment_slots.capacity`)
    .where('sites.active', '=', true)
    .where('a.active', '=', true)
    .where(slotDayIsOpenGiven(closed));
  if (query.siteId) select = select.where('appointment_slots.site_id', '=', query.siteId);
  return await select.orderBy('appointment_slots.starts_at').orderBy('sites.name').limit(query.limit).execute();
}

export interface SlotRecord {
  id: string;
  councilId: string;
  siteId: string;
  serviceId: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  capacity: number;
  booked: number;
  /** Still offered: the site and the service active, the service still at the site, the day open. */
  open: boolean;
}

export async function findSlot(db: Queryable, id: string): Promise<SlotRecord | undefined> {
  return await db
    .selectFrom('appointment_slots')
    .leftJoin('appointment_service_sites as offered', (join) =>
      join
        .onRef('offered.service_id', '=', 'appointment_slots.service_id')
        .onRef('offered.site_id', '=', 'appointment_slots.site_id'),
    )
    .leftJoin('appointment_services as a', 'a.service_id', 'offered.service_id')
    .innerJoin('sites', 'sites.id', 'appointment_slots.site_id')
    .select([
      'appointment_slots.id',
      'appointment_slots.council_id as councilId',
      'appointment_slots.site_id as siteId',
      'appointment_slots.service_id as serviceId',
      'appointment_slots.starts_at as startsAt',
      'appointment_slots.ends_at as endsAt',
      'appointment_slots.place',
      'appointment_slots.capacity',
      'appointment_slots.booked',
      sql<boolean>`coalesce(a.active, false) and sites.active and ${slotDayIsOpen}`.as('open'),
    ])
    .where('appointment_slots.id', '=', id)
    .executeTakeFirst();
}

/**
 * Takes one place in the slot if one is free: true when taken. The guarded UPDATE is the whole of
 * the double-booking rule: concurrent bookings queue on the row's lock, and each sees the count the
 * one before left, so exactly as many succeed as there are places. (The table's check backs it up.)
 */
export async function takePlace(db: Queryable, slotId: string): Promise<boolean> {
  const taken = await db
    .updateTable('appointment_slots')
    .set({ booked: sql`booked + 1` })
    .where('id', '=', slotId)
    .where(sql<boolean>`booked < capacity`)
    .returning('id')
    .executeTakeFirst();
  return taken !== undefined;
}

export async function givePlaceBack(db: Queryable, slotId: string): Promise<void> {
  await db
    .updateTable('appointment_slots')
    .set({ booked: sql`booked - 1` })
    .where('id', '=', slotId)
    .execute();
}

export interface NewAppointment {
  councilId: string;
  reference: string;
  slot: SlotRecord;
  customerId: string;
  channel: string;
  notes: string | null;
  manageToken: string;
  submissionKey: string | null;
  createdBy: string | null;
  createdByApiKey: string | null;
}

/** The new appointment's id, or undefined when its reference is taken (draw another). */
export async function insertAppointment(db: Queryable, value: NewAppointment): Promise<string | undefined> {
  const row = await db
    .insertInto('appointments')
    .values({
      council_id: value.councilId,
      reference: value.reference,
      slot_id: value.slot.id,
      site_id: value.slot.siteId,
      service_id: value.slot.serviceId,
      starts_at: value.slot.startsAt,
      ends_at: value.slot.endsAt,
      customer_id: value.customerId,
      channel: value.channel,
      notes: value.notes,
      manage_token: value.manageToken,
      submission_key: value.submissionKey,
      created_by: value.createdBy,
      created_by_api_key: value.createdByApiKey,
    })
    .onConflict((conflict) => conflict.column('reference').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface AppointmentRecord {
  id: string;
  councilId: string;
  reference: string;
  slotId: string;
  siteId: string;
  siteName: string;
  siteNameCy: string | null;
  siteKind: 'one_stop_shop' | 'mobile_bus';
  siteAddress: string | null;
  place: string | null;
  serviceId: string;
  serviceCode: string;
  serviceName: string;
  serviceNameCy: string | null;
  startsAt: Date;
  endsAt: Date;
  customerId: string;
  customerName: string;
  status: AppointmentStatus;
  channel: string;
  notes: string | null;
  manageToken: string;
  createdAt: Date;
}

function appointments(db: Queryable) {
  return db
    .selectFrom('appointments')
    .innerJoin('appointment_slots as slot', 'slot.id', 'appointments.slot_id')
    .innerJoin('sites', 'sites.id', 'appointments.site_id')
    .innerJoin('services', 'services.id', 'appointments.service_id')
    .innerJoin('customers', 'customers.id', 'appointments.customer_id')
    .select([
      'appointments.id',
      'appointments.council_id as councilId',
      'appointments.reference',
      'appointments.slot_id as slotId',
      'appointments.site_id as siteId',
      'sites.name as siteName',
      'sites.name_cy as siteNameCy',
      'sites.kind as siteKind',
      sql<string | null>`nullif(concat_ws(', ', sites.address_line1, sites.town, sites.postcode), '')`.as('siteAddress'),
      'slot.place',
      'appointments.service_id as serviceId',
      'services.code as serviceCode',
      'services.name as serviceName',
      'services.name_cy as serviceNameCy',
      'appointments.starts_at as startsAt',
      'appointments.ends_at as endsAt',
      'appointments.customer_id as customerId',
      sql<string>`concat_ws(' ', customers.given_name, customers.family_name)`.as('customerName'),
      'appointments.status',
      'appointments.channel',
      'appointments.notes',
      'appointments.manage_token as manageToken',
      'appointments.created_at as createdAt',
    ]);
}

export async function findAppointment(
  db: Queryable,
  by: { id: string } | { reference: string } | { manageToken: string } | { submissionKey: string },
  options: { forUpdate?: boolean } = {},
): Promise<AppointmentRecord | undefined> {
  let select = appointments(db);
  if ('id' in by) select = select.where('appointments.id', '=', by.id);
  else if ('reference' in by) select = select.where('appointments.reference', '=', by.reference);
  else if ('manageToken' in by) select = select.where('appointments.manage_token', '=', by.manageToken);
  else select = select.where('appointments.submission_key', '=', by.submissionKey);
  if (options.forUpdate) select = select.forUpdate('appointments');
  return await select.executeTakeFirst();
}

/** The appointments with these ids, in one query. */
export async function findAppointments(db: Queryable, ids: readonly string[]): Promise<AppointmentRecord[]> {
  if (ids.length === 0) return [];
  return await appointments(db).where('appointments.id', 'in', ids).execute();
}

/** A customer's appointments, latest first. */
export async function appointmentsOfCustomer(db: Queryable, customerId: string, limit = 50): Promise<AppointmentRecord[]> {
  return await appointments(db)
    .where('appointments.customer_id', '=', customerId)
    .orderBy('appointments.starts_at', 'desc')
    .limit(limit)
    .execute();
}

/** A site's appointments on a London day, in time order. */
export async function appointmentsAtSite(db: Queryable, siteId: string, from: Date, to: Date): Promise<AppointmentRecord[]> {
  return await appointments(db)
    .where('appointments.site_id', '=', siteId)
    .where('appointments.starts_at', '>=', from)
    .where('appointments.starts_at', '<', to)
    .orderBy('appointments.starts_at')
    .orderBy('customers.family_name')
    .execute();
}

export async function setCancelled(db: Queryable, id: string, at: Date): Promise<void> {
  await db.updateTable('appointments').set({ status: 'cancelled', cancelled_at: at }).where('id', '=', id).execute();
}

/** Moves a booked appointment to another slot (whose place the caller has taken). */
export async function moveToSlot(db: Queryable, id: string, slot: SlotRecord): Promise<void> {
  await db
    .updateTable('appointments')
    .set({
      slot_id: slot.id,
      site_id: slot.siteId,
      starts_at: slot.startsAt,
      ends_at: slot.endsAt,
      reminded_at: null,
    })
    .where('id', '=', id)
    .execute();
}

/** Booked appointments starting before `until` whose reminder has not gone, oldest first; claimed by setting reminded_at. */
export async function claimReminders(db: Queryable, now: Date, until: Date, limit: number): Promise<string[]> {
  const rows = await db
    .updateTable('appointments')
    .set({ reminded_at: now })
    .where('id', 'in', (select) =>
      select
        .selectFrom('appointments')
        .select('id')
        .where('status', '=', 'booked')
        .where('reminded_at', 'is', null)
        .where('starts_at', '>', now)
        .where('starts_at', '<=', until)
        .orderBy('starts_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Marks booked appointments as not come once their site's grace period has passed; their ids and councils. */
export async function markNoShows(db: Queryable, now: Date): Promise<{ id: string; councilId: string }[]> {
  return await db
    .updateTable('appointments')
    .from('sites')
    .set({ status: 'no_show' })
    .whereRef('sites.id', '=', 'appointments.site_id')
    .where('appointments.status', '=', 'booked')
    .where(sql<boolean>`appointments.starts_at + make_interval(mins => sites.no_show_grace_minutes) < ${now}`)
    .returning(['appointments.id', 'appointments.council_id as councilId'])
    .execute();
}
