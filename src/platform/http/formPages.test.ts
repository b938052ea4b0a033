import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conflict, Invalid } from '../errors.ts';
import { submitForm } from './formPages.ts';

describe('a form given to the change it asks for', () => {
  const read = { ok: true as const, value: { name: 'Waste system' } };

  it('gives back what the change made', async () => {
    assert.deepEqual(await submitForm(read, async (value) => `made ${value.name}`), { ok: true, result: 'made Waste system' });
  });

  it('does not make the change when the form itself has problems, and gives them back with what was typed', async () => {
    const problems = { ok: false as const, errors: [{ field: 'name', message: 'x.nameMissing' }], values: { name: '' } };
    let called = false;
    const outcome = await submitForm(problems, async () => {
      called = true;
    });
    assert.equal(called, false);
    assert.deepEqual(outcome, problems);
  });

  it('gives back the problems of a change refused as invalid, with the form’s values', async () => {
    const outcome = await submitForm(read, async () => {
      throw new Invalid([{ field: 'organisationId', message: 'x.organisationClosed' }]);
    });
    assert.deepEqual(outcome, {
      ok: false,
      errors: [{ field: 'organisationId', message: 'x.organisationClosed' }],
      values: { name: 'Waste system' },
    });
  });

  it('throws on any other error, for the error pages to answer', async () => {
    await assert.rejects(
      submitForm(read, async () => {
        throw new Conflict('x.taken');
      }),
      Conflict,
    );
  });
});
