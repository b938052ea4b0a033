// Performance management. The indicators are counted from roll-ups kept as the data arrives, not
// by scanning contacts and cases: a trigger on each adds the row's contribution (and takes away
// the old one's on a change) to an append-only delta table, which no two writers contend for; a
// job folds the deltas into the roll-ups every minute, and readers add the few deltas not yet
// folded. So a year's indicators read a few hundred thousand small rows at most, however many
// millions of contacts and cases lie behind them.
//
// Beside them: the council's targets per indicator and period (with tolerance, benchmark, previous
// actual, estimated outturn, owner and comment), the values of indicators kept by hand, and the
// action tracker.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Contacts by London day, channel, outcome and avoidable reason ('' when none): the indicators.
    create table contact_rollups (
      council_id uuid not null references organisations (id),
      day date not null,
      channel text not null,
      outcome text not null,
      avoidable_reason text not null,
      contacts bigint not null,
      handling_seconds bigint not null,
      primary key (council_id, day, channel, outcome, avoidable_reason)
    );
    -- Contacts by London day, hour and channel: the day's shape on the dashboards.
    create table contact_hourly_rollups (
      council_id uuid not null references organisations (id),
      day date not null,
      hour smallint not null check (hour between 0 and 23),
      channel text not null,
      contacts bigint not null,
      primary key (council_id, day, hour, channel)
    );
    create table contact_rollup_deltas (
      council_id uuid not null,
      day date not null,
      hour smallint not null,
      channel text not null,
      outcome text not null,
      avoidable_reason text not null,
      contacts bigint not null,
      handling_seconds bigint not null
    );
    create index contact_rollup_deltas_day_idx on contact_rollup_deltas (council_id, day);

    create function contact_rollup_delta() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        insert into contact_rollup_deltas values (old.council_id,
          (old.started_at at time zone 'Europe/London')::date,
          extract(hour from old.started_at at time zone 'Europe/London')::smallint,
          old.channel, old.outcome, coalesce(old.avoidable_reason, ''),
          -1, -extract(epoch from old.ended_at - old.started_at)::bigint);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into contact_rollup_deltas values (new.council_id,
          (new.started_at at time zone 'Europe/London')::date,
          extract(hour from new.started_at at time zone 'Europe/London')::smallint,
          new.channel, new.outcome, coalesce(new.avoidable_reason, ''),
          1, extract(epoch from new.ended_at - new.started_at)::bigint);
      end if;
      return null;
    end $$;
    create trigger contacts_rollup_insert after insert or delete on contacts
      for each row execute function contact_rollup_delta();
    create trigger contacts_rollup_update after update on contacts for each row
      when ((old.council_id, old.started_at, old.ended_at, old.channel, old.outcome, old.avoidable_reason)
        is distinct from (new.council_id, new.started_at, new.ended_at, new.channel, new.outcome, new.avoidable_reason))
      execute function contact_rollup_delta();

    -- Builds the contact roll-ups from the contacts themselves, once (the migration; a bulk load).
    create function build_contact_rollups() returns void language sql as $$
      insert into contact_rollups
      select council_id, (started_at at time zone 'Europe/London')::date, channel, outcome, coalesce(avoidable_reason, ''),
        count(*), sum(extract(epoch from ended_at - started_at))::bigint
      from contacts group by 1, 2, 3, 4, 5;
      insert into contact_hourly_rollups
      select council_id, (started_at at time zone 'Europe/London')::date,
        extract(hour from started_at at time zone 'Europe/London')::smallint, channel, count(*)
      from contacts group by 1, 2, 3, 4;
    $$;

    -- Cases by London day: received that day; resolved that day (and by their due time); still open
    -- of those received that day (the backlog and its age); satisfaction answered that day.
    create table case_rollups (
      council_id uuid not null references organisations (id),
      day date not null,
      received bigint not null,
      resolved bigint not null,
      resolved_in_time bigint not null,
      open bigint not null,
      satisfaction_answers bigint not null,
      satisfied bigint not null,
      satisfaction_total bigint not null,
      primary key (council_id, day)
    );
    create table case_rollup_deltas (
      council_id uuid not null,
      day date not null,
      received bigint not null,
      resolved bigint not null,
      resolved_in_time bigint not null,
      open bigint not null,
      satisfaction_answers bigint not null,
      satisfied bigint not null,
      satisfaction_total bigint not null
    );
    create index case_rollup_deltas_day_idx on case_rollup_deltas (council_id, day);

    -- A case's contribution, with sign: received and (if open) open on its day of receipt, resolved
    -- on its day of resolution, satisfaction on the day it was given.
    create function case_rollup_contribution(c cases, sign integer) returns void language sql as $$
      insert into case_rollup_deltas
      select c.council_id, (c.received_at at time zone 'Europe/London')::date,
        sign, 0, 0, case when c.status in ('resolved', 'closed') then 0 else sign end, 0, 0, 0
      union all
      select c.council_id, (coalesce(c.resolved_at, c.closed_at) at time zone 'Europe/London')::date,
        0, sign, case when coalesce(c.resolved_at, c.closed_at) < c.due_at then sign else 0 end, 0, 0, 0, 0
      where c.status in ('resolved', 'closed') and coalesce(c.resolved_at, c.closed_at) is not null
      union all
      select c.council_id, (c.satisfaction_at at time zone 'Europe/London')::date,
        0, 0, 0, 0, sign, case when c.satisfaction >= 4 then sign else 0 end, sign * c.satisfaction
      where c.satisfaction is not null and c.satisfaction_at is not null
    $$;
    create function case_rollup_delta() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform case_rollup_contribution(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform case_rollup_contribution(new, 1); end if;
      return null;
    end $$;
    create trigger cases_rollup_insert after insert or delete on cases
      for each row execute function case_rollup_delta();
    create trigger cases_rollup_update after update on cases for each row
      when ((old.council_id, old.received_at, old.status, old.resolved_at, old.closed_at, old.due_at,
          old.satisfaction, old.satisfaction_at)
        is distinct from (new.council_id, new.received_at, new.status, new.resolved_at, new.closed_at, new.due_at,
          new.satisfaction, new.satisfaction_at))
      execute function case_rollup_delta();

    -- What is already there goes into the roll-ups once.
    select build_contact_rollups();
    select case_rollup_contribution(c, 1) from cases c;
    insert into case_rollups
    select council_id, day, sum(received), sum(resolved), sum(resolved_in_time), sum(open),
      sum(satisfaction_answers), sum(satisfied), sum(satisfaction_total)
    from case_rollup_deltas group by 1, 2;
    delete from case_rollup_deltas;

    -- Targets and what is known about each indicator for a period.
    create table performance_targets (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      indicator text not null check (indicator ~ '^[a-z][a-z0-9_]{1,60}$'),
      period_from date not null,
      period_to date not null,
      target numeric,
      tolerance numeric check (tolerance >= 0),
      benchmark numeric,
      previous_actual numeric,
      estimated_outturn numeric,
      owner text check (length(owner) <= 120),
      comment text check (length(comment) <= 2000),
      updated_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (period_to > period_from),
      unique (council_id, indicator, period_from, period_to)
    );
    create trigger performance_targets_updated_at before update on performance_targets
      for each row execute function set_updated_at();

    -- Indicators OneDoor cannot count, defined by the council and entered per period by hand.
    create table performance_manual_indicators (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      code text not null check (code ~ '^[a-z][a-z0-9_]{1,60}$'),
      name text not null check (length(name) between 1 and 200),
      unit text not null check (unit in ('percent', 'number', 'minutes', 'days', 'score')),
      direction text not null check (direction in ('higher', 'lower')),
      definition text not null default '' check (length(definition) <= 4000),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (council_id, code)
    );
    create trigger performance_manual_indicators_updated_at before update on performance_manual_indicators
      for each row execute function set_updated_at();
    create table performance_manual_values (
      id uuid primary key default gen_random_uuid(),
      indicator_id uuid not null references performance_manual_indicators (id),
      period_from date not null,
      period_to date not null,
      value numeric not null,
      evidence text not null check (length(evidence) between 1 and 2000),
      note text check (length(note) <= 2000),
      entered_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (period_to > period_from),
      unique (indicator_id, period_from, period_to)
    );
    create trigger performance_manual_values_updated_at before update on performance_manual_values
      for each row execute function set_updated_at();

    -- The action tracker beside the report.
    create table performance_actions (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      indicator text check (indicator ~ '^[a-z][a-z0-9_]{1,60}$'),
      title text not null check (length(title) between 1 and 200),
      progress text not null default '' check (length(progress) <= 4000),
      issues text not null default '' check (length(issues) <= 4000),
      owner text not null check (length(owner) between 1 and 120),
      due_on date not null,
      status text not null default 'not_started' check (status in ('not_started', 'on_track', 'at_risk', 'done')),
      created_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger performance_actions_updated_at before update on performance_actions
      for each row execute function set_updated_at();
    create index performance_actions_council_idx on performance_actions (council_id, due_on);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists performance_actions, performance_manual_values, performance_manual_indicators,
      performance_targets, case_rollup_deltas, case_rollups, contact_rollup_deltas, contact_hourly_rollups, contact_rollups;
    drop trigger if exists contacts_rollup_insert on contacts;
    drop trigger if exists contacts_rollup_update on contacts;
    drop trigger if exists cases_rollup_insert on cases;
    drop trigger if exists cases_rollup_update on cases;
    drop function if exists contact_rollup_delta(), case_rollup_delta(), case_rollup_contribution(cases, integer),
      build_contact_rollups();
  `.execute(db);
}
