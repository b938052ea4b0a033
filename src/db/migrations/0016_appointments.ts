// Appointments and the face-to-face queue. A council's sites (one-stop shops and the mobile bus,
// in the sites table since 0001) gain weekly sessions (site_hours: a shop's opening hours, or the bus's timetable of stops),
// closure days and counters. Services that take appointments say how long one takes, how many
// people can be seen at once and where; their slots are generated from the sessions into
// appointment_slots, whose `booked <= capacity` check is what makes double-booking impossible.
// Arrivals (a checked-in appointment or a walk-in) are visits: they wait with a ticket number,
// are called to a counter, seen and finished.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- NOTE: the sites table itself was made by 0001_platform (organisation_id, code, name, name_cy,
    -- kind 'one_stop_shop' or 'mobile_bus', address_line1, town, postcode, active). Here it gains:
    -- how long after an appointment's time someone who has not arrived is marked as not come.
    alter table sites add column no_show_grace_minutes smallint not null default 15
      check (no_show_grace_minutes between 5 and 120);

    -- A weekly session: a shop's opening hours on a weekday, or a stop of the bus (place says where).
    create table site_hours (
      id uuid primary key default gen_random_uuid(),
      site_id uuid not null references sites (id),
      weekday smallint not null check (weekday between 1 and 7),
      opens time not null,
      closes time not null,
      place text check (length(place) between 1 and 200),
      created_at timestamptz not null default now(),
      check (closes > opens)
    );
    create index site_hours_site_idx on site_hours (site_id, weekday, opens);

    create table site_closures (
      site_id uuid not null references sites (id),
      date date not null,
      reason text not null check (length(reason) between 1 and 200),
      created_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      primary key (site_id, date)
    );

    create table site_counters (
      id uuid primary key default gen_random_uuid(),
      site_id uuid not null references sites (id),
      name text not null check (length(name) between 1 and 60),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (site_id, name)
    );
    create trigger site_counters_updated_at before update on site_counters for each row execute function set_updated_at();

    -- A service that takes appointments: how long one takes and how many can be seen at once.
    create table appointment_services (
      service_id uuid primary key references services (id),
      council_id uuid not null references organisations (id),
      duration_minutes smallint not null check (duration_minutes between 5 and 240),
      capacity smallint not null default 1 check (capacity between 1 and 50),
      -- How far ahead slots are offered.
      horizon_days smallint not null default 42 check (horizon_days between 1 and 366),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger appointment_services_updated_at before update on appointment_services
      for each row execute function set_updated_at();

    create table appointment_service_sites (
      service_id uuid not null references appointment_services (service_id),
      site_id uuid not null references sites (id),
      primary key (service_id, site_id)
    );
    create index appointment_service_sites_site_idx on appointment_service_sites (site_id);

    -- Who may serve a service; none listed means any advisor at the council.
    create table appointment_service_advisors (
      service_id uuid not null references appointment_services (service_id),
      staff_user_id uuid not null references staff_users (id),
      primary key (service_id, staff_user_id)
    );

    create table appointment_slots (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      site_id uuid not null references sites (id),
      service_id uuid not null references services (id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      -- The bus stop the slot is at (null at a one-stop shop).
      place text,
      capacity smallint not null check (capacity between 1 and 50),
      -- Places taken. The database refuses a booking past capacity: no double-booking, whatever the timing.
      booked smallint not null default 0 check (booked >= 0 and booked <= capacity),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at > starts_at),
      unique (site_id, service_id, starts_at)
    );
    create trigger appointment_slots_updated_at before update on appointment_slots
      for each row execute function set_updated_at();
    create index appointment_slots_service_idx on appointment_slots (service_id, starts_at);

    create table appointments (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      reference text not null unique check (reference ~ '^APT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
      slot_id uuid not null references appointment_slots (id),
      site_id uuid not null references sites (id),
      service_id uuid not null references services (id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      customer_id uuid not null references customers (id),
      status text not null default 'booked' check (status in ('booked', 'cancelled', 'arrived', 'no_show')),
      -- How it was booked.
      channel text not null check (channel in ('web', 'phone', 'face_to_face', 'api', 'kiosk', 'mobile_bus', 'email')),
      -- What the resident needs, or adjustments they asked for.
      notes text check (length(notes) <= 1000),
      -- The secret in the resident's private link, which changes or cancels the appointment (as a case's tracking token).
      manage_token text not null unique check (length(manage_token) = 43),
      reminded_at timestamptz,
      cancelled_at timestamptz,
      -- A resident's online booking: its journey's id, so sending it twice books once.
      submission_key text,
      created_by uuid references staff_users (id),
      created_by_api_key uuid references api_keys (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'cancelled') = (cancelled_at is not null))
    );
    create trigger appointments_updated_at before update on appointments for each row execute function set_updated_at();
    create unique index appointments_submission_key_idx on appointments (submission_key) where submission_key is not null;
    create index appointments_slot_idx on appointments (slot_id) where status <> 'cancelled';
    create index appointments_site_day_idx on appointments (site_id, starts_at);
    create index appointments_customer_idx on appointments (customer_id, starts_at desc);
    create index appointments_due_idx on appointments (starts_at) where status = 'booked';

    -- An arrival at a site: a checked-in appointment (at most one visit each) or a walk-in.
    create table visits (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      site_id uuid not null references sites (id),
      appointment_id uuid unique references appointments (id),
      customer_id uuid references customers (id),
      service_id uuid references services (id),
      -- The day in London the ticket is for, and the ticket (A012 for an appointment, W013 for a walk-in).
      business_date date not null,
      ticket text not null check (ticket ~ '^[AW][0-9]{3,}$'),
      arrived_via text not null check (arrived_via in ('kiosk', 'reception')),
      arrived_at timestamptz not null,
      status text not null default 'waiting' check (status in ('waiting', 'called', 'seen', 'finished', 'left')),
      called_at timestamptz,
      called_by uuid references staff_users (id),
      counter_id uuid references site_counters (id),
      seen_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (site_id, business_date, ticket),
      check ((status = 'waiting') = (called_at is null))
    );
    create trigger visits_updated_at before update on visits for each row execute function set_updated_at();
    create index visits_waiting_idx on visits (site_id, arrived_at) where status in ('waiting', 'called', 'seen');
    create index visits_council_day_idx on visits (council_id, business_date);

    -- The last ticket number given at a site on a day.
    create table site_ticket_numbers (
      site_id uuid not null references sites (id),
      business_date date not null,
      last integer not null,
      primary key (site_id, business_date)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table site_ticket_numbers, visits, appointments, appointment_slots, appointment_service_advisors,
      appointment_service_sites, appointment_services, site_counters, site_closures, site_hours;
    alter table sites drop column no_show_grace_minutes;
  `.execute(db);
}
