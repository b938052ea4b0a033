// A site's weekly sessions: a one-stop shop's opening hours on a weekday, or one stop of the bus's
// timetable (where it parks, from when to when). Slots are cut from sessions in steps of five
// minutes, so times are on the five minutes; a session ends after it starts; two sessions of one
// site never overlap on a weekday (one may end as the next begins); and only the bus says where.
import type { FieldError } from '../platform/errors.ts';

export const SITE_KINDS = ['one_stop_shop', 'mobile_bus'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** ISO weekdays: 1 is Monday, 7 is Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const PLACE_MAX_LENGTH = 200;
/** Slot lengths and session times are whole multiples of this many minutes. */
export const TIME_STEP_MINUTES = 5;

const ERRORS = 'appointments.sites.errors';

export interface Session {
  weekday: Weekday;
  /** HH:MM, London time. */
  opens: string;
  closes: string;
  /** Where the bus stops; null at a one-stop shop. */
  place: string | null;
}

export interface SessionInput {
  weekday?: string | number;
  opens?: string;
  closes?: string;
  place?: string;
}

/**
 * A time of day as a person types it ("9:30", "09:30", "0930", "9.30", or the database's
 * "09:30:00") as HH:MM, or undefined when it is not one.
 */
export function timeOfDay(text: string): string | undefined {
  const match = /^(\d{1,2})[:.]?(\d{2})(?::00)?$/.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** Minutes since midnight of an HH:MM time. */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export function isWeekday(value: unknown): value is Weekday {
  return typeof value === 'number' && (WEEKDAYS as readonly number[]).includes(value);
}

/** Two sessions on one weekday overlap when each starts before the other ends. */
export function overlaps(a: Pick<Session, 'weekday' | 'opens' | 'closes'>, b: Pick<Session, 'weekday' | 'opens' | 'closes'>) {
  return a.weekday === b.weekday && minutesOf(a.opens) < minutesOf(b.closes) && minutesOf(b.opens) < minutesOf(a.closes);
}

/** Sessions in the order a week reads: Monday first, earliest first. */
export function inWeekOrder<S extends Pick<Session, 'weekday' | 'opens'>>(sessions: readonly S[]): S[] {
  return [...sessions].sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens));
}

function checkedTime(problems: FieldError[], field: 'opens' | 'closes', text: string | undefined): string | undefined {
  const given = (text ?? '').trim();
  if (given === '') {
    problems.push({ field, message: `${ERRORS}.${field}Missing` });
    return undefined;
  }
  const time = timeOfDay(given);
  if (time === undefined) {
    problems.push({ field, message: `${ERRORS}.${field}Invalid` });
    return undefined;
  }
  if (minutesOf(time) % TIME_STEP_MINUTES !== 0) {
    problems.push({ field, message: `${ERRORS}.timeNotOnFive` });
    return undefined;
  }
  return time;
}

/**
 * Checks a new session of a site of `kind` against the site's `existing` sessions: the session, or
 * what is wrong with it, per field (messages are i18n keys).
 */
export function checkSession(
  kind: SiteKind,
  input: SessionInput,
  existing: readonly Session[],
): { ok: true; session: Session } | { ok: false; errors: FieldError[] } {
  const problems: FieldError[] = [];
  const weekday = typeof input.weekday === 'string' && /^\d$/.test(input.weekday) ? Number(input.weekday) : input.weekday;
  if (!isWeekday(weekday)) problems.push({ field: 'weekday', message: `${ERRORS}.weekdayMissing` });
  const opens = checkedTime(problems, 'opens', input.opens);
  const closes = checkedTime(problems, 'closes', input.closes);
  if (opens !== undefined && closes !== undefined && minutesOf(closes) <= minutesOf(opens))
    problems.push({ field: 'closes', message: `${ERRORS}.closesBeforeOpens` });

  const place = (input.place ?? '').trim();
  if (kind === 'mobile_bus') {
    if (place === '') problems.push({ field: 'place', message: `${ERRORS}.placeMissing` });
    else if (place.length > PLACE_MAX_LENGTH)
      problems.push({ field: 'place', message: `${ERRORS}.placeTooLong`, params: { max: PLACE_MAX_LENGTH } });
  } else if (place !== '') {
    problems.push({ field: 'place', message: `${ERRORS}.placeNotForShop` });
  }

  if (problems.length === 0) {
    const session: Session = {
      weekday: weekday as Weekday,
      opens: opens!,
      closes: closes!,
      place: kind === 'mobile_bus' ? place : null,
    };
    const clash = inWeekOrder(existing).find((other) => overlaps(session, other));
    if (clash)
      problems.push({
        field: 'opens',
        message: `${ERRORS}.sessionOverlaps`,
        params: { opens: clash.opens, closes: clash.closes },
      });
    else return { ok: true, session };
  }
  return { ok: false, errors: problems };
}
