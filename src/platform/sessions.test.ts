import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import { endSessionsOf, PostgresSessionStore, purgeExpiredSessions, type SessionData } from './sessions.ts';

const MINUTE = 60_000;
const timeouts = { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE };

/** The store's callbacks as promises. */
function promised(store: PostgresSessionStore) {
  return {
    get: (id: string) =>
      new Promise<SessionData | null | undefined>((resolve, reject) =>
        store.get(id, (error, value) => (error ? reject(error) : resolve(value))),
      ),
    set: (id: string, session: SessionData) =>
      new Promise<void>((resolve, reject) => store.set(id, session, (error) => (error ? reject(error) : resolve()))),
    destroy: (id: string) =>
      new Promise<void>((resolve, reject) => store.destroy(id, (error) => (error ? reject(error) : resolve()))),
  };
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const aSessionId = () => crypto.randomBytes(16).toString('base64url');

describe('sessions in PostgreSQL', () => {
  let database: TestDatabase;
  let db: Db;
  let store: ReturnType<typeof promised>;
  let ann: string;
  let bob: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    ann = (await aStaffMember(db, { roles: ['advisor'] })).id;
    bob = (await aStaffMember(db, { roles: ['officer'] })).id;
    store = promised(new PostgresSessionStore(db, timeouts));
  });
  after(() => database.drop());

  async function rowOf(sessionId: string) {
    return await db.selectFrom('sessions').selectAll().where('id', '=', sha256(sessionId)).executeTakeFirst();
  }

  it('keeps a session and gives it back', async () => {
    const id = aSessionId();
    await store.set(id, { userId: ann });
    const session = await store.get(id);
    assert.equal(session?.userId, ann);
    assert.equal(typeof session?.startedAt, 'number');
    assert.equal(typeof session?.lastSeenAt, 'number');
    assert.equal((await rowOf(id))?.user_id, ann);
  });

  it('replaces a session saved again under the same id', async () => {
    const id = aSessionId();
    await store.set(id, {});
    await store.set(id, { userId: bob });
    assert.equal((await store.get(id))?.userId, bob);
    const rows = await db.selectFrom('sessions').select('id').where('id', '=', sha256(id)).execute();
    assert.equal(rows.length, 1);
  });

  it('gives back nothing for a session it does not know', async () => {
    assert.equal(await store.get(aSessionId()), null);
  });

  it('stores only the SHA-256 of the session id, never the id itself', async () => {
    const id = aSessionId();
    await store.set(id, { userId: ann });
    assert.ok(await rowOf(id));
    assert.equal(await db.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst(), undefined);
  });

  it('ends a session after the idle timeout when that comes first', async () => {
    const id = aSessionId();
    const startedAt = Date.UTC(2099, 0, 1, 9, 0);
    const lastSeenAt = startedAt + 60 * MINUTE;
    await store.set(id, { startedAt, lastSeenAt });
    assert.equal((await rowOf(id))?.expires_at.getTime(), lastSeenAt + timeouts.idleMs);
  });

  it('ends a session at the absolute limit, however recently it was used', async () => {
    const id = aSessionId();
    const startedAt = Date.UTC(2099, 0, 1, 9, 0);
    const lastSeenAt = startedAt + timeouts.absoluteMs - 5 * MINUTE;
    await store.set(id, { startedAt, lastSeenAt });
    assert.equal((await rowOf(id))?.expires_at.getTime(), startedAt + timeouts.absoluteMs);
  });

  it('does not give back a session that has expired, though its row is still there', async () => {
    const id = aSessionId();
    const longAgo = Date.UTC(2020, 0, 1, 9, 0);
    await store.set(id, { userId: ann, startedAt: longAgo, lastSeenAt: longAgo });
    assert.ok(await rowOf(id));
    assert.equal(await store.get(id), null);
  });

  it('forgets a destroyed session', async () => {
    const id = aSessionId();
    await store.set(id, { userId: ann });
    await store.destroy(id);
    assert.equal(await store.get(id), null);
    assert.equal(await rowOf(id), undefined);
  });

  it('signs one person out everywhere, leaving everyone else signed in', async () => {
    const [annAtWork, annAtHome, bobs, anonymous] = [aSessionId(), aSessionId(), aSessionId(), aSessionId()];
    await store.set(annAtWork, { userId: ann });
    await store.set(annAtHome, { userId: ann });
    await store.set(bobs, { userId: bob });
    await store.set(anonymous, {});

    assert.ok((await endSessionsOf(db, ann)) >= 2);
    assert.equal(await store.get(annAtWork), null);
    assert.equal(await store.get(annAtHome), null);
    assert.equal((await store.get(bobs))?.userId, bob);
    assert.ok(await store.get(anonymous));
    assert.equal(await endSessionsOf(db, ann), 0);
  });

  it('purges expired sessions and keeps live ones', async () => {
    const [expired, live] = [aSessionId(), aSessionId()];
    const longAgo = Date.UTC(2020, 0, 1, 9, 0);
    await store.set(expired, { startedAt: longAgo, lastSeenAt: longAgo });
    await store.set(live, {});

    assert.ok((await purgeExpiredSessions(db)) >= 1);
    assert.equal(await rowOf(expired), undefined);
    assert.ok(await rowOf(live));
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from sessions where expires_at <= now()`.execute(
      db,
    );
    assert.equal(rows[0]?.count, 0);
  });
});
