// The live dashboards for team leaders and performance analysts: each team's queue and SLA state
// now, and today's contacts by hour and channel against a typical day (the average of the same
// weekday over the last four weeks), with the totals so far against the typical day by this time.
// Read from the council's own records at the moment asked; the page asks again every minute.
import type { Db } from '../db/database.ts';
import type { StaffActor } from '../platform/actor.ts';
import { londonDate } from '../services/calendar.ts';
import { teamQueues } from './dashboardRepo.ts';
import { performancePolicy } from './policy.ts';
import { contactsByHour } from './repo.ts';

/** The typical day: the average of the same weekday over this many weeks before today. */
export const TYPICAL_WEEKS = 4;
/** The hours a chart always shows (UK time, 08:00 to 18:00), widened to any hour with contacts. */
export const DEFAULT_HOURS = { first: 8, last: 17 } as const;

export interface TeamQueueState {
  id: string;
  name: string;
  nameCy: string | null;
  /** The person asking works in the team (their teams come first). */
  yourTeam: boolean;
  open: number;
  onTrack: number;
  dueSoon: number;
  overdue: number;
  unassigned: number;
  oldestReceivedAt: Date | null;
  /** Calendar days (UK time) since the oldest open case was received; null when none is open. */
  oldestAgeDays: number | null;
}

export interface HourlyContacts {
  hour: number;
  channel: string;
  today: number;
  /** The average of the same hour on the same weekday over the weeks before, to one decimal place. */
  typical: number;
}

export interface ContactTotals {
  today: number;
  /** The typical day's contacts up to this minute: whole hours before, and the same share of this hour. */
  typicalByNow: number;
}

export interface TodaysContacts {
  typicalWeeks: number;
  /** Each hour and channel with contacts today or on a typical day, in hour then channel order. */
  byHour: HourlyContacts[];
  total: ContactTotals;
  /** The channels with contacts today or on a typical day, most contacts today first. */
  byChannel: (ContactTotals & { channel: string })[];
  /** The hours the charts show, first and last included. */
  hours: { first: number; last: number };
}

export interface Dashboard {
  at: Date;
  /** Today in UK time. */
  day: string;
  /** The time in the UK now. */
  time: { hour: number; minute: number };
  teams: TeamQueueState[];
  contacts: TodaysContacts;
}

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
});

/** The hour and minute on London's clocks at `instant`. */
export function londonTime(instant: Date): { hour: number; minute: number } {
  const parts = Object.fromEntries(londonClock.formatToParts(instant).map((part) => [part.type, part.value]));
  return { hour: Number(parts.hour), minute: Number(parts.minute) };
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Calendar days from one UK day to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Today's contacts so far against the typical day by this time, in all and by channel. */
export function todaysContacts(byHour: HourlyContacts[], time: { hour: number; minute: number }): TodaysContacts {
  // The typical day counts in full for the hours gone, and for this hour as far as it has gone.
  const typicalByNow = (row: HourlyContacts) =>
    row.hour < time.hour ? row.typical : row.hour === time.hour ? (row.typical * time.minute) / 60 : 0;
  const channels = new Map<string, ContactTotals>();
  for (const row of byHour) {
    const totals = channels.get(row.channel) ?? { today: 0, typicalByNow: 0 };
    totals.today += row.today;
    totals.typicalByNow += typicalByNow(row);
    channels.set(row.channel, totals);
  }
  const byChannel = [...channels]
    .map(([channel, totals]) => ({ channel, today: totals.today, typicalByNow: oneDecimal(totals.typicalByNow) }))
    .sort((a, b) => b.today - a.today || b.typicalByNow - a.typicalByNow || a.channel.localeCompare(b.channel));
  const hoursWithContacts = byHour.filter((row) => row.today > 0 || row.typical > 0).map((row) => row.hour);
  return {
    typicalWeeks: TYPICAL_WEEKS,
    byHour,
    total: {
      today: byHour.reduce((sum, row) => sum + row.today, 0),
      typicalByNow: oneDecimal(byHour.reduce((sum, row) => sum + typicalByNow(row), 0)),
    },
    byChannel,
    hours: {
      first: Math.min(DEFAULT_HOURS.first, ...hoursWithContacts),
      last: Math.max(DEFAULT_HOURS.last, ...hoursWithContacts),
    },
  };
}

export function createPerformanceDashboard(db: Db, dependencies: { now?: () => Date } = {}) {
  const now = dependencies.now ?? (() => new Date());

  return {
    /** The dashboard for the person's council, as it is now. */
    async dashboard(actor: StaffActor): Promise<Dashboard> {
      performancePolicy.authorize(actor, 'read', { councilId: actor.councilId });
      const at = now();
      const day = londonDate(at);
      const time = londonTime(at);
      const [teams, hourly] = await Promise.all([
        teamQueues(db, actor.councilId, actor.id, at),
        contactsByHour(db, actor.councilId, day, TYPICAL_WEEKS),
      ]);
      return {
        at,
        day,
        time,
        teams: teams.map(({ member, ...team }) => ({
          ...team,
          yourTeam: member,
          oldestAgeDays: team.oldestReceivedAt ? daysBetween(londonDate(team.oldestReceivedAt), day) : null,
        })),
        contacts: todaysContacts(
          hourly.filter((row) => row.today !== 0 || row.typical !== 0),
          time,
        ),
      };
    },
  };
}

export type PerformanceDashboardService = ReturnType<typeof createPerformanceDashboard>;
