import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { answerText, checkAnswers } from './answers.ts';
import type { QuestionRules } from './schemas.ts';

function aQuestion(code: string, kind: QuestionRules['kind'], more: Partial<QuestionRules> = {}): QuestionRules {
  return { code, kind, required: false, options: [], maxLength: null, min: null, max: null, ...more };
}

const size = aQuestion('size', 'choice', {
  options: [
    { value: 'small', label: 'Smaller than a dinner plate', labelCy: null },
    { value: 'large', label: 'Larger than a dinner plate', labelCy: null },
  ],
});

const messagesOf = (result: ReturnType<typeof checkAnswers>) =>
  result.problems.map((problem) => `${problem.field} ${problem.message}`);

describe('checking the answers to a service’s questions', () => {
  it('asks for every required answer, and lets optional ones be left out', () => {
    const questions = [
      aQuestion('what', 'text', { required: true }),
      aQuestion('when', 'date'),
      aQuestion('where', 'location', { required: true }),
    ];
    const result = checkAnswers(questions, { what: '  ', when: '' });
    assert.deepEqual(messagesOf(result), [
      'answers.what services.errors.answerMissing',
      'answers.where services.errors.answerMissing',
    ]);
    assert.deepEqual(result.answers, {});
  });

  it('keeps text trimmed, within 500 characters by default, 5,000 for long text, or the question’s own limit', () => {
    const questions = [aQuestion('line', 'text'), aQuestion('story', 'long_text'), aQuestion('ref', 'text', { maxLength: 8 })];
    assert.deepEqual(checkAnswers(questions, { line: ' a pothole ', story: 'x'.repeat(5000), ref: 'ABC12345' }), {
      answers: { line: 'a pothole', story: 'x'.repeat(5000), ref: 'ABC12345' },
      problems: [],
    });
    const tooLong = checkAnswers(questions, { line: 'x'.repeat(501), story: 'x'.repeat(5001), ref: 'ABC123456' });
    assert.deepEqual(
      tooLong.problems.map((problem) => [problem.field, problem.params?.max]),
      [
        ['answers.line', 500],
        ['answers.story', 5000],
        ['answers.ref', 8],
      ],
    );
    assert.deepEqual(messagesOf(checkAnswers(questions, { line: 12 })), ['answers.line services.errors.answerNotText']);
  });

  it('takes numbers as JSON gives them or as a form types them, within the question’s range', () => {
    const bags = aQuestion('bags', 'number', { min: 1, max: 10 });
    assert.deepEqual(checkAnswers([bags], { bags: '3' }).answers, { bags: 3 });
    assert.deepEqual(checkAnswers([bags], { bags: 10 }).answers, { bags: 10 });
    assert.deepEqual(messagesOf(checkAnswers([bags], { bags: 'three' })), ['answers.bags services.errors.answerNotNumber']);
    assert.deepEqual(messagesOf(checkAnswers([bags], { bags: 0 })), ['answers.bags services.errors.answerTooSmall']);
    assert.deepEqual(messagesOf(checkAnswers([bags], { bags: '11' })), ['answers.bags services.errors.answerTooLarge']);
    assert.deepEqual(messagesOf(checkAnswers([bags], { bags: Number.NaN })), ['answers.bags services.errors.answerNotNumber']);
  });

  it('takes only real calendar dates written YYYY-MM-DD', () => {
    const seen = aQuestion('seen', 'date');
    assert.deepEqual(checkAnswers([seen], { seen: '2024-02-29' }).answers, { seen: '2024-02-29' });
    for (const wrong of ['2023-02-29', '29/02/2024', '2024-13-01', 20240229]) {
      assert.deepEqual(
        messagesOf(checkAnswers([seen], { seen: wrong })),
        ['answers.seen services.errors.answerNotDate'],
        String(wrong),
      );
    }
  });

  it('takes yes or no as true and false, or as the words a form sends', () => {
    const dangerous = aQuestion('dangerous', 'yes_no', { required: true });
    assert.deepEqual(checkAnswers([dangerous], { dangerous: true }).answers, { dangerous: true });
    assert.deepEqual(checkAnswers([dangerous], { dangerous: false }).answers, { dangerous: false });
    assert.deepEqual(checkAnswers([dangerous], { dangerous: 'yes' }).answers, { dangerous: true });
    assert.deepEqual(checkAnswers([dangerous], { dangerous: 'No' }).answers, { dangerous: false });
    assert.deepEqual(messagesOf(checkAnswers([dangerous], { dangerous: 'maybe' })), [
      'answers.dangerous services.errors.answerNotYesNo',
    ]);
  });

  it('takes a choice only by one of its options’ values', () => {
    assert.deepEqual(checkAnswers([size], { size: 'large' }).answers, { size: 'large' });
    assert.deepEqual(messagesOf(checkAnswers([size], { size: 'Larger than a dinner plate' })), [
      'answers.size services.errors.answerNotChoice',
    ]);
  });

  it('takes a place as a point on the globe or a property’s UPRN, and nothing else', () => {
    const where = aQuestion('where', 'location');
    assert.deepEqual(checkAnswers([where], { where: { lat: 52.86, long: -3.05 } }).answers, {
      where: { lat: 52.86, long: -3.05 },
    });
    assert.deepEqual(checkAnswers([where], { where: { uprn: '100071234567' } }).answers, { where: { uprn: 100071234567 } });
    for (const wrong of [
      { lat: 91, long: 0 },
      { lat: 52, long: -181 },
      { uprn: 0 },
      { uprn: 1.5 },
      { lat: 52 },
      { uprn: 1, lat: 2 },
      'Oswestry',
      [52, -3],
    ]) {
      assert.deepEqual(
        messagesOf(checkAnswers([where], { where: wrong })),
        ['answers.where services.errors.answerNotLocation'],
        JSON.stringify(wrong),
      );
    }
  });

  it('takes a file as the id of an upload', () => {
    const photo = aQuestion('photo', 'file');
    assert.deepEqual(checkAnswers([photo], { photo: 'f7c1a2b0-5a43-4d7e-9a7b-1c2d3e4f5a6b' }).answers, {
      photo: 'f7c1a2b0-5a43-4d7e-9a7b-1c2d3e4f5a6b',
    });
    assert.deepEqual(messagesOf(checkAnswers([photo], { photo: { name: 'pothole.jpg' } })), [
      'answers.photo services.errors.answerNotFile',
    ]);
    assert.deepEqual(messagesOf(checkAnswers([photo], { photo: 'two words' })), ['answers.photo services.errors.answerNotFile']);
  });

  it('refuses an answer to a question the service does not ask', () => {
    const result = checkAnswers([size], { size: 'small', colour: 'red' });
    assert.deepEqual(messagesOf(result), ['answers.colour services.errors.answerUnknown']);
  });

  it('never keeps an answer it reports a problem with, and reports each question at most once', () => {
    const questions = [aQuestion('a', 'number', { min: 0, max: 5 }), aQuestion('b', 'yes_no', { required: true }), size];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'size', 'other'), fc.anything()), (given) => {
        const result = checkAnswers(questions, given);
        const fields = result.problems.map((problem) => problem.field);
        assert.equal(new Set(fields).size, fields.length);
        for (const code of Object.keys(result.answers)) assert.ok(!fields.includes(`answers.${code}`));
        // Every answer kept passes the check again unchanged.
        assert.deepEqual(checkAnswers(questions, result.answers).answers, result.answers);
      }),
    );
  });
});

describe('an answer as a routing rule reads it', () => {
  it('reads yes/no as the words, numbers and UPRNs as digits, and a point not at all', () => {
    assert.equal(answerText(true), 'yes');
    assert.equal(answerText(false), 'no');
    assert.equal(answerText(3), '3');
    assert.equal(answerText('large'), 'large');
    assert.equal(answerText({ uprn: 42 }), '42');
    assert.equal(answerText({ lat: 1, long: 2 }), undefined);
    assert.equal(answerText(undefined), undefined);
  });
});
