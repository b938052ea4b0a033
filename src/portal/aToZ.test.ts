import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byLetter } from './aToZ.ts';

const lettersOf = (names: string[], language: 'en' | 'cy') =>
  byLetter(names, (name) => name, language).map((group) => [group.letter, group.anchor, group.items]);

describe('the A to Z', () => {
  it('groups English names by first letter, case and accents aside', () => {
    assert.deepEqual(lettersOf(['libraries', 'Council Tax', 'Éclairs', 'Elections', 'Charity'], 'en'), [
      ['C', 'letter-c', ['Charity', 'Council Tax']],
      ['E', 'letter-e', ['Éclairs', 'Elections']],
      ['L', 'letter-l', ['libraries']],
    ]);
  });

  it('sorts Welsh names the Welsh way, with Ch, Dd, Ll and Rh as letters of their own', () => {
    assert.deepEqual(lettersOf(['Llyfrgelloedd', 'Chwaraeon', 'Cymorth', 'Lôn', 'Rhandiroedd', 'Dyled', 'Ddraig'], 'cy'), [
      ['C', 'letter-c', ['Cymorth']],
      ['Ch', 'letter-ch', ['Chwaraeon']],
      ['D', 'letter-d', ['Dyled']],
      ['Dd', 'letter-dd', ['Ddraig']],
      ['L', 'letter-l', ['Lôn']],
      ['Ll', 'letter-ll', ['Llyfrgelloedd']],
      ['Rh', 'letter-rh', ['Rhandiroedd']],
    ]);
  });
});
