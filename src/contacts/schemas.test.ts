import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { COMPLETE_LANGUAGES, loadMessages, lookUp } from '../platform/i18n.ts';
import { AVOIDABLE_REASONS, CHANNELS, OUTCOMES } from './schemas.ts';

const families = { channels: CHANNELS, outcomes: OUTCOMES, avoidableReasons: AVOIDABLE_REASONS };

describe('the channels, outcomes and avoidable-contact reasons', () => {
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
  });
  after(() => database.drop());

  it('have a label in English and Welsh for every value, for every page that shows them', () => {
    const messages = loadMessages();
    const missing = COMPLETE_LANGUAGES.flatMap((language) =>
      Object.entries(families).flatMap(([family, values]) =>
        values
          .map((value) => `contacts.${family}.${value}`)
          .filter((key) => typeof lookUp(messages[language], key) !== 'string')
          .map((key) => `${language}: ${key}`),
      ),
    );
    assert.deepEqual(missing, []);
  });

  it('are exactly the values the contacts table accepts', async () => {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'contacts'::regclass and contype = 'c'
    `.execute(database.db);
    const allowed = (column: string) => {
      const definition = rows.map((row) => row.definition).find((text) => text.includes(`(${column} = ANY`));
      assert.ok(definition, `a check on ${column}`);
      return [...definition.matchAll(/'([a-z_]+)'::text/g)].map((match) => match[1]);
    };
    assert.deepEqual(allowed('channel'), [...CHANNELS]);
    assert.deepEqual(allowed('outcome'), [...OUTCOMES]);
    assert.deepEqual(allowed('avoidable_reason'), [...AVOIDABLE_REASONS]);
  });
});
