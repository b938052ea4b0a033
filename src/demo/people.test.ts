import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmail, parsePhone } from '../customers/contactPoints.ts';
import { people } from './people.ts';

describe('made-up people for the demo and the benchmarks', () => {
  const crowd = [...people(42, 20_000)];

  it('makes the same people from the same seed, and others from another', () => {
    assert.deepEqual([...people(42, 50)], crowd.slice(0, 50));
    assert.notDeepEqual([...people(43, 50)], crowd.slice(0, 50));
  });

  it('gives everyone a mobile and a local landline that libphonenumber accepts', () => {
    for (const person of crowd) {
      assert.equal(parsePhone(person.mobile)?.kind, 'mobile', person.mobile);
      assert.equal(parsePhone(person.landline)?.kind, 'landline', person.landline);
      assert.match(person.landline, /^01(691|743|938|939|948) /);
    }
  });

  it('gives email addresses only on the reserved example domains', () => {
    for (const person of crowd) {
      assert.ok(isEmail(person.email), person.email);
      assert.match(person.email, /@example\.(com|org|net)$/);
    }
  });

  it('uses hundreds of names from many communities, and adult dates of birth', () => {
    const given = new Set(crowd.map((person) => person.givenName));
    const family = new Set(crowd.map((person) => person.familyName));
    assert.ok(given.size >= 250, `${given.size} given names`);
    assert.ok(family.size >= 200, `${family.size} surnames`);
    for (const name of ['Siân', 'Dafydd', 'Agnieszka', 'Mohammed', 'Chiamaka']) assert.ok(given.has(name), name);
    for (const name of ['Jones', 'Nowak', 'Khan', 'Okafor']) assert.ok(family.has(name), name);
    for (const person of crowd) {
      assert.match(person.dateOfBirth, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(person.dateOfBirth >= '1925-01-01' && person.dateOfBirth <= '2010-01-01', person.dateOfBirth);
    }
  });
});
