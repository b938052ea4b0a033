// The team queue at 200,000 open cases (issue 4's benchmark, bench/queue.ts). Measured with
// EXPLAIN ANALYZE: counting a queue (up to 10,001) read the table, a deep page fetched every
// skipped row from the table, and the ward filter's choices read every property of the council.
// So the three queue indexes carry every column the filter tests (INCLUDE), and the count and the
// page's ids come from index-only scans; the page's 25 rows are read after. A filter by ward or
// service (which may leave few of 200,000) is counted from an index of its own. The wards of a
// council are read by skipping through an index of them.
import { sql, type Kysely } from 'kysely';

const FILTERED = 'status, service_id, ward, assigned_to, due_soon_at, resolved_at';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists cases_team_queue_idx;
    drop index if exists cases_team_priority_idx;
    drop index if exists cases_team_received_idx;
    create index cases_team_queue_idx on cases (team_id, due_at, received_at, id)
      include (${sql.raw(FILTERED)}) where status <> 'closed';
    create index cases_team_priority_idx on cases (team_id, priority_rank, due_at, received_at, id)
      include (${sql.raw(FILTERED)}) where status <> 'closed';
    create index cases_team_received_idx on cases (team_id, received_at desc, id desc)
      include (due_at, ${sql.raw(FILTERED)}) where status <> 'closed';
    -- A filter by ward or by service is counted from an index of those cases alone.
    create index cases_team_ward_idx on cases (team_id, ward)
      include (status, service_id, assigned_to, due_at, due_soon_at, resolved_at) where status <> 'closed';
    create index cases_team_service_idx on cases (team_id, service_id)
      include (status, ward, assigned_to, due_at, due_soon_at, resolved_at) where status <> 'closed';
    drop index if exists cases_assignee_queue_idx;
    create index cases_assignee_queue_idx on cases (assigned_to, due_at, received_at, id)
      include (team_id, status, service_id, ward, due_soon_at, resolved_at) where status <> 'closed';
    create index properties_council_ward_idx on properties (council_id, ward) where ward is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists properties_council_ward_idx;
    drop index if exists cases_team_ward_idx;
    drop index if exists cases_team_service_idx;
    drop index if exists cases_assignee_queue_idx;
    create index cases_assignee_queue_idx on cases (assigned_to, due_at, received_at, id) where status <> 'closed';
    drop index if exists cases_team_queue_idx;
    drop index if exists cases_team_priority_idx;
    drop index if exists cases_team_received_idx;
    create index cases_team_queue_idx on cases (team_id, due_at, received_at, id) where status <> 'closed';
    create index cases_team_priority_idx on cases (team_id, priority_rank, due_at, received_at, id) where status <> 'closed';
    create index cases_team_received_idx on cases (team_id, received_at desc, id desc) where status <> 'closed';
  `.execute(db);
}
