// The face-to-face queue's SQL: arrivals (visits) and their ticket numbers, who waits at a site,
// and calling the next person. Calling takes the waiting visit with FOR UPDATE SKIP LOCKED, so two
// advisors pressing "Call next" at the same moment are never given the same person: the second
// skips the row the first has locked and takes the one after.
import { sql } from 'kysely';
import type { Queryable, Tx } from '../db/database.ts';
import type { VisitStatus } from '../db/schema.ts';

export interface QueueSite {
  id: string;
  councilId: string;
  name: string;
  nameCy: string | null;
  active: boolean;
}

export async function findSite(db: Queryable, siteId: string): Promise<QueueSite | undefined> {
  const row = await db
    .selectFrom('sites')
    .select(['id', 'organisation_id', 'name', 'name_cy', 'active'])
    .where('id', '=', siteId)
    .executeTakeFirst();
  return row && { id: row.id, councilId: row.organisation_id, name: row.name, nameCy: row.name_cy, active: row.active };
}

/** The council's sites that are open for business, by name. */
export async function activeSites(db: Queryable, councilId: string): Promise<QueueSite[]> {
  const rows = await db
    .selectFrom('sites')
    .select(['id', 'organisation_id', 'name', 'name_cy', 'active'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    councilId: row.organisation_id,
    name: row.name,
    nameCy: row.name_cy,
    active: row.active,
  }));
}

export interface Counter {
  id: string;
  name: string;
}

export async function countersOf(db: Queryable, siteId: string): Promise<Counter[]> {
  return await db
    .selectFrom('site_counters')
    .select(['id', 'name'])
    .where('site_id', '=', siteId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export interface ServiceChoice {
  id: string;
  name: string;
  nameCy: string | null;
}

/** The services that take appointments at the site: what a walk-in may say they need help with. */
export async function servicesAt(db: Queryable, siteId: string): Promise<ServiceChoice[]> {
  const rows = await db
    .selectFrom('appointment_service_sites as ss')
    .innerJoin('appointment_services as aps', 'aps.service_id', 'ss.service_id')
    .innerJoin('services as s', 's.id', 'ss.service_id')
    .select(['s.id', 's.name', 's.name_cy'])
    .where('ss.site_id', '=', siteId)
    .where('aps.active', '=', true)
    .where('s.active', '=', true)
    .orderBy('s.name')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, nameCy: row.name_cy }));
}

/** The next ticket number of the day at the site: one row per site and day, counted up under its lock. */
export async function nextTicketNumber(trx: Tx, siteId: string, businessDate: string): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    insert into site_ticket_numbers as t (site_id, business_date, last)
    values (${siteId}, ${businessDate}::date, 1)
    on conflict (site_id, business_date) do update set last = t.last + 1
    returning t.last
  `.execute(trx);
  return rows[0]!.last;
}

export interface TodaysAppointment {
  id: string;
  reference: string;
  councilId: string;
  customerId: string;
  serviceId: string;
  startsAt: Date;
  status: string;
  /** The visit, if already checked in. */
  visitId: string | null;
  ticket: string | null;
  visitStatus: VisitStatus | null;
}

interface AppointmentRow {
  id: string;
  reference: string;
  council_id: string;
  customer_id: string;
  service_id: string;
  starts_at: Date;
  status: string;
  visit_id: string | null;
  ticket: string | null;
  visit_status: VisitStatus | null;
}

const toAppointment = (row: AppointmentRow): TodaysAppointment => ({
  id: row.id,
  reference: row.reference,
  councilId: row.council_id,
  customerId: row.customer_id,
  serviceId: row.service_id,
  startsAt: row.starts_at,
  status: row.status,
  visitId: row.visit_id,
  ticket: row.ticket,
  visitStatus: row.visit_status,
});

export interface Day {
  start: Date;
  end: Date;
}

/**
 * The appointments at the site in the day that match `who` (a reference, or a family name and date
 * of birth), booked or already arrived, earliest first; locked, so that two check-ins of one
 * appointment at once wait for each other.
 */
export async function matchingAppointments(
  trx: Tx,
  siteId: string,
  day: Day,
  who: { reference: string } | { familyName: string; dateOfBirth: string },
): Promise<TodaysAppointment[]> {
  const match =
    'reference' in who
      ? sql`a.reference = ${who.reference}`
      : sql`lower(c.family_name) = lower(${who.familyName}) and c.date_of_birth = ${who.dateOfBirth}::date`;
  const { rows } = await sql<AppointmentRow>`
    select a.id, a.reference, a.council_id, a.customer_id, a.service_id, a.starts_at, a.status,
      v.id as visit_id, v.ticket, v.status as visit_status
    from appointments a
    join customers c on c.id = a.customer_id
    left join visits v on v.appointment_id = a.id
    where a.site_id = ${siteId} and a.starts_at >= ${day.start} and a.starts_at < ${day.end}
      and a.status in ('booked', 'arrived') and ${match}
    order by a.starts_at, a.id
    for update of a
  `.execute(trx);
  return rows.map(toAppointment);
}

/** One appointment at the site in the day, locked (reception checks people in by the list's id). */
export async function appointmentAtSite(trx: Tx, siteId: string, appointmentId: string, day: Day) {
  const { rows } = await sql<AppointmentRow>`
    select a.id, a.reference, a.council_id, a.customer_id, a.service_id, a.starts_at, a.status,
      v.id as visit_id, v.ticket, v.status as visit_status
    from appointments a
    left join visits v on v.appointment_id = a.id
    where a.id = ${appointmentId} and a.site_id = ${siteId} and a.starts_at >= ${day.start} and a.starts_at < ${day.end}
    for update of a
  `.execute(trx);
  return rows[0] ? toAppointment(rows[0]) : undefined;
}

/**
 * The visits of these appointments, read afresh: after waiting for another check-in's lock, a
 * new statement sees the visit that check-in made (the locking statement's join does not).
 */
export async function visitsOfAppointments(trx: Tx, appointmentIds: string[]) {
  if (appointmentIds.length === 0) return [];
  return await trx
    .selectFrom('visits')
    .select(['id', 'appointment_id', 'ticket', 'status'])
    .where('appointment_id', 'in', appointmentIds)
    .execute();
}

export async function markArrived(trx: Tx, appointmentId: string): Promise<void> {
  await trx.updateTable('appointments').set({ status: 'arrived' }).where('id', '=', appointmentId).execute();
}

export interface NewVisit {
  councilId: string;
  siteId: string;
  appointmentId: string | null;
  customerId: string | null;
  serviceId: string | null;
  businessDate: string;
  ticket: string;
  arrivedVia: 'kiosk' | 'reception';
  arrivedAt: Date;
}

export async function insertVisit(trx: Tx, visit: NewVisit): Promise<string> {
  const row = await trx
    .insertInto('visits')
    .values({
      council_id: visit.councilId,
      site_id: visit.siteId,
      appointment_id: visit.appointmentId,
      customer_id: visit.customerId,
      service_id: visit.serviceId,
      business_date: visit.businessDate,
      ticket: visit.ticket,
      arrived_via: visit.arrivedVia,
      arrived_at: visit.arrivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface DayAppointment {
  id: string;
  reference: string;
  startsAt: Date;
  status: string;
  customerName: string | null;
  serviceName: string;
  serviceNameCy: string | null;
  ticket: string | null;
}

/** The site's appointments in the day that are not cancelled, by time: reception's list to check in. */
export async function appointmentsOfDay(db: Queryable, siteId: string, day: Day): Promise<DayAppointment[]> {
  const { rows } = await sql<DayAppointment>`
    select a.id, a.reference, a.starts_at as "startsAt", a.status,
      coalesce(c.organisation_name, nullif(trim(concat_ws(' ', c.given_name, c.family_name)), '')) as "customerName",
      s.name as "serviceName", s.name_cy as "serviceNameCy", v.ticket
    from appointments a
    join customers c on c.id = a.customer_id
    join services s on s.id = a.service_id
    left join visits v on v.appointment_id = a.id
    where a.site_id = ${siteId} and a.starts_at >= ${day.start} and a.starts_at < ${day.end} and a.status <> 'cancelled'
    order by a.starts_at, a.reference
  `.execute(db);
  return rows;
}

export interface QueueVisit {
  id: string;
  ticket: string;
  status: VisitStatus;
  arrivedAt: Date;
  calledAt: Date | null;
  seenAt: Date | null;
  customerId: string | null;
  customerName: string | null;
  serviceName: string | null;
  serviceNameCy: string | null;
  appointmentStartsAt: Date | null;
  counterName: string | null;
  calledBy: string | null;
}

const visitColumns = sql`
  v.id, v.ticket, v.status, v.arrived_at as "arrivedAt", v.called_at as "calledAt", v.seen_at as "seenAt",
  v.customer_id as "customerId",
  coalesce(c.organisation_name, nullif(trim(concat_ws(' ', c.given_name, c.family_name)), '')) as "customerName",
  s.name as "serviceName", s.name_cy as "serviceNameCy", a.starts_at as "appointmentStartsAt",
  k.name as "counterName", v.called_by as "calledBy"`;

const visitJoins = sql`
  from visits v
  left join customers c on c.id = v.customer_id
  left join services s on s.id = v.service_id
  left join appointments a on a.id = v.appointment_id
  left join site_counters k on k.id = v.counter_id`;

/**
 * The order people are called in: appointments whose time has come (earliest appointment first),
 * then walk-ins by arrival, then those who checked in early for a later appointment (they are
 * called before their time only when nobody else is waiting).
 */
const callOrder = (now: Date) => sql`
  case when a.id is not null and a.starts_at <= ${now} then 0 when a.id is null then 1 else 2 end,
  case when a.id is not null then a.starts_at else v.arrived_at end, v.arrived_at, v.created_at, v.id`;

/** Those waiting at the site on the day, in the order they will be called. */
export async function waiting(db: Queryable, siteId: string, businessDate: string, now: Date): Promise<QueueVisit[]> {
  const { rows } = await sql<QueueVisit>`
    select ${visitColumns}
    ${visitJoins}
    where v.site_id = ${siteId} and v.business_date = ${businessDate}::date and v.status = 'waiting'
    order by ${callOrder(now)}
  `.execute(db);
  return rows;
}

/** Whom the advisor has at their counter now: called or seen, not yet finished. */
export async function withAdvisor(db: Queryable, siteId: string, businessDate: string, staffId: string) {
  const { rows } = await sql<QueueVisit>`
    select ${visitColumns}
    ${visitJoins}
    where v.site_id = ${siteId} and v.business_date = ${businessDate}::date and v.called_by = ${staffId}
      and v.status in ('called', 'seen')
    order by v.called_at
  `.execute(db);
  return rows;
}

/** The visit the advisor may serve that comes next, taken and locked; undefined when nobody waits for them. */
export async function takeNext(
  trx: Tx,
  call: { siteId: string; businessDate: string; staffId: string; counterId: string; now: Date },
): Promise<{ id: string; ticket: string } | undefined> {
  // Services with advisors listed are served by those advisors only; a service with none, by anyone.
  const { rows } = await sql<{ id: string }>`
    select v.id
    from visits v
    left join appointments a on a.id = v.appointment_id
    where v.site_id = ${call.siteId} and v.business_date = ${call.businessDate}::date and v.status = 'waiting'
      and (v.service_id is null
        or not exists (select 1 from appointment_service_advisors sa where sa.service_id = v.service_id)
        or exists (select 1 from appointment_service_advisors sa
          where sa.service_id = v.service_id and sa.staff_user_id = ${call.staffId}))
    order by ${callOrder(call.now)}
    limit 1
    for update of v skip locked
  `.execute(trx);
  const next = rows[0];
  if (!next) return undefined;
  return await trx
    .updateTable('visits')
    .set({ status: 'called', called_at: call.now, called_by: call.staffId, counter_id: call.counterId })
    .where('id', '=', next.id)
    .returning(['id', 'ticket'])
    .executeTakeFirstOrThrow();
}

/** A visit at the site, locked for a change of status. */
export async function lockVisit(trx: Tx, siteId: string, visitId: string) {
  return await trx
    .selectFrom('visits')
    .select(['id', 'status', 'called_by', 'ticket', 'appointment_id'])
    .where('id', '=', visitId)
    .where('site_id', '=', siteId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateVisit(
  trx: Tx,
  visitId: string,
  change: { status: VisitStatus; seen_at?: Date; finished_at?: Date },
): Promise<void> {
  await trx.updateTable('visits').set(change).where('id', '=', visitId).execute();
}

export interface DisplayedCall {
  ticket: string;
  counter: string | null;
  calledAt: Date;
}

/** The tickets called most recently at the site on the day, latest first: the waiting area's screen. */
export async function recentCalls(db: Queryable, siteId: string, businessDate: string, limit: number): Promise<DisplayedCall[]> {
  const { rows } = await sql<DisplayedCall>`
    select v.ticket, k.name as counter, v.called_at as "calledAt"
    from visits v
    left join site_counters k on k.id = v.counter_id
    where v.site_id = ${siteId} and v.business_date = ${businessDate}::date and v.called_at is not null
      and v.status in ('called', 'seen', 'finished')
    order by v.called_at desc, v.ticket desc
    limit ${limit}
  `.execute(db);
  return rows;
}

/** Whether the customer is the council's (a walk-in recorded for someone known). */
export async function customerOfCouncil(db: Queryable, customerId: string, councilId: string) {
  return await db
    .selectFrom('customers')
    .select(['id'])
    .where('id', '=', customerId)
    .where('council_id', '=', councilId)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
}

export async function serviceOfCouncil(db: Queryable, serviceId: string, councilId: string) {
  return await db
    .selectFrom('services')
    .select(['id'])
    .where('id', '=', serviceId)
    .where('council_id', '=', councilId)
    .executeTakeFirst();
}
