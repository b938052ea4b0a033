// SLA calendars over the database: when a case raised now is due (bank holidays and the
// organisation's closure days from one query), the closure days administrators keep, and the
// bank holidays imported from GOV.UK. Each change commits in one transaction with its audit record.
import type { Db, Queryable } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import { SLA_DIVISION, usualNameKey, type Division, type DivisionHolidays } from './bankHolidays.ts';
import {
  addCalendarDays,
  addWorkingDays,
  checkSlaWorkingDays,
  londonDate,
  workingDaysBetween,
  type SlaDates,
} from './calendar.ts';
import { bankHolidayPolicy, closurePolicy } from './calendarPolicy.ts';
import * as repo from './calendarRepo.ts';

export type { ClosureRecord, BankHolidayChanges } from './calendarRepo.ts';

export const MAX_REASON_LENGTH = 200;
/** How far ahead a closure may be set: far enough to plan, near enough to catch a mistyped year. */
export const CLOSURE_YEARS_AHEAD = 3;

export interface NewClosure {
  /** YYYY-MM-DD */
  date: string;
  reason: string;
  /** Whose closure: the acting person's organisation unless given (OneDoor itself must give it). */
  organisationId?: string;
}

export interface Closure extends repo.ClosureRecord {
  /** Today or later: it can still be removed. */
  upcoming: boolean;
}

export interface UpcomingBankHoliday {
  date: string;
  title: string;
  /** The i18n key of its name under calendar.bankHolidayNames, for the usual ones. */
  nameKey: string | undefined;
}

export interface BankHolidayImport extends repo.BankHolidayChanges {
  division: Division;
  from: string;
  to: string;
}

/**
 * Calendar days to look ahead for `workingDays` working days: five in every seven, plus room for
 * a Christmas and some closures. A longer run of closed days makes slaDates look again, further.
 */
const windowFor = (workingDays: number) => Math.ceil((workingDays * 7) / 5) + 21;

function organisationOf(actor: Actor, organisationId: string | undefined): string {
  if (organisationId !== undefined) return organisationId;
  if (actor.kind === 'system') throw new Error('OneDoor itself must say whose closure days it means');
  return actor.organisationId;
}

export function createCalendarService(db: Db, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());

  async function requireClosure(actor: Actor, id: string) {
    const closure = isUuid(id) ? await repo.findClosure(db, id) : undefined;
    // Someone who may not see the closure is told it does not exist.
    if (!closure || !closurePolicy.can(actor, 'read', closure)) throw new NotFound('closure');
    return closure;
  }

  return {
    /**
     * When a case received at `receivedAt` for `organisationId`, with an SLA of `workingDays`
     * working days, is due and due soon. Runs for every case raised: one query, on the keys of
     * bank_holidays and organisation_closures, over the dates the SLA can reach. Pass `within`
     * to read inside the caller's transaction.
     */
    async slaDates(organisationId: string, receivedAt: Date, workingDays: number, within: Queryable = db): Promise<SlaDates> {
      checkSlaWorkingDays(workingDays);
      const from = londonDate(receivedAt);
      for (let window = windowFor(workingDays); ; window *= 2) {
        const to = addCalendarDays(from, window);
        const closed = new Set(await repo.closedDaysBetween(within, { division: SLA_DIVISION, organisationId, from, to }));
        const dates = addWorkingDays(receivedAt, workingDays, closed);
        // Every day counted lay inside the window, so every closed day among them was known.
        if (londonDate(dates.dueSoonAt) <= to) return dates;
      }
    },

    /**
     * Working days from `from` to `to` for `organisationId`, counted as `workingDaysBetween` counts
     * them: how long a complaint's stage took to answer.
     */
    async workingDaysBetween(organisationId: string, from: Date, to: Date, within: Queryable = db): Promise<number> {
      const start = londonDate(from);
      const end = londonDate(to);
      if (end <= start) return 0;
      const closed = new Set(
        await repo.closedDaysBetween(within, { division: SLA_DIVISION, organisationId, from: start, to: end }),
      );
      return workingDaysBetween(from, to, closed);
    },

    /** The closure days of the actor's organisation (or `organisationId`): coming ones first, then past. */
    async closures(actor: Actor, organisationId?: string): Promise<Closure[]> {
      const organisation = organisationOf(actor, organisationId);
      closurePolicy.authorize(actor, 'read', { organisationId: organisation });
      const today = todayInLondon(now());
      const rows = await repo.listClosures(db, organisation, today);
      return rows.map((row) => ({ ...row, upcoming: row.date >= today }));
    },

    async addClosure(actor: Actor, input: NewClosure): Promise<{ id: string }> {
      const organisationId = organisationOf(actor, input.organisationId);
      closurePolicy.authorize(actor, 'add', { organisationId });
      const today = todayInLondon(now());
      const date = input.date.trim();
      const reason = input.reason.trim();
      const problems: FieldError[] = [];
      if (date === '') problems.push({ field: 'date', message: 'calendar.errors.dateMissing' });
      else if (!isCalendarDate(date)) problems.push({ field: 'date', message: 'calendar.errors.dateInvalid' });
      else if (date < today) problems.push({ field: 'date', message: 'calendar.errors.datePast' });
      else if (date > addCalendarDays(today, CLOSURE_YEARS_AHEAD * 366)) {
        problems.push({ field: 'date', message: 'calendar.errors.dateTooFar', params: { years: CLOSURE_YEARS_AHEAD } });
      }
      if (reason === '') problems.push({ field: 'reason', message: 'calendar.errors.reasonMissing' });
      else if (reason.length > MAX_REASON_LENGTH) {
        problems.push({ field: 'reason', message: 'calendar.errors.reasonTooLong', params: { max: MAX_REASON_LENGTH } });
      }
      if (problems.length > 0) throw new Invalid(problems);

      const createdBy = actor.kind === 'staff' ? actor.id : null;
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertClosure(trx, { organisationId, date, reason, createdBy });
        if (id === undefined) return undefined;
        await recordAudit(trx, actor, {
          action: 'closure.add',
          organisationId,
          recordType: 'organisation_closure',
          recordId: id,
          changes: { date: { from: null, to: date }, reason: { from: null, to: reason } },
        });
        return id;
      });
      if (id === undefined) throw new Invalid([{ field: 'date', message: 'calendar.errors.dateTaken' }]);
      return { id };
    },

    /** Removes a closure day that has not yet passed (a past one is history: it stays). */
    async removeClosure(actor: Actor, id: string): Promise<void> {
      const closure = await requireClosure(actor, id);
      closurePolicy.authorize(actor, 'remove', closure);
      if (closure.date < todayInLondon(now())) throw new Conflict('calendar.errors.closurePassed');
      await db.transaction().execute(async (trx) => {
        if (!(await repo.deleteClosure(trx, closure.id))) return;
        await recordAudit(trx, actor, {
          action: 'closure.remove',
          organisationId: closure.organisationId,
          recordType: 'organisation_closure',
          recordId: closure.id,
          changes: { date: { from: closure.date, to: null }, reason: { from: closure.reason, to: null } },
        });
      });
    },

    /** England and Wales's bank holidays from today for `months` months. */
    async upcomingBankHolidays(months = 12): Promise<UpcomingBankHoliday[]> {
      const today = todayInLondon(now());
      const end = new Date(`${today}T12:00:00Z`);
      end.setUTCMonth(end.getUTCMonth() + months);
      const holidays = await repo.bankHolidaysBetween(
        db,
        SLA_DIVISION,
        today,
        addCalendarDays(end.toISOString().slice(0, 10), -1),
      );
      return holidays.map((holiday) => ({ ...holiday, nameKey: usualNameKey(holiday.title) }));
    },

    /** Replaces each division's bank holidays over the span the file covers; reports what changed. */
    async importBankHolidays(actor: Actor, divisions: readonly DivisionHolidays[]): Promise<BankHolidayImport[]> {
      bankHolidayPolicy.authorize(actor, 'import', null);
      return await db.transaction().execute(async (trx) => {
        const results: BankHolidayImport[] = [];
        for (const { division, holidays } of divisions) {
          if (holidays.length === 0) continue;
          const changes = await repo.replaceBankHolidays(trx, division, holidays);
          const result = { division, from: holidays[0]!.date, to: holidays[holidays.length - 1]!.date, ...changes };
          await recordAudit(trx, actor, { action: 'bank_holidays.import', organisationId: null, details: { ...result } });
          results.push(result);
        }
        return results;
      });
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
