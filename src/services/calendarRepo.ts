// SQL for SLA calendars: bank holidays and organisation closure days.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { BankHoliday, Division } from './bankHolidays.ts';

/**
 * The closed days of an organisation from `from` to `to` (inclusive): a division's bank holidays
 * and the organisation's own closures, in one query, each half on its table's key.
 */
export async function closedDaysBetween(
  db: Queryable,
  query: { division: Division; organisationId: string; from: string; to: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('bank_holidays')
    .select('date')
    .where('division', '=', query.division)
    .where('date', '>=', query.from)
    .where('date', '<=', query.to)
    .unionAll(
      db
        .selectFrom('organisation_closures')
        .select('date')
        .where('organisation_id', '=', query.organisationId)
        .where('date', '>=', query.from)
        .where('date', '<=', query.to),
    )
    .execute();
  return rows.map((row) => row.date);
}

export async function bankHolidaysBetween(db: Queryable, division: Division, from: string, to: string): Promise<BankHoliday[]> {
  return await db
    .selectFrom('bank_holidays')
    .select(['date', 'title'])
    .where('division', '=', division)
    .where('date', '>=', from)
    .where('date', '<=', to)
    .orderBy('date')
    .execute();
}

export interface ClosureRecord {
  id: string;
  organisationId: string;
  date: string;
  reason: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
}

function closures(db: Queryable) {
  return db
    .selectFrom('organisation_closures')
    .leftJoin('staff_users', 'staff_users.id', 'organisation_closures.created_by')
    .select([
      'organisation_closures.id',
      'organisation_closures.organisation_id as organisationId',
      'organisation_closures.date',
      'organisation_closures.reason',
      'organisation_closures.created_by as createdBy',
      'staff_users.name as createdByName',
      'organisation_closures.created_at as createdAt',
    ]);
}

/** Days from `today` on first, soonest first; then past days, latest first. */
export async function listClosures(db: Queryable, organisationId: string, today: string, limit = 500): Promise<ClosureRecord[]> {
  return await closures(db)
    .where('organisation_closures.organisation_id', '=', organisationId)
    .orderBy(sql`organisation_closures.date < ${today}::date`)
    .orderBy(sql`case when organisation_closures.date >= ${today}::date then organisation_closures.date end`)
    .orderBy('organisation_closures.date', 'desc')
    .limit(limit)
    .execute();
}

export async function findClosure(db: Queryable, id: string): Promise<ClosureRecord | undefined> {
  return await closures(db).where('organisation_closures.id', '=', id).executeTakeFirst();
}

/** The new closure's id, or undefined when the organisation is already closed that day. */
export async function insertClosure(
  db: Queryable,
  closure: { organisationId: string; date: string; reason: string; createdBy: string | null },
): Promise<string | undefined> {
  const row = await db
    .insertInto('organisation_closures')
    .values({
      organisation_id: closure.organisationId,
      date: closure.date,
      reason: closure.reason,
      created_by: closure.createdBy,
    })
    .onConflict((conflict) => conflict.columns(['organisation_id', 'date']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function deleteClosure(db: Queryable, id: string): Promise<boolean> {
  const result = await db.deleteFrom('organisation_closures').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface BankHolidayChanges {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/**
 * Makes a division's bank holidays from the first to the last date of `holidays` exactly those
 * given (a holiday moved or cancelled within that span is removed); outside it nothing changes.
 */
export async function replaceBankHolidays(
  db: Queryable,
  division: Division,
  holidays: readonly BankHoliday[],
): Promise<BankHolidayChanges> {
  if (holidays.length === 0) return { added: 0, changed: 0, removed: 0, unchanged: 0 };
  const from = holidays[0]!.date;
  const to = holidays[holidays.length - 1]!.date;
  const existing = new Map(
    (await bankHolidaysBetween(db, division, from, to)).map((holiday) => [holiday.date, holiday.title] as const),
  );
  const given = new Set(holidays.map((holiday) => holiday.date));
  const stale = [...existing.keys()].filter((date) => !given.has(date));
  const changes: BankHolidayChanges = { added: 0, changed: 0, removed: stale.length, unchanged: 0 };
  for (const holiday of holidays) {
    const title = existing.get(holiday.date);
    if (title === undefined) changes.added += 1;
    else if (title !== holiday.title) changes.changed += 1;
    else changes.unchanged += 1;
  }
  if (stale.length > 0) {
    await db.deleteFrom('bank_holidays').where('division', '=', division).where('date', 'in', stale).execute();
  }
  await sql`
    insert into bank_holidays (division, date, title)
    select ${division}, date, title
    from unnest(${holidays.map((holiday) => holiday.date)}::date[], ${holidays.map((holiday) => holiday.title)}::text[]) as given (date, title)
    on conflict (division, date) do update set title = excluded.title
      where bank_holidays.title is distinct from excluded.title
  `.execute(db);
  return changes;
}
