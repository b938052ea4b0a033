// The pages of "make a complaint" in the portal, as its answers so far decide them: which page
// comes next, and which are still to answer. Pure, so the rules are tested here and the routes
// (portal.routes.ts) only ask.
import type { ContactDetails } from '../portal/contactDetails.ts';
import type { ComplaintKind } from './workflow.ts';

/** Everything answered so far, kept in the resident's server-side session. */
export interface ComplaintDraft {
  /** The journey's own id: sending it twice records one complaint. */
  id: string;
  kind?: ComplaintKind;
  /** The service's code, or SOMETHING_ELSE. */
  service?: string;
  description?: string;
  outcomeWanted?: string;
  adjustments?: { needed: 'yes' | 'no'; details?: string };
  contact?: ContactDetails;
  /** Filled in the honeypot: answered as if sent, but nothing is kept. */
  caught?: boolean;
}

export type Step = 'kind' | 'service' | 'what-happened' | 'outcome' | 'adjustments' | 'contact' | 'check';

/** The pages as far as the answers so far decide them: the outcome wanted only for a complaint. */
export function stepsOf(draft: ComplaintDraft, signedIn: boolean): Step[] {
  return (['kind', 'service', 'what-happened', 'outcome', 'adjustments', 'contact', 'check'] as const).filter(
    (step) =>
      (step !== 'outcome' || (draft.kind !== 'compliment' && draft.kind !== 'comment')) && (step !== 'contact' || !signedIn),
  );
}

export function isAnswered(step: Step, draft: ComplaintDraft): boolean {
  switch (step) {
    case 'kind':
      return draft.kind !== undefined;
    case 'service':
      return draft.service !== undefined;
    case 'what-happened':
      return draft.description !== undefined;
    case 'outcome':
      return draft.outcomeWanted !== undefined;
    case 'adjustments':
      return draft.adjustments !== undefined;
    case 'contact':
      return draft.contact !== undefined;
    case 'check':
      return false;
  }
}

export const firstUnanswered = (steps: readonly Step[], draft: ComplaintDraft): Step =>
  steps.find((step) => !isAnswered(step, draft)) ?? 'check';

/** On from an answered page; when changing an answer, back to check your answers unless a page is still to answer. */
export function stepAfter(steps: readonly Step[], current: Step, draft: ComplaintDraft, changing: boolean): Step {
  const pending = firstUnanswered(steps, draft);
  if (changing) return pending;
  const next = steps[steps.indexOf(current) + 1] ?? 'check';
  return steps.indexOf(pending) < steps.indexOf(next) ? pending : next;
}
