// Customers and contacts: the property gazetteer, customer records with their contact points,
// names, addresses, needs, vulnerability flags, consents and notes, a dictionary of name words
// for typo-tolerant search, and the contact log (append-only, partitioned by month).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    -- Turns a postcode into the key it is matched on: upper case, no spaces ('sy11 2ab' -> 'SY112AB').
    create function postcode_key(postcode text) returns text language sql immutable parallel safe as $$
      select nullif(upper(regexp_replace(coalesce(postcode, ''), '\\s', '', 'g')), '')
    $$;

    -- The local land and property gazetteer: one row per addressable property (UPRN).
    create table properties (
      uprn bigint primary key check (uprn between 1 and 999999999999),
      council_id uuid not null references organisations (id),
      address_line1 text not null check (length(address_line1) between 1 and 200),
      address_line2 text check (length(address_line2) <= 200),
      town text not null check (length(town) between 1 and 100),
      postcode text not null check (length(postcode) between 5 and 8),
      latitude double precision check (latitude between -90 and 90),
      longitude double precision check (longitude between -180 and 180),
      ward text check (length(ward) <= 100),
      address_text text generated always as (
        lower(address_line1 || coalesce(' ' || address_line2, '') || ' ' || town || ' ' || postcode)
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index properties_postcode_idx on properties (postcode_key(postcode), address_line1);
    create index properties_address_trgm_idx on properties using gin (address_text gin_trgm_ops);
    create trigger properties_updated_at before update on properties
      for each row execute function set_updated_at();

    -- A person or an organisation (a business, a charity) the council deals with. A record merged
    -- into another keeps its row, pointing at the one it became, so old links still resolve.
    create table customers (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      kind text not null check (kind in ('person', 'organisation')),
      title text check (length(title) <= 20),
      given_name text check (length(given_name) between 1 and 100),
      family_name text check (length(family_name) between 1 and 100),
      organisation_name text check (length(organisation_name) between 1 and 200),
      date_of_birth date check (date_of_birth >= '1880-01-01'),
      preferred_language text not null default 'en' check (preferred_language ~ '^[a-z]{2,3}$'),
      preferred_contact_method text check (preferred_contact_method in ('email', 'phone', 'sms', 'letter')),
      needs text[] not null default '{}' check (needs <@ array['large_print', 'easy_read', 'braille', 'bsl',
        'interpreter', 'hearing_loop', 'digital_help', 'step_free_access', 'text_relay']::text[]),
      interpreter_language text check (length(interpreter_language) <= 100),
      adjustments text check (length(adjustments) <= 2000),
      merged_into uuid references customers (id),
      merged_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((kind = 'person') = (given_name is not null and family_name is not null)),
      check ((kind = 'organisation') = (organisation_name is not null)),
      check ((merged_into is null) = (merged_at is null) and merged_into is distinct from id)
    );
    -- Exact look-ups of the names found in the word dictionary (see customer_name_words).
    -- Each carries the order results are taken in, so a look-up of a common name stops early.
    create index customers_family_given_idx on customers (council_id, lower(family_name), lower(given_name), id)
      where merged_into is null and kind = 'person';
    create index customers_given_family_idx on customers (council_id, lower(given_name), lower(family_name), id)
      where merged_into is null and kind = 'person';
    create index customers_organisation_name_trgm_idx on customers using gin (lower(organisation_name) gin_trgm_ops)
      where merged_into is null and kind = 'organisation';
    create index customers_date_of_birth_idx on customers (council_id, date_of_birth) where merged_into is null;
    create index customers_merged_into_idx on customers (merged_into) where merged_into is not null;
    create trigger customers_updated_at before update on customers
      for each row execute function set_updated_at();

    -- Names a person was known by before (maiden names, former names) still find them.
    create table customer_previous_names (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      given_name text not null check (length(given_name) between 1 and 100),
      family_name text not null check (length(family_name) between 1 and 100),
      created_at timestamptz not null default now()
    );
    create index customer_previous_names_customer_idx on customer_previous_names (customer_id);
    create index customer_previous_names_family_idx on customer_previous_names (lower(family_name), lower(given_name));

    -- Every distinct word of every name, small enough (thousands of rows, not millions) for
    -- trigram similarity to be fast; a typo'd name is matched here, then looked up exactly.
    create table customer_name_words (
      word text primary key,
      created_at timestamptz not null default now()
    );
    -- GiST answers "the nearest words to this one" (order by word <-> typed) without a scan.
    create index customer_name_words_trgm_idx on customer_name_words using gist (word gist_trgm_ops);

    create function remember_name_words() returns trigger language plpgsql as $$
    begin
      if new.given_name is not null then
        insert into customer_name_words (word)
        values (lower(new.given_name)), (lower(new.family_name))
        on conflict do nothing;
      end if;
      return new;
    end $$;
    create trigger customers_name_words after insert or update of given_name, family_name on customers
      for each row execute function remember_name_words();
    create trigger customer_previous_names_words after insert on customer_previous_names
      for each row execute function remember_name_words();

    create table customer_emails (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      email citext not null check (length(email) <= 254),
      is_primary boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (customer_id, email)
    );
    create index customer_emails_email_idx on customer_emails (email);
    create trigger customer_emails_updated_at before update on customer_emails
      for each row execute function set_updated_at();

    -- Phone numbers are kept in E.164 (+447700900123) so any way of typing one finds it.
    create table customer_phones (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      number text not null check (number ~ '^\\+[1-9][0-9]{6,14}$'),
      kind text not null check (kind in ('mobile', 'landline', 'other')),
      is_primary boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (customer_id, number)
    );
    create index customer_phones_number_idx on customer_phones (number);
    create trigger customer_phones_updated_at before update on customer_phones
      for each row execute function set_updated_at();

    -- Where a customer lives or lived. Linked to the gazetteer when the property is known.
    create table customer_addresses (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      uprn bigint references properties (uprn),
      address_line1 text not null check (length(address_line1) between 1 and 200),
      address_line2 text check (length(address_line2) <= 200),
      town text not null check (length(town) between 1 and 100),
      postcode text not null check (length(postcode) between 5 and 8),
      is_current boolean not null default true,
      moved_out_on date,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index customer_addresses_customer_idx on customer_addresses (customer_id);
    create index customer_addresses_postcode_idx on customer_addresses (postcode_key(postcode));
    create index customer_addresses_uprn_idx on customer_addresses (uprn) where uprn is not null;
    -- "12 church street" is the start of a first address line: a prefix look-up, not a trigram scan
    -- over a million addresses (fragments of other kinds are found through the gazetteer).
    create index customer_addresses_line1_idx on customer_addresses (lower(address_line1) text_pattern_ops);
    create unique index customer_addresses_one_current_idx on customer_addresses (customer_id) where is_current;
    create trigger customer_addresses_updated_at before update on customer_addresses
      for each row execute function set_updated_at();

    -- Vulnerability: shown on every staff view of the customer until ended, reviewed by a date.
    create table customer_flags (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      reason text not null check (reason in ('bereavement', 'domestic_abuse', 'financial_hardship',
        'mental_health', 'physical_health', 'safeguarding', 'communication', 'other')),
      details text check (length(details) <= 1000),
      review_on date not null,
      raised_by uuid references staff_users (id),
      ended_at timestamptz,
      ended_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index customer_flags_customer_idx on customer_flags (customer_id, created_at desc, id desc);
    create trigger customer_flags_updated_at before update on customer_flags
      for each row execute function set_updated_at();

    -- The customer's agreement to share their record with a named partner organisation:
    -- which parts, when given, and when withdrawn.
    create table customer_consents (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      organisation_id uuid not null references organisations (id),
      shares text[] not null check (cardinality(shares) > 0 and shares <@ array['contact_details', 'needs', 'history']::text[]),
      purpose text check (length(purpose) <= 500),
      given_on date not null,
      recorded_by uuid references staff_users (id),
      withdrawn_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index customer_consents_customer_idx on customer_consents (customer_id);
    create index customer_consents_organisation_idx on customer_consents (organisation_id, customer_id)
      where withdrawn_at is null;
    create trigger customer_consents_updated_at before update on customer_consents
      for each row execute function set_updated_at();

    create table customer_notes (
      id uuid primary key default gen_random_uuid(),
      customer_id uuid not null references customers (id),
      body text not null check (length(body) between 1 and 5000),
      author_id uuid references staff_users (id),
      created_at timestamptz not null default now()
    );
    create index customer_notes_customer_idx on customer_notes (customer_id, created_at desc, id desc);

    -- Every contact on every channel, with its outcome and handling time. Anonymous contacts
    -- have no customer. Append-only by use (a merge re-points customer_id); partitioned by month.
    create table contacts (
      id uuid not null default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      customer_id uuid references customers (id),
      channel text not null check (channel in ('phone', 'face_to_face', 'web', 'email', 'kiosk',
        'mobile_bus', 'letter', 'social', 'chat')),
      service_code text check (length(service_code) <= 60),
      reason text check (length(reason) <= 200),
      outcome text not null check (outcome in ('resolved_first_contact', 'case_raised', 'transferred',
        'signposted', 'abandoned')),
      avoidable_reason text check (avoidable_reason in ('chasing_progress', 'repeat', 'wrong_place',
        'unclear_information', 'service_not_delivered')),
      signposted_to uuid references organisations (id),
      site_id uuid references sites (id),
      notes text check (length(notes) <= 5000),
      recorded_by uuid references staff_users (id),
      recorded_by_api_key uuid,
      started_at timestamptz not null,
      ended_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (id, started_at),
      check (ended_at >= started_at and ended_at - started_at <= interval '12 hours')
    ) partition by range (started_at);
    create table contacts_default partition of contacts default;
    create index contacts_customer_time_idx on contacts (customer_id, started_at desc, id desc) where customer_id is not null;
    create index contacts_council_time_idx on contacts (council_id, started_at);
    create index contacts_id_idx on contacts (id);
    create trigger contacts_updated_at before update on contacts
      for each row execute function set_updated_at();
    select ensure_monthly_partitions('contacts', (now() - interval '1 month')::date, 5);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists contacts, customer_notes, customer_consents, customer_flags, customer_addresses,
      customer_phones, customer_emails, customer_name_words, customer_previous_names, customers, properties cascade;
    drop function if exists remember_name_words();
    drop function if exists postcode_key(text);
  `.execute(db);
}
