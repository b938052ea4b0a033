// A resident's online request, one thing per page, generated from the service's form: each
// question on its own page (a place as its postcode, then its address), more detail, the open
// cases already reported there, contact details (unless signed in), then check your answers.
// These are the journey's rules, without HTTP: which pages there are, in what order, which are
// still to answer, and what the answers kept so far amount to when the request is sent.
import type { Question } from '../services/schemas.ts';
import type { ContactDetails } from './contactDetails.ts';

/** An answer as the resident gave it, kept between pages exactly as typed. */
export type DraftAnswer =
  | { kind: 'text'; value: string }
  | { kind: 'date'; day: string; month: string; year: string }
  | { kind: 'location'; postcode: string; uprn?: string; label?: string }
  /** A place put on the map (with JavaScript), described by the nearest address. */
  | { kind: 'point'; lat: number; long: number; near: string }
  | { kind: 'file'; key: string; name: string; contentType: string; size: number; sha256: string }
  /** An optional question left blank. */
  | { kind: 'skipped' };

/**
 * An open case of the same service near the place, offered before a new one is sent. Only what
 * says it is the same problem: another resident's words stay with the council.
 */
export interface NearbyCase {
  reference: string;
  status: string;
  receivedAt: string;
  distanceMetres: number;
}

export type { ContactDetails };

/** Everything answered so far, kept in the resident's server-side session. */
export interface Draft {
  /** The journey's own id: sending it twice raises one case. */
  id: string;
  service: string;
  answers: Record<string, DraftAnswer>;
  description?: string;
  nearby?: NearbyCase[];
  /** The answer to "already reported?": a case's reference to follow, or `new`. */
  follow?: string;
  contact?: ContactDetails;
  /** Filled in the honeypot: answered as if sent, but nothing is kept. */
  caught?: boolean;
}

export type Step =
  | { kind: 'question'; code: string }
  | { kind: 'address'; code: string }
  | { kind: 'details' }
  | { kind: 'already-reported' }
  | { kind: 'contact' }
  | { kind: 'check' };

export function newDraft(id: string, service: string): Draft {
  return { id, service, answers: {} };
}

/** The question whose answer is where the case is (the first place asked for), if the service asks one. */
export function placeQuestion<Q extends Pick<Question, 'kind'>>(questions: readonly Q[]): Q | undefined {
  return questions.find((question) => question.kind === 'location');
}

/** A date answer as the day it names, YYYY-MM-DD. */
export function dayOf(answer: Extract<DraftAnswer, { kind: 'date' }>): string {
  return `${answer.year}-${answer.month.padStart(2, '0')}-${answer.day.padStart(2, '0')}`;
}

/** The pages of this journey as far as the answers so far decide them, in order. */
export function stepsOf(questions: readonly Question[], draft: Draft, options: { signedIn: boolean }): Step[] {
  const steps: Step[] = [];
  // The case is where the first place asked for is: cases already reported there come straight after it.
  const place = placeQuestion(questions);
  for (const question of questions) {
    steps.push({ kind: 'question', code: question.code });
    const answer = draft.answers[question.code];
    if (question.kind === 'location' && answer?.kind === 'location') steps.push({ kind: 'address', code: question.code });
    if (question === place && draft.nearby && draft.nearby.length > 0) steps.push({ kind: 'already-reported' });
  }
  steps.push({ kind: 'details' });
  if (!options.signedIn) steps.push({ kind: 'contact' });
  steps.push({ kind: 'check' });
  return steps;
}

export function isAnswered(step: Step, draft: Draft): boolean {
  switch (step.kind) {
    case 'question':
      return Object.hasOwn(draft.answers, step.code);
    case 'address': {
      const answer = draft.answers[step.code];
      return answer?.kind === 'location' && answer.uprn !== undefined;
    }
    case 'details':
      return draft.description !== undefined;
    case 'already-reported':
      return draft.follow !== undefined;
    case 'contact':
      return draft.contact !== undefined;
    case 'check':
      return false;
  }
}

/** The first page still to answer: check your answers when every other page is answered. */
export function firstUnanswered(steps: readonly Step[], draft: Draft): Step {
  return steps.find((step) => !isAnswered(step, draft)) ?? { kind: 'check' };
}

export const sameStep = (a: Step, b: Step): boolean =>
  a.kind === b.kind && ('code' in a ? a.code : '') === ('code' in b ? b.code : '');

/**
 * Where a page leads once answered: on to the next page, or — when the resident came from check
 * your answers to change one — back there, unless the change opened a page still to answer
 * (a new postcode needs its address; a new place may have cases already reported there).
 */
export function stepAfter(steps: readonly Step[], current: Step, draft: Draft, changing: boolean): Step {
  const index = steps.findIndex((step) => sameStep(step, current));
  const pending = firstUnanswered(steps, draft);
  if (changing) return pending;
  const next = steps[index + 1] ?? { kind: 'check' };
  // Never past a page still unanswered (one reached by its address, not by the journey).
  const pendingIndex = steps.findIndex((step) => sameStep(step, pending));
  return pendingIndex !== -1 && pendingIndex < index + 1 ? pending : next;
}

/** The page before `current` (its back link); undefined for the first, whose back link is the start page. */
export function stepBefore(steps: readonly Step[], current: Step): Step | undefined {
  const index = steps.findIndex((step) => sameStep(step, current));
  return index > 0 ? steps[index - 1] : undefined;
}

/** The page's path under `/services/{code}/`. */
export function pathOf(step: Step): string {
  switch (step.kind) {
    case 'question':
      return `questions/${step.code}`;
    case 'address':
      return `questions/${step.code}/address`;
    default:
      return step.kind;
  }
}

/** The answers as raising a case takes them (a date as YYYY-MM-DD, a place as its UPRN, a file as its key). */
export function answersToSend(draft: Draft): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const [code, answer] of Object.entries(draft.answers)) {
    switch (answer.kind) {
      case 'text':
        answers[code] = answer.value;
        break;
      case 'date':
        answers[code] = dayOf(answer);
        break;
      case 'location':
        if (answer.uprn !== undefined) answers[code] = { uprn: answer.uprn };
        break;
      case 'point':
        answers[code] = { lat: answer.lat, long: answer.long };
        break;
      case 'file':
        answers[code] = answer.key;
        break;
      case 'skipped':
        break;
    }
  }
  return answers;
}
