// The pages of "book an appointment" in the portal, as its answers so far decide them: which page
// comes next, which are still to answer, and which answers a change makes stale (another service
// has other places and times). Pure, so the rules are tested here and the routes
// (portal.routes.ts) only ask.
import type { ContactDetails } from '../portal/contactDetails.ts';
import { addCalendarDays } from '../services/calendar.ts';

/** Everything answered so far, kept in the resident's server-side session. */
export interface AppointmentDraft {
  /** The journey's own id: sending it twice books one appointment. */
  id: string;
  /** The service's code. */
  service?: string;
  /** How many places offered the service when it was chosen: where is not asked when only one does. */
  sitesOffered?: number;
  /** The site's id. */
  site?: string;
  /** The day (YYYY-MM-DD, London). */
  day?: string;
  /** The slot's id. */
  slot?: string;
  /** Anything we should know: '' when nothing. */
  notes?: string;
  contact?: ContactDetails;
  /** Why the time chosen could not be booked after all (a message key): the time page says so. */
  slotRefused?: string;
  /** Filled in the honeypot: answered as if booked, but nothing is kept. */
  caught?: boolean;
}

export type Step = 'service' | 'site' | 'day' | 'time' | 'notes' | 'contact' | 'check';

const ALL_STEPS: readonly Step[] = ['service', 'site', 'day', 'time', 'notes', 'contact', 'check'];

/** The pages as far as the answers so far decide them: where only when more than one place offers the service. */
export function stepsOf(draft: AppointmentDraft, signedIn: boolean): Step[] {
  return ALL_STEPS.filter((step) => (step !== 'site' || draft.sitesOffered !== 1) && (step !== 'contact' || !signedIn));
}

export function isAnswered(step: Step, draft: AppointmentDraft): boolean {
  switch (step) {
    case 'service':
      return draft.service !== undefined;
    case 'site':
      return draft.site !== undefined;
    case 'day':
      return draft.day !== undefined;
    case 'time':
      return draft.slot !== undefined;
    case 'notes':
      return draft.notes !== undefined;
    case 'contact':
      return draft.contact !== undefined;
    case 'check':
      return false;
  }
}

export const firstUnanswered = (steps: readonly Step[], draft: AppointmentDraft): Step =>
  steps.find((step) => !isAnswered(step, draft)) ?? 'check';

/** What the pages of choices need answered first: a service's places, the days at a place, the times on a day. */
const NEEDS: Partial<Record<Step, readonly Step[]>> = {
  site: ['service'],
  day: ['service', 'site'],
  time: ['service', 'site', 'day'],
};

/**
 * Whether a page can be shown: one the answers lead to and, for where, the day and the time, with
 * the answers it depends on given. (Other pages may be answered ahead, as in the other journeys.)
 */
export function reachable(steps: readonly Step[], step: Step, draft: AppointmentDraft): boolean {
  return steps.includes(step) && (NEEDS[step] ?? []).every((needed) => isAnswered(needed, draft));
}

/** On from an answered page; when changing an answer, back to check your answers unless a page is still to answer. */
export function stepAfter(steps: readonly Step[], current: Step, draft: AppointmentDraft, changing: boolean): Step {
  const pending = firstUnanswered(steps, draft);
  if (changing) return pending;
  const next = steps[steps.indexOf(current) + 1] ?? 'check';
  return steps.indexOf(pending) < steps.indexOf(next) ? pending : next;
}

/**
 * The service chosen: another service than before has other places, days and times, so those are
 * asked again. When one place offers it, that place is the answer to where.
 */
export function withService(draft: AppointmentDraft, service: string, sites: readonly string[]): AppointmentDraft {
  if (draft.service === service && draft.site !== undefined && sites.includes(draft.site))
    return { ...draft, sitesOffered: sites.length };
  const { site: _site, day: _day, slot: _slot, slotRefused: _refused, ...rest } = draft;
  return { ...rest, service, sitesOffered: sites.length, ...(sites.length === 1 ? { site: sites[0] } : {}) };
}

/** The place chosen: another place has other days and times. */
export function withSite(draft: AppointmentDraft, site: string): AppointmentDraft {
  if (draft.site === site) return draft;
  const { day: _day, slot: _slot, slotRefused: _refused, ...rest } = draft;
  return { ...rest, site };
}

/** The day chosen: another day has other times. */
export function withDay(draft: AppointmentDraft, day: string): AppointmentDraft {
  if (draft.day === day) return draft;
  const { slot: _slot, slotRefused: _refused, ...rest } = draft;
  return { ...rest, day };
}

/** A time chosen: whatever was said about the one before no longer applies. */
export function withSlot(draft: AppointmentDraft, slot: string): AppointmentDraft {
  const { slotRefused: _refused, ...rest } = draft;
  return { ...rest, slot };
}

/**
 * The time chosen could not be booked (taken meanwhile, passed, or the day closed): asked again,
 * with the reason; every other answer is kept.
 */
export function withSlotRefused(draft: AppointmentDraft, message: string): AppointmentDraft {
  const { slot: _slot, ...rest } = draft;
  return { ...rest, slotRefused: message };
}

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/**
 * The week the day page shows: pages go seven days at a time from `today`, none starting after
 * `lastDay`. `asked` (a YYYY-MM-DD from the address) is brought back inside that range, onto the
 * start of its week.
 */
export function weekStarting(today: string, asked: string | undefined, lastDay: string): string {
  if (!asked || asked <= today) return today;
  const lastWeek = Math.max(0, Math.floor((dayNumber(lastDay) - dayNumber(today)) / 7));
  const week = Math.min(Math.floor((dayNumber(asked) - dayNumber(today)) / 7), lastWeek);
  return addCalendarDays(today, week * 7);
}
