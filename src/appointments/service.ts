// Booking appointments: the services that take them and their free slots, booking a place (by
// staff for a customer, by another system, or by a resident online), changing and cancelling
// (staff by reference, residents with their private link), reminders the day before, and marking
// those who did not come. Each change commits in one transaction with its audit record and the
// message to the resident. Double-booking is refused by the database (repo.takePlace).
import crypto from 'node:crypto';
import { isUniqueViolation, type Db, type Tx } from '../db/database.ts';
import { newReference, normaliseReference } from '../cases/reference.ts';
import type { NotificationAddress, ResidentDependencies, Submission } from '../cases/service.ts';
import { systemActor, type Actor } from '../platform/actor.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, isOneOf } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import type { ScheduledJob } from '../platform/jobs.ts';
import { queueNotification } from '../platform/notifications/outbox.ts';
import type { NotificationEvent } from '../platform/notifications/templates.ts';
import { addCalendarDays, londonDate, startOfLondonDay } from '../services/calendar.ts';
import { appointmentPolicy } from './policy.ts';
import * as repo from './repo.ts';
import { generateSlots } from './slots.ts';

export type { AppointmentRecord, BookableService, FreeSlot } from './repo.ts';

export const REFERENCE_PREFIX = 'APT';
export const BOOKING_CHANNELS = ['web', 'phone', 'face_to_face', 'api', 'kiosk', 'mobile_bus', 'email'] as const;
export type BookingChannel = (typeof BOOKING_CHANNELS)[number];
export const NOTES_MAX_LENGTH = 1000;
/** The most days one request for free slots may span. */
export const SLOT_SEARCH_MAX_DAYS = 93;
export const SLOT_SEARCH_MAX_RESULTS = 500;
/** The reminder goes this long before the appointment. */
export const REMINDER_HOURS = 24;
const REMINDER_BATCH = 200;

export interface BookInput {
  slotId: string;
  /** Who the appointment is for; a resident's online booking gives their details in `submission` instead. */
  customerId?: string;
  channel: BookingChannel;
  notes?: string;
}

/** The customers capability's part (publicUrl: the portal's, for the private link that changes or cancels). */
export type Dependencies = ResidentDependencies;

/** An appointment as its confirmation shows it. */
export interface Booked {
  id: string;
  reference: string;
  siteId: string;
  siteName: string;
  place: string | null;
  serviceName: string;
  startsAt: Date;
  endsAt: Date;
  /** The resident's private link to change or cancel it. */
  manageUrl: string;
  isNew: boolean;
}

const staffId = (actor: Actor): string | null => (actor.kind === 'staff' ? actor.id : null);

const weekdayFormats = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', weekday: 'long' }),
};
const dayFormats = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }),
};
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/** The day and time of an appointment as a letter says them (Tuesday 1 June 2027, 14:30), in London and the resident's language. */
export function appointmentWhen(startsAt: Date, language: 'en' | 'cy'): { date: string; time: string } {
  return {
    date: `${weekdayFormats[language].format(startsAt)} ${dayFormats[language].format(startsAt)}`,
    time: timeFormat.format(startsAt),
  };
}

export function createAppointmentsService(db: Db, dependencies: Dependencies) {
  const now = dependencies.now ?? (() => new Date());
  const manageUrl = (token: string) => new URL(`/appointments/manage/${token}`, dependencies.publicUrl).toString();

  function councilOf(actor: Actor, given?: string): string {
    if (actor.kind === 'system') {
      if (!given) throw new Invalid([{ field: 'council', message: 'appointments.errors.councilUnknown' }]);
      return given;
    }
    return actor.councilId;
  }

  function bookedOf(record: repo.AppointmentRecord, isNew: boolean): Booked {
    return {
      id: record.id,
      reference: record.reference,
      siteId: record.siteId,
      siteName: record.siteName,
      place: record.place,
      serviceName: record.serviceName,
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      manageUrl: manageUrl(record.manageToken),
      isNew,
    };
  }

  async function tellResident(
    trx: Tx,
    record: repo.AppointmentRecord,
    event: NotificationEvent,
    occurrence: string,
    known?: { address: NotificationAddress | undefined },
  ) {
    const address = known ? known.address : await dependencies.notificationAddress(record.customerId);
    if (!address) return;
    const when = appointmentWhen(record.startsAt, address.language);
    const welsh = address.language === 'cy';
    await queueNotification(trx, {
      councilId: record.councilId,
      event,
      channel: address.channel,
      recipient: address.recipient,
      language: address.language,
      personalisation: {
        name: address.name,
        reference: record.reference,
        serviceName: (welsh && record.serviceNameCy) || record.serviceName,
        siteName: [(welsh && record.siteNameCy) || record.siteName, record.place ?? record.siteAddress]
          .filter(Boolean)
          .join(', '),
        appointmentDate: when.date,
        appointmentTime: when.time,
        manageUrl: manageUrl(record.manageToken),
      },
      recordType: 'appointment',
      recordId: record.reference,
      occurrence,
    });
  }

  /**
   * Why a slot cannot be booked now, as a field error on `slotId`, or undefined when it can (a place
   * may still be gone by the time the booking takes it: that is Conflict, from the database).
   */
  function slotProblem(slot: repo.SlotRecord | undefined, councilId: string, at: Date): FieldError | undefined {
    if (!slot || slot.councilId !== councilId) return { field: 'slotId', message: 'appointments.errors.slotUnknown' };
    if (slot.startsAt.getTime() <= at.getTime()) return { field: 'slotId', message: 'appointments.errors.slotPast' };
    if (!slot.open) return { field: 'slotId', message: 'appointments.errors.slotClosed' };
    return undefined;
  }

  /** Takes a place in the slot inside `trx`, or throws Conflict: the slot filled up. */
  async function takePlace(trx: Tx, slotId: string): Promise<void> {
    if (!(await repo.takePlace(trx, slotId))) throw new Conflict('appointments.errors.slotFull');
  }

  async function submitted(key: string): Promise<Booked | undefined> {
    const record = await repo.findAppointment(db, { submissionKey: key });
    return record ? bookedOf(record, false) : undefined;
  }

  /** The appointment by reference that `actor` may read; NotFound for another council's. */
  async function requireAppointment(actor: Actor, reference: string): Promise<repo.AppointmentRecord> {
    const normalised = normaliseReference(REFERENCE_PREFIX, reference);
    const record = normalised ? await repo.findAppointment(db, { reference: normalised }) : undefined;
    if (!record || !appointmentPolicy.can(actor, 'read', record)) throw new NotFound('appointment');
    return record;
  }

  async function byToken(token: string): Promise<repo.AppointmentRecord> {
    const record = /^[A-Za-z0-9_-]{43}$/.test(token) ? await repo.findAppointment(db, { manageToken: token }) : undefined;
    if (!record) throw new NotFound('appointment');
    return record;
  }

  /** Cancels in one transaction: gives the place back, records it, tells the resident. */
  async function cancel(actor: Actor, found: repo.AppointmentRecord): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const record = (await repo.findAppointment(trx, { id: found.id }, { forUpdate: true }))!;
      if (record.status !== 'booked') throw new Conflict('appointments.errors.notBooked');
      if (record.startsAt.getTime() <= now().getTime()) throw new Conflict('appointments.errors.alreadyStarted');
      await repo.setCancelled(trx, record.id, now());
      await repo.givePlaceBack(trx, record.slotId);
      await recordAudit(trx, actor, {
        action: 'appointment.cancel',
        organisationId: record.councilId,
        recordType: 'appointment',
        recordId: record.id,
        changes: { status: { from: 'booked', to: 'cancelled' } },
      });
      await tellResident(trx, record, 'appointment.cancelled', 'cancelled');
    });
  }

  /** Moves the appointment to another slot of its service in one transaction, or refuses. */
  async function change(actor: Actor, found: repo.AppointmentRecord, slotId: string): Promise<repo.AppointmentRecord> {
    const at = now();
    const slot = isUuid(slotId) ? await repo.findSlot(db, slotId) : undefined;
    const problem =
      slot && slot.serviceId !== found.serviceId
        ? { field: 'slotId', message: 'appointments.errors.slotUnknown' }
        : slotProblem(slot, found.councilId, at);
    if (problem) throw new Invalid([problem]);
    return await db.transaction().execute(async (trx) => {
      const record = (await repo.findAppointment(trx, { id: found.id }, { forUpdate: true }))!;
      if (record.status !== 'booked') throw new Conflict('appointments.errors.notBooked');
      if (record.startsAt.getTime() <= at.getTime()) throw new Conflict('appointments.errors.alreadyStarted');
      if (record.slotId === slot!.id) return record;
      await takePlace(trx, slot!.id);
      await repo.givePlaceBack(trx, record.slotId);
      await repo.moveToSlot(trx, record.id, slot!);
      await recordAudit(trx, actor, {
        action: 'appointment.change',
        organisationId: record.councilId,
        recordType: 'appointment',
        recordId: record.id,
        changes: { startsAt: { from: record.startsAt.toISOString(), to: slot!.startsAt.toISOString() } },
      });
      const moved = (await repo.findAppointment(trx, { id: record.id }))!;
      await tellResident(trx, moved, 'appointment.changed', `changed-${slot!.id}`);
      return moved;
    });
  }

  return {
    /** The council's services that take appointments, and where (public: the portal shows them). */
    async bookableServices(councilId: string): Promise<repo.BookableService[]> {
      return await repo.bookableServices(db, councilId);
    },

    /**
     * Free slots of a service from `from` to `to` (London days, inclusive), soonest first, at one
     * site or all. `actor` is undefined for the public portal, which shows the same free times.
     */
    async freeSlots(
      actor: Actor | undefined,
      query: { councilId?: string; serviceCode: string; siteId?: string; from: string; to: string },
    ): Promise<repo.FreeSlot[]> {
      const councilId = actor ? councilOf(actor, query.councilId) : query.councilId;
      if (!councilId) throw new NotFound('council');
      if (actor) appointmentPolicy.authorize(actor, 'read', { councilId });
      const problems: FieldError[] = [];
      const services = await repo.bookableServices(db, councilId);
      const service = services.find((candidate) => candidate.code === query.serviceCode);
      if (!service) problems.push({ field: 'serviceCode', message: 'appointments.errors.serviceUnknown' });
      else if (query.siteId !== undefined && !service.sites.some((site) => site.id === query.siteId))
        problems.push({ field: 'siteId', message: 'appointments.errors.siteUnknown' });
      if (!isCalendarDate(query.from)) problems.push({ field: 'from', message: 'appointments.errors.dateInvalid' });
      if (!isCalendarDate(query.to)) problems.push({ field: 'to', message: 'appointments.errors.dateInvalid' });
      else if (isCalendarDate(query.from) && query.to < query.from)
        problems.push({ field: 'to', message: 'appointments.errors.rangeBackwards' });
      else if (isCalendarDate(query.from) && query.to > addCalendarDays(query.from, SLOT_SEARCH_MAX_DAYS))
        problems.push({ field: 'to', message: 'appointments.errors.rangeTooLong', params: { max: SLOT_SEARCH_MAX_DAYS } });
      if (problems.length > 0) throw new Invalid(problems);
      const at = now();
      const start = startOfLondonDay(query.from);
      return await repo.freeSlots(db, {
        councilId,
        serviceId: service!.serviceId,
        siteId: query.siteId,
        after: start.getTime() > at.getTime() ? new Date(start.getTime() - 1) : at,
        before: startOfLondonDay(addCalendarDays(query.to, 1)),
        limit: SLOT_SEARCH_MAX_RESULTS,
      });
    },

    /**
     * Books a place in a slot for a customer: refuses an unknown, past or closed slot (Invalid),
     * and a full one (Conflict). A resident's booking (`submission`) may make the customer from the
     * details they gave, and sending it twice books once.
     */
    async book(actor: Actor, input: BookInput, options: { council?: string; submission?: Submission } = {}): Promise<Booked> {
      const councilId = councilOf(actor, options.council);
      appointmentPolicy.authorize(actor, 'book', { councilId });
      const { submission } = options;
      if (submission) {
        const sent = await submitted(submission.key);
        if (sent) return sent;
      }
      const at = now();
      const problems: FieldError[] = [];
      const slot = isUuid(input.slotId) ? await repo.findSlot(db, input.slotId) : undefined;
      const slotError = slotProblem(slot, councilId, at);
      if (slotError) problems.push(slotError);
      if (!isOneOf(BOOKING_CHANNELS, input.channel))
        problems.push({ field: 'channel', message: 'appointments.errors.channelMissing' });
      const notes = (input.notes ?? '').trim();
      if (notes.length > NOTES_MAX_LENGTH)
        problems.push({ field: 'notes', message: 'appointments.errors.tooLong', params: { max: NOTES_MAX_LENGTH } });
      const newCustomer = submission?.newCustomer;
      if (!newCustomer) {
        const customer =
          input.customerId !== undefined && isUuid(input.customerId)
            ? await dependencies.findCustomer(actor, input.customerId)
            : undefined;
        if (!customer || customer.councilId !== councilId)
          problems.push({ field: 'customerId', message: 'appointments.errors.customerUnknown' });
      } else if (!dependencies.createCustomer) throw new Error('booking with a new customer needs createCustomer');
      if (problems.length > 0) throw new Invalid(problems);
      const address = input.customerId ? await dependencies.notificationAddress(input.customerId) : undefined;

      return await db
        .transaction()
        .execute(async (trx) => {
          await takePlace(trx, slot!.id);
          const created = newCustomer ? await dependencies.createCustomer!(trx, actor, councilId, newCustomer) : undefined;
          const value: repo.NewAppointment = {
            councilId,
            reference: '',
            slot: slot!,
            customerId: created?.id ?? input.customerId!,
            channel: input.channel,
            notes: notes === '' ? null : notes,
            manageToken: crypto.randomBytes(32).toString('base64url'),
            submissionKey: submission?.key ?? null,
            createdBy: staffId(actor),
            createdByApiKey: actor.kind === 'api_key' ? actor.id : null,
          };
          let id: string | undefined;
          for (let attempt = 0; id === undefined; attempt++) {
            if (attempt === 5) throw new Error('could not draw an unused appointment reference');
            value.reference = newReference(REFERENCE_PREFIX);
            id = await repo.insertAppointment(trx, value);
          }
          await recordAudit(trx, actor, {
            action: 'appointment.create',
            organisationId: councilId,
            recordType: 'appointment',
            recordId: id,
            changes: {
              reference: { from: null, to: value.reference },
              slotId: { from: null, to: slot!.id },
              customerId: { from: null, to: value.customerId },
              channel: { from: null, to: value.channel },
            },
          });
          const record = (await repo.findAppointment(trx, { id }))!;
          await tellResident(trx, record, 'appointment.booked', 'booked', { address: created ? created.address : address });
          return bookedOf(record, true);
        })
        .catch(async (error: unknown) => {
          // The same journey sent twice at once: one booking went through (the other found its
          // place taken, or its submission key), and that one is the answer.
          const sent =
            submission && (error instanceof Conflict || isUniqueViolation(error, 'appointments_submission_key_idx'))
              ? await submitted(submission.key)
              : undefined;
          if (sent) return sent;
          throw error;
        });
    },

    /** An appointment by reference, for staff. */
    async view(actor: Actor, reference: string): Promise<repo.AppointmentRecord> {
      return await requireAppointment(actor, reference);
    },

    /** A customer's appointments, latest first, for those who may read them. */
    async ofCustomer(actor: Actor, customer: { id: string; councilId: string }): Promise<repo.AppointmentRecord[]> {
      if (!appointmentPolicy.can(actor, 'read', customer)) return [];
      return await repo.appointmentsOfCustomer(db, customer.id);
    },

    /** A site's appointments on a day (YYYY-MM-DD). */
    async atSite(actor: Actor, site: { id: string; councilId: string }, date: string): Promise<repo.AppointmentRecord[]> {
      appointmentPolicy.authorize(actor, 'read', site);
      if (!isCalendarDate(date)) throw new Invalid([{ field: 'date', message: 'appointments.errors.dateInvalid' }]);
      return await repo.appointmentsAtSite(db, site.id, startOfLondonDay(date), startOfLondonDay(addCalendarDays(date, 1)));
    },

    async cancel(actor: Actor, reference: string): Promise<void> {
      const record = await requireAppointment(actor, reference);
      appointmentPolicy.authorize(actor, 'book', record);
      await cancel(actor, record);
    },

    async change(actor: Actor, reference: string, slotId: string): Promise<Booked> {
      const record = await requireAppointment(actor, reference);
      appointmentPolicy.authorize(actor, 'book', record);
      return bookedOf(await change(actor, record, slotId), false);
    },

    /** The appointment a resident's private link is for (NotFound for a wrong link). */
    async byManageToken(token: string): Promise<repo.AppointmentRecord> {
      return await byToken(token);
    },

    async cancelByResident(token: string): Promise<void> {
      await cancel(systemActor('portal'), await byToken(token));
    },

    async changeByResident(token: string, slotId: string): Promise<Booked> {
      return bookedOf(await change(systemActor('portal'), await byToken(token), slotId), false);
    },

    /** Sends the reminders due (appointments in the next 24 hours not yet reminded); how many. */
    async sendReminders(): Promise<number> {
      const at = now();
      let sent = 0;
      for (;;) {
        const count = await db.transaction().execute(async (trx) => {
          const ids = await repo.claimReminders(trx, at, new Date(at.getTime() + REMINDER_HOURS * 3_600_000), REMINDER_BATCH);
          for (const record of await repo.findAppointments(trx, ids))
            await tellResident(trx, record, 'appointment.reminder', `reminder-${record.startsAt.toISOString()}`);
          return ids.length;
        });
        sent += count;
        if (count < REMINDER_BATCH) return sent;
      }
    },

    /** Marks as not come the booked appointments whose site's grace period has passed; how many. */
    async markNoShows(): Promise<number> {
      return await db.transaction().execute(async (trx) => {
        const marked = await repo.markNoShows(trx, now());
        for (const councilId of new Set(marked.map((row) => row.councilId)))
          await recordAudit(trx, systemActor('job:appointments.no-shows'), {
            action: 'appointment.no_show',
            organisationId: councilId,
            recordType: 'appointment',
            details: { appointments: marked.filter((row) => row.councilId === councilId).map((row) => row.id) },
          });
        return marked.length;
      });
    },

    /** Moves every service's horizon on: the slots of days that have come into reach. */
    async extendSlots(): Promise<number> {
      return await generateSlots(db, { now: now() });
    },
  };
}

export type AppointmentsService = ReturnType<typeof createAppointmentsService>;

/** The appointments' background work: reminders, no-shows, and slots as the horizon moves on. */
export function appointmentsJobs(appointments: AppointmentsService): ScheduledJob[] {
  return [
    { name: 'appointments.reminders', cron: '*/10 * * * *', run: () => appointments.sendReminders() },
    { name: 'appointments.no-shows', cron: '*/5 * * * *', run: () => appointments.markNoShows() },
    { name: 'appointments.slots', cron: '17 2 * * *', run: () => appointments.extendSlots() },
  ];
}

/** Today's date in London, as the booking pages start from. */
export const todayOf = (at: Date): string => londonDate(at);
