// Appointment slots, generated from the sites' weekly sessions into appointment_slots: for each
// service that takes appointments, at each site that offers it, back-to-back slots of the service's
// length through each session, on every day up to the service's horizon that is not a bank holiday,
// a closure of the council or a closure of the site. Slots are rows so that a booking can take a
// place in one with a guarded UPDATE (booked < capacity), which the database checks: two people
// can never take the last place. All of it is SQL, done in one statement, so a council's year of
// slots is made in milliseconds.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { SLA_DIVISION } from '../services/bankHolidays.ts';
import { londonDate } from '../services/calendar.ts';

export interface SlotScope {
  /** Every council's when not given (the nightly job that moves the horizon on). */
  councilId?: string;
  siteId?: string;
  serviceId?: string;
  now: Date;
}

/** Adds the missing future slots of the services and sites in scope, up to each service's horizon. */
export async function generateSlots(db: Queryable, scope: SlotScope): Promise<number> {
  const today = londonDate(scope.now);
  const result = await sql`
    insert into appointment_slots (council_id, site_id, service_id, starts_at, ends_at, place, capacity)
    select * from (
      select a.council_id, s.id, a.service_id,
        (day.date + h.opens + n.i * make_interval(mins => a.duration_minutes)) at time zone 'Europe/London' as starts_at,
        (day.date + h.opens + (n.i + 1) * make_interval(mins => a.duration_minutes)) at time zone 'Europe/London',
        h.place, a.capacity
      from appointment_services a
      join appointment_service_sites offered on offered.service_id = a.service_id
      join sites s on s.id = offered.site_id and s.active
      join site_hours h on h.site_id = s.id
      cross join lateral (
        select d::date as date from generate_series(${today}::date, ${today}::date + a.horizon_days, interval '1 day') d
      ) day
      cross join lateral generate_series(
        0, (extract(epoch from h.closes - h.opens)::int / 60) / a.duration_minutes - 1
      ) n(i)
      where a.active
        and extract(isodow from day.date) = h.weekday
        and (${scope.councilId ?? null}::uuid is null or a.council_id = ${scope.councilId ?? null}::uuid)
        and (${scope.siteId ?? null}::uuid is null or s.id = ${scope.siteId ?? null}::uuid)
        and (${scope.serviceId ?? null}::uuid is null or a.service_id = ${scope.serviceId ?? null}::uuid)
        and not exists (select 1 from site_closures c where c.site_id = s.id and c.date = day.date)
        and not exists (
          select 1 from organisation_closures c where c.organisation_id = a.council_id and c.date = day.date
        )
        and not exists (select 1 from bank_holidays b where b.division = ${SLA_DIVISION} and b.date = day.date)
    ) slot
    where slot.starts_at > ${scope.now}
    on conflict (site_id, service_id, starts_at) do nothing
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * After a site's sessions or closures, or a service's settings or sites, change: removes the future
 * slots nobody has booked of the sites and services in scope, brings the booked ones' capacity up
 * to date (never below what is booked), and generates the slots anew. Call it in the transaction
 * that made the change. Booked slots are kept: their appointments stand until someone moves them.
 */
export async function refreshSlots(db: Queryable, scope: SlotScope & { councilId: string }): Promise<void> {
  const inScope = sql`
    appointment_slots.council_id = ${scope.councilId}
    and appointment_slots.starts_at > ${scope.now}
    and (${scope.siteId ?? null}::uuid is null or appointment_slots.site_id = ${scope.siteId ?? null}::uuid)
    and (${scope.serviceId ?? null}::uuid is null or appointment_slots.service_id = ${scope.serviceId ?? null}::uuid)
  `;
  await sql`delete from appointment_slots where ${inScope} and booked = 0`.execute(db);
  await sql`
    update appointment_slots set capacity = greatest(appointment_slots.booked, a.capacity)
    from appointment_services a
    where a.service_id = appointment_slots.service_id and ${inScope} and appointment_slots.capacity <> greatest(appointment_slots.booked, a.capacity)
  `.execute(db);
  await generateSlots(db, scope);
}

/**
 * The same for many slots at once, given the council's closed days (bank holidays and its own
 * closures) read once beforehand: only the site's closures are looked up per slot.
 */
export function slotDayIsOpenGiven(councilClosedDays: readonly string[]) {
  return sql<boolean>`(
    not ((appointment_slots.starts_at at time zone 'Europe/London')::date = any(${[...councilClosedDays]}::date[]))
    and not exists (select 1 from site_closures c
      where c.site_id = appointment_slots.site_id and c.date = (appointment_slots.starts_at at time zone 'Europe/London')::date)
  )`;
}

/** When a slot is closed to new bookings: its day is closed (site, council or bank holiday). */
export const slotDayIsOpen = sql<boolean>`(
  not exists (select 1 from site_closures c
    where c.site_id = appointment_slots.site_id and c.date = (appointment_slots.starts_at at time zone 'Europe/London')::date)
  and not exists (select 1 from organisation_closures c
    where c.organisation_id = appointment_slots.council_id
      and c.date = (appointment_slots.starts_at at time zone 'Europe/London')::date)
  and not exists (select 1 from bank_holidays b
    where b.division = ${SLA_DIVISION} and b.date = (appointment_slots.starts_at at time zone 'Europe/London')::date)
)`;
