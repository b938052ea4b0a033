// Setting up appointments, by a council's administrators: its sites (one-stop shops with an
// address, and the mobile bus), each site's weekly sessions, closure days and counters, and which
// catalogue services take appointments — how long one takes, how many people a slot holds, how far
// ahead, where, and served by whom. Each change commits in one transaction with its audit record
// and, where it changes when people can be seen, with the slots made again (slots.ts).
import { isUniqueViolation, type Db, type Tx } from '../db/database.ts';
import { normalisePostcode } from '../customers/contactPoints.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit, type Changes } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, isOneOf, todayInLondon } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import { addCalendarDays } from '../services/calendar.ts';
import { appointmentPolicy } from './policy.ts';
import { SITE_KINDS, checkSession, type SessionInput, type SiteKind } from './sessions.ts';
import * as repo from './sitesRepo.ts';
import { refreshSlots } from './slots.ts';

export type {
  Advisor,
  AppointmentServiceSummary,
  AppointmentSettings,
  CatalogueService,
  CounterRecord,
  SessionRecord,
  SiteClosureRecord,
  SiteRecord,
  SiteSummary,
} from './sitesRepo.ts';

const ERRORS = 'appointments.sites.errors';
const SERVICE_ERRORS = 'appointments.services.errors';

export const NAME_MAX_LENGTH = 120;
export const ADDRESS_LINE_MAX_LENGTH = 200;
export const TOWN_MAX_LENGTH = 100;
export const REASON_MAX_LENGTH = 200;
export const COUNTER_NAME_MAX_LENGTH = 60;
export const GRACE_MINUTES = { min: 5, max: 120, usual: 15 } as const;
/** How far ahead a closure may be set: far enough to plan, near enough to catch a mistyped year. */
export const CLOSURE_YEARS_AHEAD = 3;
export const DURATION_MINUTES = { min: 5, max: 240, step: 5 } as const;
export const CAPACITY = { min: 1, max: 50 } as const;
export const HORIZON_DAYS = { min: 1, max: 366, usual: 42 } as const;

export interface SiteInput {
  kind?: string;
  name?: string;
  nameCy?: string;
  addressLine1?: string;
  town?: string;
  postcode?: string;
  /** As typed: a whole number of minutes. */
  noShowGraceMinutes?: string | number;
}

export interface SiteChange extends Omit<SiteInput, 'kind'> {
  active?: boolean;
}

export interface ServiceSettingsInput {
  durationMinutes?: string | number;
  capacity?: string | number;
  horizonDays?: string | number;
  siteIds?: string[];
  advisorIds?: string[];
  active?: boolean;
}

/** A whole number typed into a form (or given as one), or NaN. */
function wholeNumber(value: string | number | undefined): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  const text = (value ?? '').trim();
  return /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

function text(value: string | undefined): string {
  return (value ?? '').trim();
}

/** A short code for a new site, from its name, that no other site of the council has. */
function codeFor(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 34)
      .replace(/-+$/, '') || 'site';
  const stem = base.length >= 2 ? base : `site-${base}`;
  for (let n = 1; ; n++) {
    const code = n === 1 ? stem : `${stem}-${n}`;
    if (!taken.has(code)) return code;
  }
}

const staffId = (actor: Actor): string | null => (actor.kind === 'staff' ? actor.id : null);

export function createSitesService(db: Db, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());

  /** The council whose sites `actor` sets up: their own, unless OneDoor itself names one. */
  function councilOf(actor: Actor, given?: string): string {
    if (given !== undefined) return given;
    if (actor.kind === 'system') throw new Error('OneDoor itself must say whose sites it means');
    return actor.councilId;
  }

  function administer(actor: Actor, councilId: string) {
    appointmentPolicy.authorize(actor, 'administer', { councilId });
  }

  /** The site `actor` may set up; NotFound for one they may not see (another council's, or none). */
  async function requireSite(actor: Actor, id: string) {
    const site = isUuid(id) ? await repo.findSite(db, id) : undefined;
    if (!site || !appointmentPolicy.can(actor, 'read', { councilId: site.councilId })) throw new NotFound('site');
    administer(actor, site.councilId);
    return site;
  }

  async function audit(
    trx: Tx,
    actor: Actor,
    site: repo.SiteRecord,
    action: string,
    entry: { changes?: Changes; details?: Record<string, unknown> },
  ) {
    await recordAudit(trx, actor, {
      action: `site.${action}`,
      organisationId: site.councilId,
      recordType: 'site',
      recordId: site.id,
      ...entry,
    });
  }

  /** Checks a site's details (Invalid, per field); kind decides whether an address is needed. */
  async function checkedDetails(councilId: string, kind: SiteKind, input: SiteInput, except?: string): Promise<repo.SiteColumns> {
    const problems: FieldError[] = [];
    const name = text(input.name);
    if (name === '') problems.push({ field: 'name', message: `${ERRORS}.nameMissing` });
    else if (name.length > NAME_MAX_LENGTH)
      problems.push({ field: 'name', message: `${ERRORS}.nameTooLong`, params: { max: NAME_MAX_LENGTH } });
    else if (await repo.siteNameTaken(db, councilId, name, except))
      problems.push({ field: 'name', message: `${ERRORS}.nameTaken` });
    const nameCy = text(input.nameCy);
    if (nameCy.length > NAME_MAX_LENGTH)
      problems.push({ field: 'nameCy', message: `${ERRORS}.nameTooLong`, params: { max: NAME_MAX_LENGTH } });

    // A shop is somewhere people go: it needs its address. The bus's base is optional (its stops say where it is).
    const addressLine1 = text(input.addressLine1);
    const town = text(input.town);
    const postcodeText = text(input.postcode);
    const office = kind === 'one_stop_shop';
    if (addressLine1 === '' && office) problems.push({ field: 'addressLine1', message: `${ERRORS}.addressMissing` });
    else if (addressLine1.length > ADDRESS_LINE_MAX_LENGTH)
      problems.push({ field: 'addressLine1', message: `${ERRORS}.addressTooLong`, params: { max: ADDRESS_LINE_MAX_LENGTH } });
    if (town === '' && office) problems.push({ field: 'town', message: `${ERRORS}.townMissing` });
    else if (town.length > TOWN_MAX_LENGTH)
      problems.push({ field: 'town', message: `${ERRORS}.townTooLong`, params: { max: TOWN_MAX_LENGTH } });
    const postcode = postcodeText === '' ? undefined : normalisePostcode(postcodeText);
    if (postcodeText === '' && office) problems.push({ field: 'postcode', message: `${ERRORS}.postcodeMissing` });
    else if (postcodeText !== '' && !postcode) problems.push({ field: 'postcode', message: `${ERRORS}.postcodeInvalid` });

    const grace =
      input.noShowGraceMinutes === undefined || input.noShowGraceMinutes === ''
        ? GRACE_MINUTES.usual
        : wholeNumber(input.noShowGraceMinutes);
    if (!(grace >= GRACE_MINUTES.min && grace <= GRACE_MINUTES.max))
      problems.push({ field: 'noShowGraceMinutes', message: `${ERRORS}.graceInvalid`, params: GRACE_MINUTES });
    if (problems.length > 0) throw new Invalid(problems);
    return {
      name,
      nameCy: nameCy === '' ? null : nameCy,
      addressLine1: addressLine1 === '' ? null : addressLine1,
      town: town === '' ? null : town,
      postcode: postcode ?? null,
      noShowGraceMinutes: grace,
    };
  }

  /** Runs `change` on the site in one transaction, the site locked, then makes its slots again when asked. */
  async function changeSite<T>(site: repo.SiteRecord, change: (trx: Tx) => Promise<T>, options: { slots: boolean }): Promise<T> {
    return await db.transaction().execute(async (trx) => {
      await repo.lockSite(trx, site.id);
      const result = await change(trx);
      if (options.slots) await refreshSlots(trx, { councilId: site.councilId, siteId: site.id, now: now() });
      return result;
    });
  }

  return {
    /** The council's sites, open ones first. */
    async sites(actor: Actor, councilId?: string): Promise<repo.SiteSummary[]> {
      const council = councilOf(actor, councilId);
      administer(actor, council);
      return await repo.listSites(db, council);
    },

    /** A site with its week of sessions, its closure days (coming ones first) and its counters. */
    async site(actor: Actor, id: string) {
      const site = await requireSite(actor, id);
      const today = todayInLondon(now());
      const [sessions, closures, counters, services] = await Promise.all([
        repo.listSessions(db, site.id),
        repo.listClosures(db, site.id, today),
        repo.listCounters(db, site.id),
        repo.servicesAtSite(db, site.id),
      ]);
      return {
        site,
        sessions,
        closures: closures.map((closure) => ({ ...closure, upcoming: closure.date >= today })),
        counters,
        services,
      };
    },

    async counter(actor: Actor, siteId: string, counterId: string) {
      const site = await requireSite(actor, siteId);
      const counter = isUuid(counterId) ? await repo.findCounter(db, site.id, counterId) : undefined;
      if (!counter) throw new NotFound('counter');
      return { site, counter };
    },

    async createSite(actor: Actor, input: SiteInput, options: { councilId?: string } = {}): Promise<{ id: string }> {
      const councilId = councilOf(actor, options.councilId);
      administer(actor, councilId);
      if (!isOneOf(SITE_KINDS, input.kind)) {
        // Say what else is wrong too, as if it were a shop (the fuller form).
        const others = await checkedDetails(councilId, 'one_stop_shop', input).then(
          () => [],
          (error: unknown) => (error instanceof Invalid ? error.errors : []),
        );
        throw new Invalid([{ field: 'kind', message: `${ERRORS}.kindMissing` }, ...others]);
      }
      const kind = input.kind;
      const details = await checkedDetails(councilId, kind, input);
      try {
        return await db.transaction().execute(async (trx) => {
          const code = codeFor(details.name, await repo.siteCodes(trx, councilId));
          const id = await repo.insertSite(trx, { ...details, councilId, code, kind });
          await recordAudit(trx, actor, {
            action: 'site.create',
            organisationId: councilId,
            recordType: 'site',
            recordId: id,
            changes: changesBetween<Record<string, unknown>>({}, { kind, code, ...details }, [
              'kind',
              'code',
              ...Object.keys(details),
            ]),
          });
          return { id };
        });
      } catch (error) {
        // Two administrators adding a site of the same name at once: the second is told, as if in turn.
        if (isUniqueViolation(error)) throw new Invalid([{ field: 'name', message: `${ERRORS}.nameTaken` }]);
        throw error;
      }
    },

    /** Changes a site's details; closing or reopening it takes its slots away or brings them back. */
    async updateSite(actor: Actor, id: string, input: SiteChange): Promise<void> {
      const site = await requireSite(actor, id);
      const details = await checkedDetails(site.councilId, site.kind, input, site.id);
      const active = input.active ?? site.active;
      const after = { ...details, active };
      const changes = changesBetween<Record<string, unknown>>({ ...site }, after, Object.keys(after));
      if (Object.keys(changes).length === 0) return;
      await changeSite(
        site,
        async (trx) => {
          await repo.updateSite(trx, site.id, after);
          await audit(trx, actor, site, 'update', { changes });
        },
        { slots: active !== site.active },
      );
    },

    /** Adds a weekly session (a shop's hours on a day, or a stop of the bus), then makes the site's slots again. */
    async addSession(actor: Actor, siteId: string, input: SessionInput): Promise<{ id: string }> {
      const site = await requireSite(actor, siteId);
      return await changeSite(
        site,
        async (trx) => {
          // Judged against the sessions as they are once the site is locked: two at once cannot overlap.
          const checked = checkSession(site.kind, input, await repo.listSessions(trx, site.id));
          if (!checked.ok) throw new Invalid(checked.errors);
          const id = await repo.insertSession(trx, site.id, checked.session);
          await audit(trx, actor, site, 'session.add', { details: { sessionId: id, ...checked.session } });
          return { id };
        },
        { slots: true },
      );
    },

    async removeSession(actor: Actor, siteId: string, sessionId: string): Promise<void> {
      const site = await requireSite(actor, siteId);
      if (!isUuid(sessionId)) throw new NotFound('session');
      await changeSite(
        site,
        async (trx) => {
          const removed = await repo.deleteSession(trx, site.id, sessionId);
          if (!removed) throw new NotFound('session');
          const { weekday, opens, closes, place } = removed;
          await audit(trx, actor, site, 'session.remove', { details: { sessionId, weekday, opens, closes, place } });
        },
        { slots: true },
      );
    },

    /**
     * Closes the site on a day from today on (its free slots that day go); says how many people
     * are still booked that day, for someone to tell them.
     */
    async addClosure(actor: Actor, siteId: string, input: { date?: string; reason?: string }): Promise<{ booked: number }> {
      const site = await requireSite(actor, siteId);
      const today = todayInLondon(now());
      const date = text(input.date);
      const reason = text(input.reason);
      const problems: FieldError[] = [];
      if (date === '') problems.push({ field: 'date', message: `${ERRORS}.dateMissing` });
      else if (!isCalendarDate(date)) problems.push({ field: 'date', message: `${ERRORS}.dateInvalid` });
      else if (date < today) problems.push({ field: 'date', message: `${ERRORS}.datePast` });
      else if (date > addCalendarDays(today, CLOSURE_YEARS_AHEAD * 366))
        problems.push({ field: 'date', message: `${ERRORS}.dateTooFar`, params: { years: CLOSURE_YEARS_AHEAD } });
      if (reason === '') problems.push({ field: 'reason', message: `${ERRORS}.reasonMissing` });
      else if (reason.length > REASON_MAX_LENGTH)
        problems.push({ field: 'reason', message: `${ERRORS}.reasonTooLong`, params: { max: REASON_MAX_LENGTH } });
      if (problems.length > 0) throw new Invalid(problems);
      return await changeSite(
        site,
        async (trx) => {
          if (!(await repo.insertClosure(trx, { siteId: site.id, date, reason, createdBy: staffId(actor) })))
            throw new Invalid([{ field: 'date', message: `${ERRORS}.dateTaken` }]);
          await audit(trx, actor, site, 'closure.add', { details: { date, reason } });
          return { booked: await repo.bookedOn(trx, site.id, date) };
        },
        { slots: true },
      );
    },

    /** Opens the site again on a closure day that has not yet passed (a past one is history: it stays). */
    async removeClosure(actor: Actor, siteId: string, date: string): Promise<void> {
      const site = await requireSite(actor, siteId);
      if (!isCalendarDate(date)) throw new NotFound('closure');
      if (date < todayInLondon(now())) throw new Conflict(`${ERRORS}.closurePassed`);
      await changeSite(
        site,
        async (trx) => {
          const removed = await repo.deleteClosure(trx, site.id, date);
          if (!removed) throw new NotFound('closure');
          await audit(trx, actor, site, 'closure.remove', { details: { date, reason: removed.reason } });
        },
        { slots: true },
      );
    },

    async addCounter(actor: Actor, siteId: string, input: { name?: string }): Promise<{ id: string }> {
      const site = await requireSite(actor, siteId);
      const name = await checkedCounterName(site.id, input.name);
      return await changeSite(
        site,
        async (trx) => {
          const id = await repo.insertCounter(trx, site.id, name).catch((error: unknown) => {
            if (isUniqueViolation(error)) throw new Invalid([{ field: 'name', message: `${ERRORS}.counterNameTaken` }]);
            throw error;
          });
          await audit(trx, actor, site, 'counter.add', { details: { counterId: id, name } });
          return { id };
        },
        { slots: false },
      );
    },

    /** Renames a counter, or takes it out of use (active false) or back into use. */
    async updateCounter(actor: Actor, siteId: string, counterId: string, input: { name?: string; active?: boolean }) {
      const site = await requireSite(actor, siteId);
      const counter = isUuid(counterId) ? await repo.findCounter(db, site.id, counterId) : undefined;
      if (!counter) throw new NotFound('counter');
      const name = input.name === undefined ? counter.name : await checkedCounterName(site.id, input.name, counter.id);
      const after = { name, active: input.active ?? counter.active };
      const changes = changesBetween<Record<string, unknown>>({ ...counter }, after, ['name', 'active']);
      if (Object.keys(changes).length === 0) return;
      await changeSite(
        site,
        async (trx) => {
          await repo.updateCounter(trx, counter.id, after).catch((error: unknown) => {
            if (isUniqueViolation(error)) throw new Invalid([{ field: 'name', message: `${ERRORS}.counterNameTaken` }]);
            throw error;
          });
          await audit(trx, actor, site, 'counter.update', { details: { counterId: counter.id, changes } });
        },
        { slots: false },
      );
    },

    /** The council's services that take appointments, and the catalogue services that could. */
    async appointmentServices(actor: Actor, councilId?: string) {
      const council = councilOf(actor, councilId);
      administer(actor, council);
      const [services, available] = await Promise.all([
        repo.listAppointmentServices(db, council),
        repo.servicesWithoutAppointments(db, council),
      ]);
      return { services, available };
    },

    /**
     * A catalogue service's appointment settings (none yet: `settings` undefined), with the sites
     * and advisors it may name. NotFound for another council's service.
     */
    async appointmentService(actor: Actor, serviceId: string) {
      const service = await requireCatalogueService(actor, serviceId);
      const [settings, sites, advisors] = await Promise.all([
        repo.findAppointmentSettings(db, service.id),
        repo.listSites(db, service.councilId),
        repo.councilAdvisors(db, service.councilId),
      ]);
      return { service, settings, sites, advisors };
    },

    /**
     * Makes a catalogue service take appointments, or changes how: its length, places per slot,
     * how far ahead, at which sites (at least one), served by whom (none named: any advisor). Its
     * slots are made again in the same transaction.
     */
    async saveAppointmentService(actor: Actor, serviceId: string, input: ServiceSettingsInput): Promise<void> {
      const service = await requireCatalogueService(actor, serviceId);
      const existing = await repo.findAppointmentSettings(db, service.id);
      const problems: FieldError[] = [];
      if (!existing && !service.active) throw new Conflict(`${SERVICE_ERRORS}.serviceInactive`);
      const durationMinutes = wholeNumber(input.durationMinutes);
      if (input.durationMinutes === undefined || input.durationMinutes === '')
        problems.push({ field: 'durationMinutes', message: `${SERVICE_ERRORS}.durationMissing` });
      else if (
        !(durationMinutes >= DURATION_MINUTES.min && durationMinutes <= DURATION_MINUTES.max) ||
        durationMinutes % DURATION_MINUTES.step !== 0
      )
        problems.push({ field: 'durationMinutes', message: `${SERVICE_ERRORS}.durationInvalid`, params: DURATION_MINUTES });
      const capacity = wholeNumber(input.capacity);
      if (!(capacity >= CAPACITY.min && capacity <= CAPACITY.max))
        problems.push({ field: 'capacity', message: `${SERVICE_ERRORS}.capacityInvalid`, params: CAPACITY });
      const horizonDays = wholeNumber(input.horizonDays);
      if (!(horizonDays >= HORIZON_DAYS.min && horizonDays <= HORIZON_DAYS.max))
        problems.push({
          field: 'horizonDays',
          message: `${SERVICE_ERRORS}.horizonInvalid`,
          params: { min: HORIZON_DAYS.min, max: HORIZON_DAYS.max },
        });
      const siteIds = [...new Set(input.siteIds ?? [])];
      const sites = await repo.listSites(db, service.councilId);
      const known = new Map(sites.map((site) => [site.id, site]));
      if (siteIds.length === 0) problems.push({ field: 'siteIds', message: `${SERVICE_ERRORS}.sitesMissing` });
      else if (siteIds.some((id) => !known.has(id)))
        problems.push({ field: 'siteIds', message: `${SERVICE_ERRORS}.siteUnknown` });
      const advisorIds = [...new Set(input.advisorIds ?? [])];
      const advisors = new Set((await repo.councilAdvisors(db, service.councilId)).map((advisor) => advisor.id));
      if (advisorIds.some((id) => !advisors.has(id)))
        problems.push({ field: 'advisorIds', message: `${SERVICE_ERRORS}.advisorUnknown` });
      if (problems.length > 0) throw new Invalid(problems);

      const settings: repo.AppointmentSettings = {
        serviceId: service.id,
        councilId: service.councilId,
        durationMinutes,
        capacity,
        horizonDays,
        active: input.active ?? existing?.active ?? true,
        siteIds: siteIds.sort(),
        advisorIds: advisorIds.sort(),
      };
      const fields = ['durationMinutes', 'capacity', 'horizonDays', 'active', 'siteIds', 'advisorIds'] as const;
      const before = existing
        ? { ...existing, siteIds: [...existing.siteIds].sort(), advisorIds: [...existing.advisorIds].sort() }
        : {};
      const changes = changesBetween<Record<string, unknown>>(before, { ...settings }, [...fields]);
      if (existing && Object.keys(changes).length === 0) return;
      await db.transaction().execute(async (trx) => {
        await repo.saveAppointmentSettings(trx, settings);
        await recordAudit(trx, actor, {
          action: existing ? 'appointment_service.update' : 'appointment_service.create',
          organisationId: service.councilId,
          recordType: 'appointment_service',
          recordId: service.id,
          changes,
        });
        await refreshSlots(trx, { councilId: service.councilId, serviceId: service.id, now: now() });
      });
    },
  };

  async function checkedCounterName(siteId: string, given: string | undefined, except?: string): Promise<string> {
    const name = text(given);
    if (name === '') throw new Invalid([{ field: 'name', message: `${ERRORS}.counterNameMissing` }]);
    if (name.length > COUNTER_NAME_MAX_LENGTH)
      throw new Invalid([{ field: 'name', message: `${ERRORS}.counterNameTooLong`, params: { max: COUNTER_NAME_MAX_LENGTH } }]);
    if (await repo.counterNameTaken(db, siteId, name, except))
      throw new Invalid([{ field: 'name', message: `${ERRORS}.counterNameTaken` }]);
    return name;
  }

  async function requireCatalogueService(actor: Actor, serviceId: string) {
    const service = isUuid(serviceId) ? await repo.findCatalogueService(db, serviceId) : undefined;
    if (!service || !appointmentPolicy.can(actor, 'read', { councilId: service.councilId })) throw new NotFound('service');
    administer(actor, service.councilId);
    return service;
  }
}

export type SitesService = ReturnType<typeof createSitesService>;
