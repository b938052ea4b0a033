import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCustomerRow, type CUSTOMER_COLUMNS } from './customers.ts';

const TODAY = '2026-03-01';

function row(values: Partial<Record<(typeof CUSTOMER_COLUMNS)[number], string>>) {
  return {
    given_name: 'Siân',
    family_name: 'Hughes',
    email: '',
    phone: '',
    address_line1: '',
    town: '',
    postcode: '',
    uprn: '',
    date_of_birth: '',
    preferred_language: '',
    ...values,
  };
}

function problemsOf(values: Parameters<typeof row>[0]): string[] {
  const check = checkCustomerRow(row(values), TODAY);
  assert.ok('problems' in check, 'the row is rejected');
  return check.problems;
}

function valueOf(values: Parameters<typeof row>[0]) {
  const check = checkCustomerRow(row(values), TODAY);
  assert.ok('value' in check, `the row is accepted: ${JSON.stringify(check)}`);
  return check.value;
}

describe('checking a customer row', () => {
  it('accepts the two names alone, preferring English', () => {
    assert.deepEqual(valueOf({}), {
      uprn: undefined,
      record: {
        kind: 'person',
        givenName: 'Siân',
        familyName: 'Hughes',
        dateOfBirth: undefined,
        preferredLanguage: 'en',
        emails: [],
        phones: [],
        address: undefined,
      },
    });
  });

  it('keeps a phone in E.164 with its kind, a normalised postcode and the address', () => {
    const { record, uprn } = valueOf({
      email: 'sian@example.org',
      phone: '07912 123456',
      address_line1: '12 Church Street',
      town: 'Oswestry',
      postcode: 'sy112ab',
      uprn: '100071234567',
      preferred_language: 'cy',
    });
    assert.deepEqual(record.emails, ['sian@example.org']);
    assert.deepEqual(record.phones, [{ number: '+447912123456', kind: 'mobile' }]);
    assert.deepEqual(record.address, { uprn: 100071234567, line1: '12 Church Street', town: 'Oswestry', postcode: 'SY11 2AB' });
    assert.equal(uprn, 100071234567);
    assert.equal(record.preferredLanguage, 'cy');
    assert.deepEqual(valueOf({ phone: '(01691) 612345' }).record.phones, [{ number: '+441691612345', kind: 'landline' }]);
  });

  it('rejects missing or overlong names', () => {
    assert.deepEqual(problemsOf({ given_name: '' }), ['given name is missing']);
    assert.deepEqual(problemsOf({ family_name: '' }), ['family name is missing']);
    assert.deepEqual(problemsOf({ family_name: 'x'.repeat(101) }), ['family name is longer than 100 characters']);
  });

  it('rejects an email that is not one', () => {
    assert.deepEqual(problemsOf({ email: 'sian.example.org' }), ["email 'sian.example.org' is not an email address"]);
  });

  it('rejects a phone number that is not a UK one, including the drama range', () => {
    assert.deepEqual(problemsOf({ phone: '0123' }), ["phone '0123' is not a UK phone number"]);
    assert.deepEqual(problemsOf({ phone: '07700 900123' }), ["phone '07700 900123' is not a UK phone number"]);
  });

  it('rejects an invalid postcode and a partial address', () => {
    assert.deepEqual(problemsOf({ address_line1: '1 High Street', town: 'Oswestry', postcode: 'SY99 ZZZ' }), [
      "postcode 'SY99 ZZZ' is not a UK postcode",
    ]);
    assert.deepEqual(problemsOf({ address_line1: '1 High Street', postcode: 'SY11 2AB' }), [
      'the address has no town: an address needs address line 1, town and postcode',
    ]);
    assert.deepEqual(problemsOf({ town: 'Oswestry' }), [
      'the address has no address line 1 or postcode: an address needs address line 1, town and postcode',
    ]);
  });

  it('rejects a UPRN that is not 1 to 12 digits', () => {
    assert.deepEqual(problemsOf({ uprn: 'UPRN-1' }), ["UPRN 'UPRN-1' is not a number of 1 to 12 digits"]);
  });

  it('takes a date of birth as 1990-01-31 or 31/01/1990, a real day between 1880 and today', () => {
    assert.equal(valueOf({ date_of_birth: '1968-03-14' }).record.dateOfBirth, '1968-03-14');
    assert.equal(valueOf({ date_of_birth: '14/03/1968' }).record.dateOfBirth, '1968-03-14');
    assert.equal(valueOf({ date_of_birth: '1/3/1968' }).record.dateOfBirth, '1968-03-01');
    assert.equal(valueOf({ date_of_birth: TODAY }).record.dateOfBirth, TODAY);
    assert.deepEqual(problemsOf({ date_of_birth: '03/14/1968' }), ["date of birth '03/14/1968' is not a real date"]);
    assert.deepEqual(problemsOf({ date_of_birth: '1990-02-30' }), ["date of birth '1990-02-30' is not a real date"]);
    assert.deepEqual(problemsOf({ date_of_birth: '14 March 1968' }), [
      "date of birth '14 March 1968' is not a date like 1990-01-31 or 31/01/1990",
    ]);
    assert.deepEqual(problemsOf({ date_of_birth: '2026-03-02' }), ["date of birth '2026-03-02' is in the future"]);
    assert.deepEqual(problemsOf({ date_of_birth: '31/12/1879' }), ["date of birth '31/12/1879' is before 1880"]);
  });

  it('takes a preferred language as a two- or three-letter code', () => {
    assert.equal(valueOf({ preferred_language: 'pol' }).record.preferredLanguage, 'pol');
    assert.equal(valueOf({ preferred_language: 'CY' }).record.preferredLanguage, 'cy');
    assert.deepEqual(problemsOf({ preferred_language: 'Welsh' }), [
      "preferred language 'Welsh' is not a language code like en or cy",
    ]);
    assert.deepEqual(problemsOf({ preferred_language: 'e' }), ["preferred language 'e' is not a language code like en or cy"]);
  });

  it('shortens a runaway value in its reason', () => {
    const [problem] = problemsOf({ email: `${'a'.repeat(300)}@example.org` });
    assert.match(problem!, /^email 'a{37}\.\.\.' is not an email address$/);
  });
});
