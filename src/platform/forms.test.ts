import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  fieldText,
  formFields,
  isOneOf,
  caughtInHoneypot,
  choice,
  choices,
  emailAddress,
  optionalText,
  pageErrors,
  parseForm,
  password,
  dateBoxesOf,
  periodErrors,
  readDateInput,
  requestedPeriod,
  requiredText,
} from './forms.ts';

// A small form with one field of each kind, in the order a person fills it in.
const ExampleForm = Type.Object({
  name: requiredText({ missing: 'example.nameMissing', tooLong: 'example.nameTooLong' }, 20),
  nickname: optionalText('example.nicknameTooLong', 10),
  email: emailAddress({ missing: 'example.emailMissing', format: 'example.emailFormat' }),
  password: password('example.passwordMissing'),
  contact: choice(['phone', 'post'] as const, 'example.contactMissing'),
  services: choices(['bins', 'parking', 'planning'] as const, 'example.servicesMissing'),
});

const complete = {
  name: 'Ann Jones',
  email: 'ann@example.gov.uk',
  password: 'kettle lantern',
  contact: 'phone',
  services: ['bins', 'parking'],
};

function errorsOf(body: Record<string, unknown>) {
  const result = parseForm(ExampleForm, body);
  assert.equal(result.ok, false, 'the form should have been refused');
  return result.ok ? [] : result.errors;
}

describe('reading a submitted form', () => {
  it('trims what was typed', () => {
    const result = parseForm(ExampleForm, { ...complete, name: '  Ann Jones \n', email: ' ann@example.gov.uk ' });
    assert.ok(result.ok);
    assert.equal(result.value.name, 'Ann Jones');
    assert.equal(result.value.email, 'ann@example.gov.uk');
  });

  it('drops an optional field left empty rather than keeping an empty string', () => {
    const result = parseForm(ExampleForm, { ...complete, nickname: '   ' });
    assert.ok(result.ok);
    assert.equal('nickname' in result.value, false);

    const given = parseForm(ExampleForm, { ...complete, nickname: ' Annie ' });
    assert.ok(given.ok);
    assert.equal(given.value.nickname, 'Annie');
  });

  it('turns a single ticked checkbox into a list of one', () => {
    const result = parseForm(ExampleForm, { ...complete, services: 'planning' });
    assert.ok(result.ok);
    assert.deepEqual(result.value.services, ['planning']);
  });

  it('keeps a password exactly as typed, spaces and all', () => {
    const result = parseForm(ExampleForm, { ...complete, password: '  two  spaces  ' });
    assert.ok(result.ok);
    assert.equal(result.value.password, '  two  spaces  ');
  });

  it('takes the first value when a single field arrives twice', () => {
    const result = parseForm(ExampleForm, { ...complete, name: ['Ann Jones', 'Someone Else'] });
    assert.ok(result.ok);
    assert.equal(result.value.name, 'Ann Jones');
  });

  it('reports the first problem of each field, in the order of the form, with the schema’s message key', () => {
    const errors = errorsOf({ services: [], contact: '', password: '', email: '', name: '   ' });
    assert.deepEqual(errors, [
      { field: 'name', message: 'example.nameMissing' },
      { field: 'email', message: 'example.emailMissing' },
      { field: 'password', message: 'example.passwordMissing' },
      { field: 'contact', message: 'example.contactMissing' },
      { field: 'services', message: 'example.servicesMissing' },
    ]);
  });

  it('says which rule a field broke', () => {
    const errors = errorsOf({ ...complete, name: 'x'.repeat(21), nickname: 'x'.repeat(11), email: 'ann at example' });
    assert.deepEqual(errors, [
      { field: 'name', message: 'example.nameTooLong' },
      { field: 'nickname', message: 'example.nicknameTooLong' },
      { field: 'email', message: 'example.emailFormat' },
    ]);
  });

  it('treats a missing body as an empty form', () => {
    const errors = errorsOf(undefined as unknown as Record<string, unknown>);
    assert.deepEqual(
      errors.map((error) => error.field),
      ['name', 'email', 'password', 'contact', 'services'],
    );
  });

  it('refuses a value that is not one of the choices offered', () => {
    assert.deepEqual(errorsOf({ ...complete, contact: 'carrier pigeon' }), [
      { field: 'contact', message: 'example.contactMissing' },
    ]);
    assert.deepEqual(errorsOf({ ...complete, services: ['bins', 'nuclear'] }), [
      { field: 'services', message: 'example.servicesMissing' },
    ]);
  });

  it('gives back what was typed with the errors, to fill the form in again', () => {
    const result = parseForm(ExampleForm, { ...complete, name: '  Ann  ', email: 'nope' });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.values.name, 'Ann');
      assert.equal(result.values.email, 'nope');
    }
  });
});

describe('the GOV.UK error summary', () => {
  const t = (key: string, params?: Record<string, string | number | undefined>) =>
    params ? `${key} ${JSON.stringify(params)}` : `text of ${key}`;

  it('links each problem to its field and translates its message', () => {
    const errors = pageErrors(t, [
      { field: 'email', message: 'users.errors.emailTaken' },
      { field: 'password', message: 'passwords.errors.tooShort', params: { min: 12 } },
    ]);
    assert.deepEqual(errors.list, [
      { text: 'text of users.errors.emailTaken', href: '#email' },
      { text: 'passwords.errors.tooShort {"min":12}', href: '#password' },
    ]);
    assert.deepEqual(errors.byField, {
      email: { text: 'text of users.errors.emailTaken' },
      password: { text: 'passwords.errors.tooShort {"min":12}' },
    });
  });

  it('lists a problem with the whole record without a link', () => {
    const errors = pageErrors(t, [{ field: '', message: 'users.errors.lastAdmin' }]);
    assert.deepEqual(errors.list, [{ text: 'text of users.errors.lastAdmin' }]);
    assert.equal('href' in errors.list[0]!, false);
  });
});

describe('reading a GOV.UK date input', () => {
  const boxes = (day: string, month: string, year: string) => ({ 'when-day': day, 'when-month': month, 'when-year': year });

  it('gives the date as YYYY-MM-DD, padding single digits and ignoring spaces', () => {
    assert.deepEqual(readDateInput(boxes(' 4', '3 ', '2027'), 'when'), {
      parts: { day: '4', month: '3', year: '2027' },
      state: 'date',
      date: '2027-03-04',
    });
  });

  it('tells empty boxes from some left blank and from boxes that are not a date’s numbers', () => {
    assert.equal(readDateInput(boxes('', '', ''), 'when').state, 'empty');
    assert.equal(readDateInput({}, 'when').state, 'empty');
    assert.equal(readDateInput(boxes('4', '', '2027'), 'when').state, 'incomplete');
    assert.equal(readDateInput(boxes('4', 'March', '2027'), 'when').state, 'invalid');
    assert.equal(readDateInput(boxes('4', '3', '27'), 'when').state, 'invalid');
  });
});

describe('the honeypot of a public form', () => {
  it('catches a form whose hidden box was filled in', () => {
    assert.equal(caughtInHoneypot({ useful: 'yes', website: 'http://spam.example' }), true);
  });

  it('lets through a form whose hidden box is empty, blank or absent, and a body that is not a form', () => {
    for (const body of [{ website: '' }, { website: '   ' }, { useful: 'yes' }, undefined, null, 'website=x'])
      assert.equal(caughtInHoneypot(body), false, JSON.stringify(body));
  });
});

describe('a field’s text', () => {
  it('is the text sent, the first of a repeated field, and empty for none or for anything not text', () => {
    assert.equal(fieldText('bags'), 'bags');
    assert.equal(fieldText(['first', 'second']), 'first');
    for (const value of [undefined, null, [], 3, { file: true }]) assert.equal(fieldText(value), '', JSON.stringify(value));
  });
});

describe('a posted form’s fields', () => {
  it('are a copy of what was posted, and none for anything that is not a form', () => {
    const posted = { name: 'Bethan' };
    const fields = formFields(posted);
    assert.deepEqual(fields, { name: 'Bethan' });
    fields.name = 'changed';
    assert.equal(posted.name, 'Bethan', 'the caller changes its copy only');
    for (const value of [undefined, null, 'text', 3]) assert.deepEqual(formFields(value), {}, JSON.stringify(value));
  });
});

describe('one of a fixed set', () => {
  it('is a string among the values, nothing else', () => {
    const kinds = ['complaint', 'compliment'] as const;
    assert.equal(isOneOf(kinds, 'complaint'), true);
    for (const value of ['Complaint', '', undefined, null, ['complaint'], 1])
      assert.equal(isOneOf(kinds, value), false, JSON.stringify(value));
  });
});

describe('a figures page’s period', () => {
  const defaults = { from: '2026-04-01', to: '2026-08-01' };

  it('takes the default for a field not given, a link’s date as given, and the boxes typed', () => {
    assert.deepEqual(requestedPeriod({}, defaults), {
      period: defaults,
      boxes: { from: { day: '1', month: '4', year: '2026' }, to: { day: '1', month: '8', year: '2026' } },
    });
    assert.deepEqual(
      requestedPeriod({ from: '2026-06-01', 'to-day': '9', 'to-month': '7', 'to-year': '2026' }, defaults).period,
      {
        from: '2026-06-01',
        to: '2026-07-09',
      },
    );
  });

  it('passes a field typed wrong on as not a date, and shows the boxes as typed', () => {
    const typed = requestedPeriod({ 'from-day': '31', 'from-month': '', 'from-year': '2026' }, defaults);
    assert.equal(typed.period.from, 'not-a-date');
    assert.deepEqual(typed.boxes.from, { day: '31', month: '', year: '2026' });
    assert.deepEqual(dateBoxesOf('June'), { day: '', month: '', year: '' });
  });

  it('links any date input’s error to its first box when the page names its date fields', () => {
    const t = (key: string) => key;
    const errors = pageErrors(
      t,
      [
        { field: 'dateOfBirth', message: 'm' },
        { field: 'name', message: 'n' },
        { field: '', message: 'o' },
      ],
      {
        dateFields: ['dateOfBirth'],
      },
    );
    assert.deepEqual(
      errors.list.map((item) => item.href),
      ['#dateOfBirth-day', '#name', undefined],
    );
    assert.deepEqual(Object.keys(errors.byField), ['dateOfBirth', 'name', '']);
  });

  it('links a period’s errors to the first box of their date input, and others to their field', () => {
    const t = (key: string) => `text of ${key}`;
    const errors = periodErrors(t, [
      { field: 'to', message: 'errors.backwards' },
      { field: 'service', message: 'errors.unknown' },
    ]);
    assert.deepEqual(
      errors.list.map((item) => item.href),
      ['#to-day', '#service'],
    );
  });
});
