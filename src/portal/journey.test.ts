import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Question } from '../services/schemas.ts';
import {
  answersToSend,
  dayOf,
  placeQuestion,
  firstUnanswered,
  newDraft,
  pathOf,
  stepAfter,
  stepBefore,
  stepsOf,
  type Draft,
  type Step,
} from './journey.ts';

const question = (code: string, kind: Question['kind'], required = true) => ({ code, kind, required }) as Question;
const QUESTIONS = [question('what', 'choice'), question('where', 'location'), question('seen', 'date', false)];
const paths = (steps: Step[]) => steps.map(pathOf);

describe('the pages of a request journey', () => {
  it('asks each question, the address once a postcode is given, then detail, contact details and check', () => {
    const draft = newDraft('id', 'fly-tipping');
    assert.deepEqual(paths(stepsOf(QUESTIONS, draft, { signedIn: false })), [
      'questions/what',
      'questions/where',
      'questions/seen',
      'details',
      'contact',
      'check',
    ]);
    draft.answers.where = { kind: 'location', postcode: 'SY11 2AA' };
    draft.nearby = [{ reference: 'ODR-1', status: 'submitted', receivedAt: '2026-12-01T10:00:00Z', distanceMetres: 12 }];
    assert.deepEqual(paths(stepsOf(QUESTIONS, draft, { signedIn: true })), [
      'questions/what',
      'questions/where',
      'questions/where/address',
      'already-reported',
      'questions/seen',
      'details',
      'check',
    ]);
  });

  it('goes on to the next page, or from a change back to check your answers unless the change opened a page', () => {
    const draft: Draft = {
      ...newDraft('id', 'fly-tipping'),
      answers: {
        what: { kind: 'text', value: 'bags' },
        where: { kind: 'location', postcode: 'SY11 2AA', uprn: '1', label: '1 Church Street' },
        seen: { kind: 'skipped' },
      },
      description: 'Bags',
      contact: { givenName: 'A', familyName: 'B', email: 'a@example.com' },
    };
    const steps = () => stepsOf(QUESTIONS, draft, { signedIn: false });
    assert.deepEqual(stepAfter(steps(), { kind: 'question', code: 'what' }, draft, false), { kind: 'question', code: 'where' });
    assert.deepEqual(stepAfter(steps(), { kind: 'question', code: 'what' }, draft, true), { kind: 'check' });
    // A new postcode: its address is to be chosen before check your answers.
    draft.answers.where = { kind: 'location', postcode: 'SY11 2AB' };
    assert.deepEqual(stepAfter(steps(), { kind: 'question', code: 'where' }, draft, true), { kind: 'address', code: 'where' });
    assert.deepEqual(firstUnanswered(steps(), draft), { kind: 'address', code: 'where' });
    // A place put on the map has no address to choose.
    draft.answers.where = { kind: 'point', lat: 52.86, long: -3.05, near: '1 Church Street' };
    assert.deepEqual(stepAfter(steps(), { kind: 'question', code: 'where' }, draft, true), { kind: 'check' });
    assert.ok(!steps().some((step) => step.kind === 'address'));
  });

  it('never leads past a page still to answer', () => {
    const draft = newDraft('id', 'fly-tipping');
    draft.description = 'Reached by its address';
    const steps = stepsOf(QUESTIONS, draft, { signedIn: false });
    assert.deepEqual(stepAfter(steps, { kind: 'details' }, draft, false), { kind: 'question', code: 'what' });
  });

  it('links each page back to the one before, and the first to the start page', () => {
    const steps = stepsOf(QUESTIONS, newDraft('id', 'x'), { signedIn: false });
    assert.equal(stepBefore(steps, { kind: 'question', code: 'what' }), undefined);
    assert.deepEqual(stepBefore(steps, { kind: 'details' }), { kind: 'question', code: 'seen' });
    assert.deepEqual(stepBefore(steps, { kind: 'check' }), { kind: 'contact' });
  });

  it('sends the answers as raising a case takes them, leaving out the ones skipped', () => {
    const draft = newDraft('id', 'x');
    draft.answers = {
      what: { kind: 'text', value: 'bags' },
      where: { kind: 'location', postcode: 'SY11 2AA', uprn: '100001', label: '1 Church Street' },
      seen: { kind: 'date', day: '3', month: '12', year: '2026' },
      photo: { kind: 'file', key: 'a'.repeat(32), name: 'photo.jpg', contentType: 'image/jpeg', size: 10, sha256: 'b' },
      count: { kind: 'skipped' },
      pin: { kind: 'point', lat: 52.86, long: -3.05, near: '1 Church Street' },
    };
    assert.deepEqual(answersToSend(draft), {
      pin: { lat: 52.86, long: -3.05 },
      what: 'bags',
      where: { uprn: '100001' },
      seen: '2026-12-03',
      photo: 'a'.repeat(32),
    });
  });

  it('takes the case’s place from the first location question, and a date’s day with its zeros', () => {
    assert.equal(placeQuestion(QUESTIONS)?.code, 'where');
    assert.equal(placeQuestion([question('what', 'choice')]), undefined);
    assert.equal(dayOf({ kind: 'date', day: '3', month: '2', year: '2026' }), '2026-02-03');
  });
});
