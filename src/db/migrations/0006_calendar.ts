// SLA calendars: bank holidays by UK division (England and Wales's loaded from the file OneDoor
// ships, updated with `onedoor import bank-holidays`), and the days each organisation is closed.
// Both are read for every case raised, over a short window of dates: their keys are the indexes.
import { sql, type Kysely } from 'kysely';
import { shippedBankHolidays } from '../../services/bankHolidays.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table bank_holidays (
      date date not null,
      division text not null default 'england-and-wales'
        check (division in ('england-and-wales', 'scotland', 'northern-ireland')),
      title text not null check (length(title) between 1 and 200),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (division, date)
    );
    create trigger bank_holidays_updated_at before update on bank_holidays
      for each row execute function set_updated_at();

    -- A day the organisation does not work (a training day, the days between Christmas and New
    -- Year): SLA clocks do not count it. A partner agency has its own, not its council's.
    create table organisation_closures (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      date date not null,
      reason text not null check (length(reason) between 1 and 200),
      created_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      unique (organisation_id, date)
    );
  `.execute(db);

  const { division, holidays } = shippedBankHolidays();
  await sql`
    insert into bank_holidays (division, date, title)
    select ${division}, date, title
    from unnest(${holidays.map((holiday) => holiday.date)}::date[], ${holidays.map((holiday) => holiday.title)}::text[]) as shipped (date, title)
    on conflict (division, date) do nothing
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists organisation_closures, bank_holidays;`.execute(db);
}
