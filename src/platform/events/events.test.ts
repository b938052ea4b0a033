// Domain events are recorded in the transaction of the change they tell of: both commit, or neither.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { EVENT_TYPES, isEventType, recordEvent, recordEvents } from './events.ts';

describe('recording a domain event', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId = await insertOrganisation(db, { code: 'events', name: 'Events Council', kind: 'council', councilId: null });
  });
  after(() => database.drop());

  const eventsAbout = (subject: string) =>
    db
      .selectFrom('domain_events')
      .select(['type', 'council_id', 'organisation_id', 'data'])
      .where('subject', '=', subject)
      .execute();

  it('records the event with the change it belongs to', async () => {
    await db.transaction().execute(async (trx) => {
      await recordEvent(trx, {
        councilId,
        organisationId: councilId,
        type: 'case.created',
        subject: 'ODR-COMM-IT01',
        data: { reference: 'ODR-COMM-IT01' },
      });
    });
    assert.deepEqual(await eventsAbout('ODR-COMM-IT01'), [
      { type: 'case.created', council_id: councilId, organisation_id: null, data: { reference: 'ODR-COMM-IT01' } },
    ]);
  });

  it('leaves no event when the change it belongs to is rolled back', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await recordEvent(trx, { councilId, type: 'case.created', subject: 'ODR-ROLL-BACK', data: {} });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.deepEqual(await eventsAbout('ODR-ROLL-BACK'), []);
  });

  it('records the events of a change to many records in one go, and returns their ids in order', async () => {
    const subjects = ['ODR-MANY-0001', 'ODR-MANY-0002', 'ODR-MANY-0003'];
    const ids = await db.transaction().execute((trx) =>
      recordEvents(
        trx,
        subjects.map((subject) => ({ councilId, type: 'case.assigned' as const, subject, data: { reference: subject } })),
      ),
    );
    assert.equal(ids.length, 3);
    for (const [index, subject] of subjects.entries())
      assert.deepEqual(
        await db.selectFrom('domain_events').select(['id', 'type', 'data']).where('subject', '=', subject).execute(),
        [{ id: ids[index], type: 'case.assigned', data: { reference: subject } }],
      );
    assert.deepEqual(await db.transaction().execute((trx) => recordEvents(trx, [])), [], 'nothing to record, nothing recorded');
  });

  it('knows its event types', () => {
    assert.ok(EVENT_TYPES.every((type) => isEventType(type)));
    assert.equal(isEventType('case.deleted'), false);
    assert.equal(isEventType(undefined), false);
  });
});
