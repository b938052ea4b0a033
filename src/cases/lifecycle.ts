// Where a case may go next. CONTRACT.md fixes the statuses; this fixes the moves between them.
// A resolved or closed case goes back to in progress when it is reopened.

export const CASE_STATUSES = ['submitted', 'in_progress', 'awaiting_customer', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Still with the council: counted in queues, chased by the SLA clock. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['submitted', 'in_progress', 'awaiting_customer'];

const NEXT: Record<CaseStatus, readonly CaseStatus[]> = {
  submitted: ['in_progress', 'awaiting_customer', 'resolved'],
  in_progress: ['awaiting_customer', 'resolved'],
  awaiting_customer: ['in_progress', 'resolved'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);
}

export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function nextStatuses(from: CaseStatus): readonly CaseStatus[] {
  return NEXT[from];
}

/** Leaving resolved or closed for in progress: the resident is told the case is open again. */
export function isReopening(from: CaseStatus, to: CaseStatus): boolean {
  return (from === 'resolved' || from === 'closed') && to === 'in_progress';
}

/**
 * Undefined when `from` may move to `to`; otherwise the i18n key saying why not, for the 409
 * answer and the page's error summary.
 */
export function refusalOfTransition(from: CaseStatus, to: CaseStatus): string | undefined {
  if (NEXT[from].includes(to)) return undefined;
  if (from === to) return 'cases.errors.alreadyInStatus';
  if (to === 'submitted') return 'cases.errors.cannotReturnToSubmitted';
  if (to === 'closed') return 'cases.errors.closeOnlyResolved';
  if (from === 'closed' || from === 'resolved') return 'cases.errors.reopenToInProgress';
  return 'cases.errors.transitionNotAllowed';
}
