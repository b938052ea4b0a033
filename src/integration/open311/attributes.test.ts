import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Question } from '../../services/schemas.ts';
import { answersFrom, attributesOf, postedAttributes } from './attributes.ts';

const question = (overrides: Partial<Question> & Pick<Question, 'code' | 'kind' | 'position'>): Question => ({
  id: overrides.code,
  label: `Label of ${overrides.code}`,
  labelCy: null,
  hint: null,
  hintCy: null,
  required: false,
  options: [],
  maxLength: null,
  min: null,
  max: null,
  ...overrides,
});

const FORM: Question[] = [
  question({ code: 'where', kind: 'location', position: 2, required: true }),
  question({
    code: 'what',
    kind: 'choice',
    position: 1,
    required: true,
    options: [
      { value: 'bags', label: 'Bags', labelCy: 'Bagiau' },
      { value: 'asbestos', label: 'Asbestos', labelCy: null },
    ],
  }),
  question({ code: 'how_many', kind: 'number', position: 3, min: 1, max: 50 }),
  question({ code: 'seen_on', kind: 'date', position: 4 }),
  question({ code: 'blocking', kind: 'yes_no', position: 5, hint: 'the pavement' }),
  question({ code: 'details', kind: 'long_text', position: 6, maxLength: 300 }),
  question({ code: 'photo', kind: 'file', position: 7, required: true }),
];

describe('Open311 attributes', () => {
  it('describes a service’s questions in their order, each of its datatype, with the choices as values', () => {
    const attributes = attributesOf(FORM);
    assert.deepEqual(
      attributes.map((attribute) => [attribute.code, attribute.datatype, attribute.order, attribute.required]),
      [
        ['what', 'singlevaluelist', 1, true],
        ['where', 'string', 2, false],
        ['how_many', 'number', 3, false],
        ['seen_on', 'datetime', 4, false],
        ['blocking', 'singlevaluelist', 5, false],
        ['details', 'text', 6, false],
        ['photo', 'string', 7, false],
        ['uprn', 'string', 8, false],
        ['fixmystreet_id', 'string', 9, false],
      ],
    );
    const what = attributes[0]!;
    assert.deepEqual(what.values, [
      { key: 'bags', name: 'Bags' },
      { key: 'asbestos', name: 'Asbestos' },
    ]);
    assert.equal(what.variable, true);
    assert.equal(what.automated, undefined);
    assert.deepEqual(
      attributes[4]!.values?.map((value) => value.key),
      ['yes', 'no'],
    );
    assert.equal(attributes[4]!.description, 'Label of blocking (the pavement)');
    assert.equal(attributes[2]!.datatype_description, 'A number, at least 1, at most 50');
  });

  it('marks what OneDoor sets from the request as server_set, the UPRN as a protected hidden field', () => {
    const byCode = new Map(attributesOf(FORM).map((attribute) => [attribute.code, attribute]));
    assert.equal(byCode.get('where')!.automated, 'server_set');
    assert.equal(byCode.get('where')!.variable, false);
    assert.equal(byCode.get('photo')!.automated, 'server_set');
    assert.equal(byCode.get('uprn')!.automated, 'hidden_field');
    assert.equal(byCode.get('uprn')!.protected, true);
    assert.equal(byCode.get('fixmystreet_id')!.automated, 'server_set');
  });

  it('offers a UPRN only where the service asks where', () => {
    const codes = attributesOf([question({ code: 'account', kind: 'text', position: 1 })]).map((attribute) => attribute.code);
    assert.deepEqual(codes, ['account', 'fixmystreet_id']);
  });

  it('reads attribute[code] fields, and separates the answers to the form from everything else', () => {
    const posted = postedAttributes({
      'attribute[what]': 'bags',
      'attribute[uprn]': '400001',
      'attribute[fixmystreet_id]': ['123', '124'],
      'attribute[where]': 'somewhere',
      description: 'not an attribute',
    });
    assert.deepEqual(posted, { what: 'bags', uprn: '400001', fixmystreet_id: '123', where: 'somewhere' });
    assert.deepEqual(answersFrom(FORM, posted), {
      answers: { what: 'bags' },
      others: { uprn: '400001', fixmystreet_id: '123', where: 'somewhere' },
    });
  });
});
