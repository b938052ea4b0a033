// Working days, as a council's service standards count them: Monday to Friday in Europe/London,
// except bank holidays and the days the organisation is closed. Pure: the closed days are given.
//
// An SLA of n working days: the day a request arrives does not count, and it is due by the end
// of the n-th working day after it (midnight in London at the start of the next calendar day).
// A request that arrives at a weekend or on a closed day counts as if it had arrived on the next
// working day. It is "due soon" from the start of its last working day.
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';

export const SLA_STATES = ['on_track', 'due_soon', 'overdue'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** Closed days as YYYY-MM-DD: bank holidays and the organisation's closures. */
export type ClosedDays = ReadonlySet<string>;

export interface SlaDates {
  /** The end of the last working day: the first instant at which the case is overdue. */
  dueAt: Date;
  /** The start of the last working day. */
  dueSoonAt: Date;
}

/** Longer than any service standard; it keeps a mistaken SLA from counting for ever. */
export const MAX_SLA_WORKING_DAYS = 3650;

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar day `days` after `date` (before it when negative). */
export function addCalendarDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** The day in Europe/London that `instant` falls on. */
export function londonDate(instant: Date): string {
  return todayInLondon(instant);
}

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far London's clocks are ahead of UTC at `instant`, in milliseconds (0 or an hour). */
function londonOffset(instant: number): number {
  const parts = Object.fromEntries(londonClock.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * Midnight in London at the start of `date`, as an instant. The clocks change at 01:00 UTC, so
 * midnight always exists and is never repeated: 00:00Z in winter, 23:00Z the day before in summer.
 */
export function startOfLondonDay(date: string): Date {
  const midnightUtc = dayNumber(date) * DAY_MS;
  const guess = midnightUtc - londonOffset(midnightUtc);
  return new Date(midnightUtc - londonOffset(guess));
}

/** Monday to Friday, and not closed. */
export function isWorkingDay(date: string, closed: ClosedDays): boolean {
  const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !closed.has(date);
}

/** `date` itself when it is a working day, else the next one. */
function workingDayOnOrAfter(date: string, closed: ClosedDays): string {
  let day = date;
  while (!isWorkingDay(day, closed)) day = addCalendarDays(day, 1);
  return day;
}

/** The day a request received at `receivedAt` counts from: the day itself, or the next working day. */
export function dayOfReceipt(receivedAt: Date, closed: ClosedDays): string {
  return workingDayOnOrAfter(londonDate(receivedAt), closed);
}

/** Throws a RangeError unless `days` is a whole number of working days an SLA can have. */
export function checkSlaWorkingDays(days: number): void {
  if (!Number.isInteger(days) || days < 0 || days > MAX_SLA_WORKING_DAYS) {
    throw new RangeError(`an SLA is a whole number of working days from 0 to ${MAX_SLA_WORKING_DAYS}, not ${days}`);
  }
}

/** When a request received at `receivedAt` with an SLA of `days` working days is due, and due soon. */
export function addWorkingDays(receivedAt: Date, days: number, closed: ClosedDays): SlaDates {
  checkSlaWorkingDays(days);
  if (Number.isNaN(receivedAt.getTime())) throw new RangeError('receivedAt is not a time');
  let lastDay = dayOfReceipt(receivedAt, closed);
  for (let counted = 0; counted < days; counted++) lastDay = workingDayOnOrAfter(addCalendarDays(lastDay, 1), closed);
  return { dueAt: startOfLondonDay(addCalendarDays(lastDay, 1)), dueSoonAt: startOfLondonDay(lastDay) };
}

/**
 * The working days after the day `from` counts from (as addWorkingDays counts it) up to and
 * including the London day of `to`; 0 when `to` is not after it. So a case resolved at any time on
 * the last working day of an SLA of n days took n working days.
 */
export function workingDaysBetween(from: Date, to: Date, closed: ClosedDays): number {
  const start = dayNumber(dayOfReceipt(from, closed));
  const end = dayNumber(londonDate(to));
  let count = 0;
  for (let day = start + 1; day <= end; day++) if (isWorkingDay(dateOf(day), closed)) count += 1;
  return count;
}

/** The last day a case is due on (London date): its due time is the midnight that ends that day. */
export function lastDueDay(dueAt: Date): string {
  return londonDate(new Date(dueAt.getTime() - 1));
}

/** Where a case stands against its SLA: now, or, once closed, when it was closed. */
export function slaState(dueAt: Date, dueSoonAt: Date, now: Date, closedAt?: Date | null): SlaState {
  const at = (closedAt ?? now).getTime();
  if (at >= dueAt.getTime()) return 'overdue';
  if (at >= dueSoonAt.getTime()) return 'due_soon';
  return 'on_track';
}
