import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerNamesOf } from './names.ts';

describe('the names on a resident’s customer record', () => {
  it('takes the last word as the family name and the rest as the given names', () => {
    assert.deepEqual(customerNamesOf('Siân Roberts'), { givenName: 'Siân', familyName: 'Roberts' });
    assert.deepEqual(customerNamesOf('  Mary  Ann   Evans '), { givenName: 'Mary Ann', familyName: 'Evans' });
    assert.deepEqual(customerNamesOf('Gruffudd ap Llywelyn'), { givenName: 'Gruffudd ap', familyName: 'Llywelyn' });
  });

  it('needs two words, each part short enough for the record', () => {
    assert.equal(customerNamesOf('Siân'), undefined);
    assert.equal(customerNamesOf('   '), undefined);
    assert.equal(customerNamesOf(`${'a'.repeat(101)} Roberts`), undefined);
  });
});
