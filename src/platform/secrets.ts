// Secrets made on first start and shared by every node through the database (e.g. the key
// that signs session cookies). Never logged.
import crypto from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export async function ensureSecret(db: Queryable, name: string): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name, value: crypto.randomBytes(48).toString('base64url') })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
