// A resident's online request carries its journey's own id, so that the same form sent twice (a
// double click, or back and submit again) raises one case: the unique index is what decides,
// even for two copies that arrive at the same moment.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table cases add column submission_key uuid;
    create unique index cases_submission_key_idx on cases (submission_key) where submission_key is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists cases_submission_key_idx;
    alter table cases drop column if exists submission_key;
  `.execute(db);
}
