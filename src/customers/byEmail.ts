// Who an email address belongs to, for mail arriving from it: the council's customers (not merged
// away) with that address among their email contact points, matched without regard to case
// (customer_emails.email is citext, through customer_emails_email_idx).
import type { Queryable } from '../db/database.ts';

/** Up to `limit` ids of the council's current customers with this email address. */
export async function customersWithEmail(db: Queryable, councilId: string, email: string, limit = 5): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_emails as e')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .select('c.id')
    .distinct()
    .where('e.email', '=', email)
    .where('c.council_id', '=', councilId)
    .where('c.merged_into', 'is', null)
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
