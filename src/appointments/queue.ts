// Arrivals and the face-to-face queue. A person with an appointment checks in at the site's kiosk
// (by booking reference, or family name and date of birth) or at reception; someone without one
// takes a walk-in ticket. Each arrival is a visit with a ticket number for the day (A012 for an
// appointment, W013 for a walk-in). Advisors call the next person to their counter, then record
// that they were seen and finished, or did not come. Everything is in PostgreSQL: any node
// answers any request, and the waiting area's screen reads what the advisors did.
import type { Db, Tx } from '../db/database.ts';
import type { Actor, StaffActor } from '../platform/actor.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import { normaliseReference } from '../cases/reference.ts';
import { addCalendarDays, startOfLondonDay } from '../services/calendar.ts';
import { appointmentPolicy } from './policy.ts';
import * as repo from './queueRepo.ts';
import { REFERENCE_PREFIX } from './service.ts';

export type { Counter, DayAppointment, DisplayedCall, QueueSite, QueueVisit, ServiceChoice } from './queueRepo.ts';

/** How many of the latest calls the waiting area's screen shows. */
export const DISPLAYED_CALLS = 6;
export const FAMILY_NAME_MAX_LENGTH = 100;

export type TicketKind = 'appointment' | 'walk_in';

/** A ticket number: A for an appointment, W for a walk-in, and the day's number at the site (at least 3 digits). */
export function ticketOf(kind: TicketKind, number: number): string {
  return `${kind === 'appointment' ? 'A' : 'W'}${String(number).padStart(3, '0')}`;
}

/** Whole minutes from `from` to `to` (never below 0). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
}

/** The instants a London day runs between. */
export function londonDay(date: string): repo.Day {
  return { start: startOfLondonDay(date), end: startOfLondonDay(addCalendarDays(date, 1)) };
}

/** How a person at the kiosk says who they are. */
export type KioskIdentity = { reference: string } | { familyName: string; dateOfBirth: string };

export type CheckInResult =
  | { outcome: 'checked_in'; ticket: string; visitId: string }
  /** Checked in before: the same ticket again, and nothing new. */
  | { outcome: 'already'; ticket: string; visitId: string }
  /** No appointment today here matches (or more than one person does): nothing says which. */
  | { outcome: 'not_found' };

export interface QueueDependencies {
  now?: () => Date;
}

/** Reads and checks what the kiosk's form gives: a reference, or a family name and a date of birth. */
export function kioskIdentity(input: { reference?: string; familyName?: string; dateOfBirth?: string }): KioskIdentity {
  if (input.reference !== undefined) {
    const reference = normaliseReference(REFERENCE_PREFIX, input.reference);
    if (!reference) throw new Invalid([{ field: 'reference', message: 'appointments.kiosk.errors.referenceInvalid' }]);
    return { reference };
  }
  const familyName = (input.familyName ?? '').trim();
  const problems = [];
  if (familyName === '') problems.push({ field: 'familyName', message: 'appointments.kiosk.errors.familyNameMissing' });
  else if (familyName.length > FAMILY_NAME_MAX_LENGTH)
    problems.push({ field: 'familyName', message: 'appointments.kiosk.errors.familyNameTooLong' });
  const dateOfBirth = input.dateOfBirth ?? '';
  if (!isCalendarDate(dateOfBirth))
    problems.push({ field: 'dateOfBirth', message: 'appointments.kiosk.errors.dateOfBirthInvalid' });
  if (problems.length > 0) throw new Invalid(problems);
  return { familyName, dateOfBirth };
}

export function createQueueService(db: Db, dependencies: QueueDependencies = {}) {
  const now = dependencies.now ?? (() => new Date());

  async function siteOf(siteId: string): Promise<repo.QueueSite> {
    const site = isUuid(siteId) ? await repo.findSite(db, siteId) : undefined;
    if (!site) throw new NotFound('site');
    return site;
  }

  /** A site the public may use (kiosk, screen): it must exist and be open for business. */
  async function publicSite(siteId: string): Promise<repo.QueueSite> {
    const site = await siteOf(siteId);
    if (!site.active) throw new NotFound('site');
    return site;
  }

  async function servedSite(actor: Actor, siteId: string): Promise<repo.QueueSite> {
    const site = await siteOf(siteId);
    appointmentPolicy.authorize(actor, 'serve', { councilId: site.councilId });
    return site;
  }

  /** Gives the next ticket of the day and records the arrival, in the caller's transaction. */
  async function arrive(
    trx: Tx,
    site: repo.QueueSite,
    visit: Omit<repo.NewVisit, 'ticket' | 'businessDate' | 'arrivedAt' | 'councilId' | 'siteId'>,
    at: Date,
  ) {
    const businessDate = todayInLondon(at);
    const number = await repo.nextTicketNumber(trx, site.id, businessDate);
    const ticket = ticketOf(visit.appointmentId ? 'appointment' : 'walk_in', number);
    const visitId = await repo.insertVisit(trx, {
      ...visit,
      councilId: site.councilId,
      siteId: site.id,
      businessDate,
      ticket,
      arrivedAt: at,
    });
    return { ticket, visitId };
  }

  async function checkInAppointment(
    actor: Actor,
    site: repo.QueueSite,
    find: (trx: Tx, day: repo.Day) => Promise<repo.TodaysAppointment[]>,
    via: 'kiosk' | 'reception',
  ): Promise<CheckInResult> {
    const at = now();
    return await db.transaction().execute(async (trx) => {
      const locked = await find(trx, londonDay(todayInLondon(at)));
      const visits = await repo.visitsOfAppointments(
        trx,
        locked.map((each) => each.id),
      );
      const found = locked.map((each) => {
        const visit = visits.find((one) => one.appointment_id === each.id);
        return visit ? { ...each, status: 'arrived', visitId: visit.id, ticket: visit.ticket, visitStatus: visit.status } : each;
      });
      // Two people sharing a family name and a date of birth: the kiosk cannot tell which is which.
      if (found.length === 0 || new Set(found.map((each) => each.customerId)).size > 1) return { outcome: 'not_found' };
      // Already here (waiting, or at a desk): the same ticket again.
      const present = found.find(
        (each) => each.visitId && each.ticket && each.visitStatus !== 'finished' && each.visitStatus !== 'left',
      );
      if (present) return { outcome: 'already', ticket: present.ticket!, visitId: present.visitId! };
      const appointment = found.find((each) => each.status === 'booked' && !each.visitId);
      if (!appointment) {
        const last = found.findLast((each) => each.visitId && each.ticket);
        return last ? { outcome: 'already', ticket: last.ticket!, visitId: last.visitId! } : { outcome: 'not_found' };
      }
      await repo.markArrived(trx, appointment.id);
      const { ticket, visitId } = await arrive(
        trx,
        site,
        {
          appointmentId: appointment.id,
          customerId: appointment.customerId,
          serviceId: appointment.serviceId,
          arrivedVia: via,
        },
        at,
      );
      await recordAudit(trx, actor, {
        action: 'appointment.arrived',
        organisationId: site.councilId,
        recordType: 'appointment',
        recordId: appointment.id,
        changes: { status: { from: 'booked', to: 'arrived' } },
        details: { ticket, via, site: site.id },
      });
      return { outcome: 'checked_in', ticket, visitId };
    });
  }

  async function walkIn(
    actor: Actor,
    site: repo.QueueSite,
    input: { customerId?: string; serviceId?: string },
    via: 'kiosk' | 'reception',
  ): Promise<{ ticket: string; visitId: string }> {
    const problems = [];
    if (input.serviceId !== undefined) {
      const offered = isUuid(input.serviceId) && (await repo.serviceOfCouncil(db, input.serviceId, site.councilId));
      if (!offered) problems.push({ field: 'serviceId', message: 'appointments.queue.errors.serviceUnknown' });
    }
    if (input.customerId !== undefined) {
      const known = isUuid(input.customerId) && (await repo.customerOfCouncil(db, input.customerId, site.councilId));
      if (!known) problems.push({ field: 'customerId', message: 'appointments.queue.errors.customerUnknown' });
    }
    if (problems.length > 0) throw new Invalid(problems);
    const at = now();
    return await db.transaction().execute(async (trx) => {
      const arrived = await arrive(
        trx,
        site,
        { appointmentId: null, customerId: input.customerId ?? null, serviceId: input.serviceId ?? null, arrivedVia: via },
        at,
      );
      await recordAudit(trx, actor, {
        action: 'visit.walk_in',
        organisationId: site.councilId,
        recordType: 'visit',
        recordId: arrived.visitId,
        details: { ticket: arrived.ticket, via, site: site.id },
      });
      return arrived;
    });
  }

  /** Changes a visit of the site, only from the states `from`. */
  async function moveVisit(
    actor: Actor,
    siteId: string,
    visitId: string,
    to: 'seen' | 'finished' | 'left',
    from: readonly string[],
  ): Promise<{ ticket: string }> {
    await servedSite(actor, siteId);
    if (!isUuid(visitId)) throw new NotFound('visit');
    const at = now();
    return await db.transaction().execute(async (trx) => {
      const visit = await repo.lockVisit(trx, siteId, visitId);
      if (!visit) throw new NotFound('visit');
      if (!from.includes(visit.status)) throw new Conflict(`appointments.queue.errors.cannot.${to}`);
      await repo.updateVisit(trx, visitId, {
        status: to,
        ...(to === 'seen' ? { seen_at: at } : {}),
        ...(to === 'finished' ? { finished_at: at } : {}),
      });
      return { ticket: visit.ticket };
    });
  }

  return {
    /** The kiosk's site (public): its name, and what a walk-in may ask for there. */
    async kiosk(siteId: string) {
      const site = await publicSite(siteId);
      return { site, services: await repo.servicesAt(db, site.id) };
    },

    /** Checks in at the kiosk: the person's appointment today at this site, by reference or by name and date of birth. */
    async checkInAtKiosk(actor: Actor, siteId: string, who: KioskIdentity): Promise<CheckInResult> {
      const site = await publicSite(siteId);
      return await checkInAppointment(actor, site, (trx, day) => repo.matchingAppointments(trx, site.id, day, who), 'kiosk');
    },

    /** A walk-in ticket from the kiosk, for one of the services offered at the site or for something else. */
    async walkInAtKiosk(actor: Actor, siteId: string, serviceId: string | undefined) {
      const site = await publicSite(siteId);
      if (serviceId !== undefined) {
        const offered = (await repo.servicesAt(db, site.id)).some((service) => service.id === serviceId);
        if (!offered) throw new Invalid([{ field: 'serviceId', message: 'appointments.kiosk.errors.serviceMissing' }]);
      }
      return await walkIn(actor, site, { serviceId }, 'kiosk');
    },

    /** The council's sites, for someone who serves at them to choose theirs. */
    async sites(actor: StaffActor) {
      appointmentPolicy.authorize(actor, 'serve', { councilId: actor.councilId });
      return await repo.activeSites(db, actor.councilId);
    },

    /** Everything the queue page shows an advisor at the site today. */
    async queue(actor: StaffActor, siteId: string) {
      const site = await servedSite(actor, siteId);
      const at = now();
      const today = todayInLondon(at);
      const [counters, waiting, withMe, appointments, services] = await Promise.all([
        repo.countersOf(db, site.id),
        repo.waiting(db, site.id, today, at),
        repo.withAdvisor(db, site.id, today, actor.id),
        repo.appointmentsOfDay(db, site.id, londonDay(today)),
        repo.servicesAt(db, site.id),
      ]);
      return {
        site,
        today,
        counters,
        waiting: waiting.map((visit) => ({ ...visit, waitedMinutes: minutesBetween(visit.arrivedAt, at) })),
        withMe,
        appointments,
        services,
      };
    },

    /** Reception checks in one of today's appointments at the site. */
    async checkInAtReception(actor: Actor, siteId: string, appointmentId: string): Promise<CheckInResult> {
      const site = await servedSite(actor, siteId);
      if (!isUuid(appointmentId)) return { outcome: 'not_found' };
      return await checkInAppointment(
        actor,
        site,
        async (trx, day) => {
          const one = await repo.appointmentAtSite(trx, site.id, appointmentId, day);
          return one && (one.status === 'booked' || one.status === 'arrived') ? [one] : [];
        },
        'reception',
      );
    },

    /** Reception gives a walk-in a ticket, for a customer and service when known. */
    async walkInAtReception(actor: Actor, siteId: string, input: { customerId?: string; serviceId?: string }) {
      const site = await servedSite(actor, siteId);
      return await walkIn(actor, site, input, 'reception');
    },

    /**
     * Calls the next person the advisor may serve to their counter; undefined when nobody is waiting
     * for them. One transaction: the person is taken with FOR UPDATE SKIP LOCKED.
     */
    async callNext(actor: StaffActor, siteId: string, counterId: string) {
      const site = await servedSite(actor, siteId);
      const counters = await repo.countersOf(db, site.id);
      const counter = counters.find((each) => each.id === counterId);
      if (!counter) throw new Invalid([{ field: 'counterId', message: 'appointments.queue.errors.counterMissing' }]);
      const at = now();
      const called = await db.transaction().execute((trx) =>
        repo.takeNext(trx, {
          siteId: site.id,
          businessDate: todayInLondon(at),
          staffId: actor.id,
          counterId: counter.id,
          now: at,
        }),
      );
      return called && { ...called, counter: counter.name };
    },

    /** They reached the desk. */
    seen: (actor: Actor, siteId: string, visitId: string) => moveVisit(actor, siteId, visitId, 'seen', ['called']),
    /** Done with them. */
    finished: (actor: Actor, siteId: string, visitId: string) =>
      moveVisit(actor, siteId, visitId, 'finished', ['called', 'seen']),
    /** Called, but did not come to the desk. */
    left: (actor: Actor, siteId: string, visitId: string) => moveVisit(actor, siteId, visitId, 'left', ['waiting', 'called']),

    /** The waiting area's screen (public): the latest tickets called and their counters, and nothing about anyone. */
    async display(siteId: string) {
      const site = await publicSite(siteId);
      const calls = await repo.recentCalls(db, site.id, todayInLondon(now()), DISPLAYED_CALLS);
      return { site, calls };
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;
