// Messages left `sending` by a process that died are found again by the sweep (for senders that
// deliver a message once however often it is sent): an index for that look-up, which is rare and
// small, so the sweep never reads the whole outbox.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index notifications_sending_idx on notifications (updated_at) where status = 'sending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index notifications_sending_idx`.execute(db);
}
