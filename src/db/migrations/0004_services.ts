// The service catalogue: what a council does for residents (each owned by one team, its own or a
// partner agency's), the questions a request for it asks, and the rules that send a request in a
// ward, or with a given answer, to another team or at another priority.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table services (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      code text not null check (code ~ '^[a-z0-9][a-z0-9-]{1,59}$'),
      name text not null check (length(name) between 1 and 200),
      name_cy text check (length(name_cy) between 1 and 200),
      -- The Local Government Services List number, where the service has one.
      lgsl integer check (lgsl between 1 and 99999),
      description text not null default '' check (length(description) <= 2000),
      description_cy text check (length(description_cy) <= 2000),
      -- The owning team, and its organisation (kept beside it so that queues and sharding by
      -- organisation need no join): a partner agency may own a council's service.
      team_id uuid not null references teams (id),
      organisation_id uuid not null references organisations (id),
      public boolean not null default true,
      first_contact_resolvable boolean not null default false,
      advisor_script text check (length(advisor_script) <= 5000),
      advisor_script_cy text check (length(advisor_script_cy) <= 5000),
      sla_working_days integer not null check (sla_working_days between 1 and 365),
      default_priority text not null default 'normal' check (default_priority in ('low', 'normal', 'high', 'urgent')),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (council_id, code)
    );
    -- The picker and the admin list: a council's services by name.
    create index services_council_name_idx on services (council_id, name);
    create index services_team_idx on services (team_id);
    create trigger services_updated_at before update on services
      for each row execute function set_updated_at();

    create table service_questions (
      id uuid primary key default gen_random_uuid(),
      service_id uuid not null references services (id),
      position integer not null check (position >= 0),
      code text not null check (code ~ '^[a-z][a-z0-9_]{0,39}$'),
      label text not null check (length(label) between 1 and 300),
      label_cy text check (length(label_cy) between 1 and 300),
      hint text check (length(hint) <= 1000),
      hint_cy text check (length(hint_cy) <= 1000),
      kind text not null check (kind in ('text', 'long_text', 'number', 'date', 'yes_no', 'choice', 'location', 'file')),
      required boolean not null default false,
      -- For a choice: [{value, label, labelCy}].
      options jsonb not null default '[]' check (jsonb_typeof(options) = 'array'),
      max_length integer check (max_length between 1 and 100000),
      min numeric,
      max numeric,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (service_id, code),
      -- Deferred, so that two questions can swap places in one transaction.
      unique (service_id, position) deferrable initially deferred,
      check (min is null or max is null or min <= max)
    );
    create trigger service_questions_updated_at before update on service_questions
      for each row execute function set_updated_at();

    create table service_routing_rules (
      id uuid primary key default gen_random_uuid(),
      service_id uuid not null references services (id),
      position integer not null check (position >= 0),
      ward text check (length(ward) between 1 and 100),
      question_code text check (question_code ~ '^[a-z][a-z0-9_]{0,39}$'),
      answer_value text check (length(answer_value) between 1 and 200),
      team_id uuid references teams (id),
      priority text check (priority in ('low', 'normal', 'high', 'urgent')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (service_id, position) deferrable initially deferred,
      check (ward is not null or question_code is not null),
      check (team_id is not null or priority is not null),
      check ((question_code is null) = (answer_value is null))
    );
    create trigger service_routing_rules_updated_at before update on service_routing_rules
      for each row execute function set_updated_at();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists service_routing_rules, service_questions, services cascade;`.execute(db);
}
