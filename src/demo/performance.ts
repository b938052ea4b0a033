// The demo council's performance programme: a target for each indicator for this financial year
// (with the tolerance, the top-quartile benchmark and last year's actual beside it), two
// indicators it keeps by hand with their values for the four-month periods so far, and an action
// tracker. The actuals themselves are counted from the demo's contacts, cases, complaints and
// appointments.
import type { Db } from '../db/database.ts';
import { londonDate } from '../services/calendar.ts';

/** Target, tolerance, benchmark, previous actual, owner: for each indicator OneDoor counts. */
const TARGETS: Record<string, [number, number, number, number, string]> = {
  first_contact_resolution: [80, 5, 85, 76.4, 'Head of Customer Services'],
  avoidable_contact: [15, 3, 10, 19.2, 'Head of Customer Services'],
  digital_share: [45, 5, 60, 38.1, 'Digital Services Manager'],
  abandoned_contacts: [5, 2, 3, 7.5, 'Contact Centre Manager'],
  average_handling_time: [8, 1, 6, 8.9, 'Contact Centre Manager'],
  cases_within_sla: [90, 5, 95, 84.3, 'Head of Operations'],
  open_backlog: [400, 50, 250, 512, 'Head of Operations'],
  open_backlog_age: [10, 2, 7, 13.5, 'Head of Operations'],
  complaints_responded_in_time: [95, 5, 98, 88, 'Complaints Manager'],
  complaints_justified: [40, 5, 30, 44, 'Complaints Manager'],
  complaint_handling_satisfaction: [60, 10, 70, 52, 'Complaints Manager'],
  customer_satisfaction: [85, 5, 90, 81, 'Head of Customer Services'],
  seen_within_10_minutes: [90, 5, 95, 86, 'One Stop Shop Manager'],
};

const MANUAL = [
  {
    code: 'calls_answered_in_20_seconds',
    name: 'Calls answered within 20 seconds',
    unit: 'percent' as const,
    direction: 'higher' as const,
    definition:
      'Of the calls offered to the contact centre, the share answered within 20 seconds, from the telephony system’s monthly report.',
    target: [80, 5, 85, 72] as const,
    values: [74.5, 78.9, 81.2],
  },
  {
    code: 'council_tax_collected',
    name: 'Council Tax collected in year',
    unit: 'percent' as const,
    direction: 'higher' as const,
    definition: 'The share of the Council Tax due for the year collected by the end of the period, from the revenues system.',
    target: [97, 0.5, 98, 96.4] as const,
    values: [34.2, 67.9, 96.8],
  },
];

const ACTIONS = [
  {
    indicator: 'avoidable_contact',
    title: 'Send a text when a missed bin is collected',
    progress: 'Notify templates agreed with Waste; testing with one round.',
    issues: 'Waste crews need a handset to mark the collection.',
    owner: 'Waste Services Manager',
    dueInDays: 45,
    status: 'on_track' as const,
  },
  {
    indicator: 'first_contact_resolution',
    title: 'Knowledge base articles for the ten most asked Council Tax questions',
    progress: 'Six of ten published.',
    issues: '',
    owner: 'Head of Customer Services',
    dueInDays: 20,
    status: 'on_track' as const,
  },
  {
    indicator: 'seen_within_10_minutes',
    title: 'A second desk at Oswestry on Monday mornings',
    progress: 'Rota drafted.',
    issues: 'Needs a trained advisor from Ellesmere two mornings a month.',
    owner: 'One Stop Shop Manager',
    dueInDays: -5,
    status: 'at_risk' as const,
  },
  {
    indicator: 'digital_share',
    title: 'Online form for bulky waste with payment',
    progress: 'Live since the spring; 58% of bookings now online.',
    issues: '',
    owner: 'Digital Services Manager',
    dueInDays: -60,
    status: 'done' as const,
  },
];

const DAY_MS = 86_400_000;

/** The financial year (April to March) `today` falls in, and its four-month periods. */
export function financialYear(today: string): { from: string; to: string; periods: { from: string; to: string }[] } {
  const year = Number(today.slice(0, 4)) - (Number(today.slice(5, 7)) < 4 ? 1 : 0);
  return {
    from: `${year}-04-01`,
    to: `${year + 1}-04-01`,
    periods: [
      { from: `${year}-04-01`, to: `${year}-08-01` },
      { from: `${year}-08-01`, to: `${year}-12-01` },
      { from: `${year}-12-01`, to: `${year + 1}-04-01` },
    ],
  };
}

export async function seedDemoPerformance(db: Db, councilId: string, now = new Date()): Promise<{ targets: number }> {
  const already = await db
    .selectFrom('performance_targets')
    .select('id')
    .where('council_id', '=', councilId)
    .limit(1)
    .executeTakeFirst();
  if (already) return { targets: 0 };
  const today = londonDate(now);
  const year = financialYear(today);
  return await db.transaction().execute(async (trx) => {
    const targets = Object.entries(TARGETS).map(([indicator, [target, tolerance, benchmark, previousActual, owner]]) => ({
      council_id: councilId,
      indicator,
      period_from: year.from,
      period_to: year.to,
      target,
      tolerance,
      benchmark,
      previous_actual: previousActual,
      owner,
    }));
    for (const manual of MANUAL) {
      const indicator = await trx
        .insertInto('performance_manual_indicators')
        .values({
          council_id: councilId,
          code: manual.code,
          name: manual.name,
          unit: manual.unit,
          direction: manual.direction,
          definition: manual.definition,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const [target, tolerance, benchmark, previousActual] = manual.target;
      targets.push({
        council_id: councilId,
        indicator: manual.code,
        period_from: year.from,
        period_to: year.to,
        target,
        tolerance,
        benchmark,
        previous_actual: previousActual,
        owner: 'Head of Customer Services',
      });
      // The periods already over have their values.
      const over = year.periods.filter((period) => period.to <= today);
      if (over.length > 0)
        await trx
          .insertInto('performance_manual_values')
          .values(
            over.map((period, index) => ({
              indicator_id: indicator.id,
              period_from: period.from,
              period_to: period.to,
              value: manual.values[index]!,
              evidence: `${manual.name}: the system’s report for the period`,
            })),
          )
          .execute();
    }
    await trx.insertInto('performance_targets').values(targets).execute();
    await trx
      .insertInto('performance_actions')
      .values(
        ACTIONS.map((action) => ({
          council_id: councilId,
          indicator: action.indicator,
          title: action.title,
          progress: action.progress,
          issues: action.issues,
          owner: action.owner,
          due_on: londonDate(new Date(now.getTime() + action.dueInDays * DAY_MS)),
          status: action.status,
        })),
      )
      .execute();
    return { targets: targets.length };
  });
}
