// SQL for setting up appointments: a council's sites (one-stop shops and the bus) with their weekly
// sessions, closure days and counters, and the catalogue services that take appointments, where
// and served by whom. Every list is of one council's or one site's rows, on their keys.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { Session, SiteKind, Weekday } from './sessions.ts';

export interface SiteRecord {
  id: string;
  councilId: string;
  code: string;
  name: string;
  nameCy: string | null;
  kind: SiteKind;
  addressLine1: string | null;
  town: string | null;
  postcode: string | null;
  noShowGraceMinutes: number;
  active: boolean;
}

export interface SiteSummary extends SiteRecord {
  sessions: number;
  counters: number;
}

function sites(db: Queryable) {
  return db
    .selectFrom('sites')
    .select([
      'sites.id',
      'sites.organisation_id as councilId',
      'sites.code',
      'sites.name',
      'sites.name_cy as nameCy',
      'sites.kind',
      'sites.address_line1 as addressLine1',
      'sites.town',
      'sites.postcode',
      'sites.no_show_grace_minutes as noShowGraceMinutes',
      'sites.active',
    ]);
}

/** The council's sites, open ones first, by name, with how many sessions and active counters each has. */
export async function listSites(db: Queryable, councilId: string): Promise<SiteSummary[]> {
  return await sites(db)
    .select([
      sql<number>`(select count(*)::int from site_hours h where h.site_id = sites.id)`.as('sessions'),
      sql<number>`(select count(*)::int from site_counters c where c.site_id = sites.id and c.active)`.as('counters'),
    ])
    .where('sites.organisation_id', '=', councilId)
    .orderBy('sites.active', 'desc')
    .orderBy('sites.name')
    .execute();
}

export async function findSite(db: Queryable, id: string): Promise<SiteRecord | undefined> {
  return await sites(db).where('sites.id', '=', id).executeTakeFirst();
}

/** Holds the site's row until the transaction ends: two changes to its sessions are judged one after the other. */
export async function lockSite(db: Queryable, id: string): Promise<void> {
  await db.selectFrom('sites').select('id').where('id', '=', id).forUpdate().execute();
}

export async function siteCodes(db: Queryable, councilId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('sites').select('code').where('organisation_id', '=', councilId).execute();
  return new Set(rows.map((row) => row.code));
}

export async function siteNameTaken(db: Queryable, councilId: string, name: string, except?: string): Promise<boolean> {
  let query = db
    .selectFrom('sites')
    .select('id')
    .where('organisation_id', '=', councilId)
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (except) query = query.where('id', '<>', except);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface SiteColumns {
  name: string;
  nameCy: string | null;
  addressLine1: string | null;
  town: string | null;
  postcode: string | null;
  noShowGraceMinutes: number;
}

export async function insertSite(
  db: Queryable,
  site: SiteColumns & { councilId: string; code: string; kind: SiteKind },
): Promise<string> {
  const { id } = await db
    .insertInto('sites')
    .values({
      organisation_id: site.councilId,
      code: site.code,
      name: site.name,
      name_cy: site.nameCy,
      kind: site.kind,
      address_line1: site.addressLine1,
      town: site.town,
      postcode: site.postcode,
      no_show_grace_minutes: site.noShowGraceMinutes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateSite(db: Queryable, id: string, site: SiteColumns & { active: boolean }): Promise<void> {
  await db
    .updateTable('sites')
    .set({
      name: site.name,
      name_cy: site.nameCy,
      address_line1: site.addressLine1,
      town: site.town,
      postcode: site.postcode,
      no_show_grace_minutes: site.noShowGraceMinutes,
      active: site.active,
    })
    .where('id', '=', id)
    .execute();
}

export interface SessionRecord extends Session {
  id: string;
}

/** The site's weekly sessions, Monday first, earliest first. */
export async function listSessions(db: Queryable, siteId: string): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('site_hours')
    .select([
      'id',
      'weekday',
      sql<string>`to_char(opens, 'HH24:MI')`.as('opens'),
      sql<string>`to_char(closes, 'HH24:MI')`.as('closes'),
      'place',
    ])
    .where('site_id', '=', siteId)
    .orderBy('weekday')
    .orderBy('opens')
    .execute();
  return rows.map((row) => ({ ...row, weekday: row.weekday as Weekday }));
}

export async function insertSession(db: Queryable, siteId: string, session: Session): Promise<string> {
  const { id } = await db
    .insertInto('site_hours')
    .values({ site_id: siteId, weekday: session.weekday, opens: session.opens, closes: session.closes, place: session.place })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function deleteSession(db: Queryable, siteId: string, id: string): Promise<SessionRecord | undefined> {
  const row = await db
    .deleteFrom('site_hours')
    .where('site_id', '=', siteId)
    .where('id', '=', id)
    .returning([
      'id',
      'weekday',
      sql<string>`to_char(opens, 'HH24:MI')`.as('opens'),
      sql<string>`to_char(closes, 'HH24:MI')`.as('closes'),
      'place',
    ])
    .executeTakeFirst();
  return row ? { ...row, weekday: row.weekday as Weekday } : undefined;
}

export interface SiteClosureRecord {
  date: string;
  reason: string;
  createdByName: string | null;
}

/** The site's closure days: from `today` on first, soonest first; then past ones, latest first. */
export async function listClosures(db: Queryable, siteId: string, today: string, limit = 200): Promise<SiteClosureRecord[]> {
  return await db
    .selectFrom('site_closures')
    .leftJoin('staff_users', 'staff_users.id', 'site_closures.created_by')
    .select(['site_closures.date', 'site_closures.reason', 'staff_users.name as createdByName'])
    .where('site_closures.site_id', '=', siteId)
    .orderBy(sql`site_closures.date < ${today}::date`)
    .orderBy(sql`case when site_closures.date >= ${today}::date then site_closures.date end`)
    .orderBy('site_closures.date', 'desc')
    .limit(limit)
    .execute();
}

/** Adds a closure day; false when the site is already closed that day. */
export async function insertClosure(
  db: Queryable,
  closure: { siteId: string; date: string; reason: string; createdBy: string | null },
): Promise<boolean> {
  const row = await db
    .insertInto('site_closures')
    .values({ site_id: closure.siteId, date: closure.date, reason: closure.reason, created_by: closure.createdBy })
    .onConflict((conflict) => conflict.columns(['site_id', 'date']).doNothing())
    .returning('date')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteClosure(db: Queryable, siteId: string, date: string): Promise<{ reason: string } | undefined> {
  return await db
    .deleteFrom('site_closures')
    .where('site_id', '=', siteId)
    .where('date', '=', date)
    .returning('reason')
    .executeTakeFirst();
}

/** Appointments still booked at the site on a London day: the people to tell when it closes. */
export async function bookedOn(db: Queryable, siteId: string, date: string): Promise<number> {
  const row = await db
    .selectFrom('appointments')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('site_id', '=', siteId)
    .where('status', '=', 'booked')
    .where(sql<boolean>`starts_at >= (${date}::date)::timestamp at time zone 'Europe/London'`)
    .where(sql<boolean>`starts_at < (${date}::date + 1)::timestamp at time zone 'Europe/London'`)
    .executeTakeFirstOrThrow();
  return row.count;
}

export interface CounterRecord {
  id: string;
  siteId: string;
  name: string;
  active: boolean;
}

/** The site's counters, active ones first, by name. */
export async function listCounters(db: Queryable, siteId: string): Promise<CounterRecord[]> {
  return await db
    .selectFrom('site_counters')
    .select(['id', 'site_id as siteId', 'name', 'active'])
    .where('site_id', '=', siteId)
    .orderBy('active', 'desc')
    .orderBy('name')
    .execute();
}

export async function findCounter(db: Queryable, siteId: string, id: string): Promise<CounterRecord | undefined> {
  return await db
    .selectFrom('site_counters')
    .select(['id', 'site_id as siteId', 'name', 'active'])
    .where('site_id', '=', siteId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function counterNameTaken(db: Queryable, siteId: string, name: string, except?: string): Promise<boolean> {
  let query = db
    .selectFrom('site_counters')
    .select('id')
    .where('site_id', '=', siteId)
    .where(sql<boolean>`lower(name) = lower(${name})`);
  if (except) query = query.where('id', '<>', except);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertCounter(db: Queryable, siteId: string, name: string): Promise<string> {
  const { id } = await db.insertInto('site_counters').values({ site_id: siteId, name }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateCounter(db: Queryable, id: string, change: { name?: string; active?: boolean }): Promise<void> {
  await db.updateTable('site_counters').set(change).where('id', '=', id).execute();
}

/** The services that take appointments at the site, by name. */
export async function servicesAtSite(
  db: Queryable,
  siteId: string,
): Promise<{ serviceId: string; name: string; active: boolean }[]> {
  return await db
    .selectFrom('appointment_service_sites as offered')
    .innerJoin('appointment_services as a', 'a.service_id', 'offered.service_id')
    .innerJoin('services', 'services.id', 'a.service_id')
    .select(['a.service_id as serviceId', 'services.name', 'a.active'])
    .where('offered.site_id', '=', siteId)
    .orderBy('services.name')
    .execute();
}

export interface CatalogueService {
  id: string;
  councilId: string;
  code: string;
  name: string;
  nameCy: string | null;
  active: boolean;
}

export async function findCatalogueService(db: Queryable, id: string): Promise<CatalogueService | undefined> {
  return await db
    .selectFrom('services')
    .select(['id', 'council_id as councilId', 'code', 'name', 'name_cy as nameCy', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The council's active catalogue services that do not yet take appointments, by name: those that could. */
export async function servicesWithoutAppointments(db: Queryable, councilId: string): Promise<CatalogueService[]> {
  return await db
    .selectFrom('services')
    .select(['id', 'council_id as councilId', 'code', 'name', 'name_cy as nameCy', 'active'])
    .where('council_id', '=', councilId)
    .where('active', '=', true)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('appointment_services as a').select('a.service_id').whereRef('a.service_id', '=', 'services.id'))),
    )
    .orderBy('name')
    .execute();
}

export interface AppointmentSettings {
  serviceId: string;
  councilId: string;
  durationMinutes: number;
  capacity: number;
  horizonDays: number;
  active: boolean;
  siteIds: string[];
  advisorIds: string[];
}

export interface AppointmentServiceSummary extends AppointmentSettings {
  code: string;
  name: string;
  nameCy: string | null;
  sites: { id: string; name: string; nameCy: string | null }[];
  advisors: number;
}

/** The council's services that take appointments, by name, with the sites that offer each. */
export async function listAppointmentServices(db: Queryable, councilId: string): Promise<AppointmentServiceSummary[]> {
  const rows = await db
    .selectFrom('appointment_services as a')
    .innerJoin('services', 'services.id', 'a.service_id')
    .select([
      'a.service_id as serviceId',
      'a.council_id as councilId',
      'a.duration_minutes as durationMinutes',
      'a.capacity',
      'a.horizon_days as horizonDays',
      'a.active',
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      sql<{ id: string; name: string; nameCy: string | null }[]>`coalesce((
        select json_agg(json_build_object('id', s.id, 'name', s.name, 'nameCy', s.name_cy) order by s.name)
        from appointment_service_sites o join sites s on s.id = o.site_id where o.service_id = a.service_id
      ), '[]')`.as('sites'),
      sql<string[]>`array(select staff_user_id from appointment_service_advisors v where v.service_id = a.service_id)`.as(
        'advisorIds',
      ),
    ])
    .where('a.council_id', '=', councilId)
    .orderBy('services.name')
    .execute();
  return rows.map((row) => ({
    ...row,
    siteIds: row.sites.map((site) => site.id),
    advisors: row.advisorIds.length,
  }));
}

export async function findAppointmentSettings(db: Queryable, serviceId: string): Promise<AppointmentSettings | undefined> {
  return await db
    .selectFrom('appointment_services as a')
    .select([
      'a.service_id as serviceId',
      'a.council_id as councilId',
      'a.duration_minutes as durationMinutes',
      'a.capacity',
      'a.horizon_days as horizonDays',
      'a.active',
      sql<string[]>`array(select site_id from appointment_service_sites o where o.service_id = a.service_id)`.as('siteIds'),
      sql<string[]>`array(select staff_user_id from appointment_service_advisors v where v.service_id = a.service_id)`.as(
        'advisorIds',
      ),
    ])
    .where('a.service_id', '=', serviceId)
    .executeTakeFirst();
}

/** Writes a service's appointment settings, its sites and its advisors, replacing what was there. */
export async function saveAppointmentSettings(db: Queryable, settings: AppointmentSettings): Promise<void> {
  const columns = {
    duration_minutes: settings.durationMinutes,
    capacity: settings.capacity,
    horizon_days: settings.horizonDays,
    active: settings.active,
  };
  await db
    .insertInto('appointment_services')
    .values({ service_id: settings.serviceId, council_id: settings.councilId, ...columns })
    .onConflict((conflict) => conflict.column('service_id').doUpdateSet(columns))
    .execute();
  await db.deleteFrom('appointment_service_sites').where('service_id', '=', settings.serviceId).execute();
  if (settings.siteIds.length > 0)
    await db
      .insertInto('appointment_service_sites')
      .values(settings.siteIds.map((siteId) => ({ service_id: settings.serviceId, site_id: siteId })))
      .execute();
  await db.deleteFrom('appointment_service_advisors').where('service_id', '=', settings.serviceId).execute();
  if (settings.advisorIds.length > 0)
    await db
      .insertInto('appointment_service_advisors')
      .values(settings.advisorIds.map((staffUserId) => ({ service_id: settings.serviceId, staff_user_id: staffUserId })))
      .execute();
}

export interface Advisor {
  id: string;
  name: string;
  email: string;
}

/** The council's own active advisors and team leaders: those who may be named to serve a service. */
export async function councilAdvisors(db: Queryable, councilId: string): Promise<Advisor[]> {
  return await db
    .selectFrom('staff_users')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .where(sql<boolean>`roles && array['advisor', 'team_leader']::text[]`)
    .orderBy('name')
    .orderBy('email')
    .execute();
}
