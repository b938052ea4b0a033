// OneDoor's case statuses in Open311's words, and back: the one place they are mapped. A request's
// status is lower case (GET requests), an update's upper case (mySociety's servicerequestupdates);
// the OneDoor status itself travels as `external_status_code`, so a council can map it further in
// FixMyStreet.
import { CASE_STATUSES, OPEN_STATUSES, type CaseStatus } from '../../cases/lifecycle.ts';

export const UPDATE_STATUSES = [
  'OPEN',
  'CLOSED',
  'FIXED',
  'INVESTIGATING',
  'ACTION_SCHEDULED',
  'IN_PROGRESS',
  'PLANNED',
  'NO_FURTHER_ACTION',
  'NOT_COUNCILS_RESPONSIBILITY',
  'DUPLICATE',
  'INTERNAL_REFERRAL',
  'CANCELLED',
  'REOPEN',
  'FOR_TRIAGE',
] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

export type RequestStatus = Lowercase<Exclude<UpdateStatus, 'REOPEN'>>;

const UPDATE_STATUS_OF: Record<CaseStatus, UpdateStatus> = {
  submitted: 'OPEN',
  in_progress: 'IN_PROGRESS',
  // The council has asked the resident something: still being looked into.
  awaiting_customer: 'INVESTIGATING',
  resolved: 'FIXED',
  closed: 'CLOSED',
};

/** A case's status as an update's status (upper case). */
export function updateStatusOf(status: CaseStatus): UpdateStatus {
  return UPDATE_STATUS_OF[status];
}

/** A case's status as a request's status (lower case). */
export function requestStatusOf(status: CaseStatus): RequestStatus {
  return UPDATE_STATUS_OF[status].toLowerCase() as RequestStatus;
}

export function isUpdateStatus(value: unknown): value is UpdateStatus {
  return typeof value === 'string' && (UPDATE_STATUSES as readonly string[]).includes(value);
}

/**
 * The case statuses a GET requests `status` filter (comma separated, any case) asks for: `open`
 * is every open status, `closed` resolved and closed, any other request status the case statuses
 * shown as it. Undefined when a word is not a request status.
 */
export function caseStatusesFor(filter: string): CaseStatus[] | undefined {
  const wanted = new Set<CaseStatus>();
  for (const word of filter.split(',').map((part) => part.trim().toLowerCase())) {
    if (word === '') continue;
    if (word === 'reopen' || !isUpdateStatus(word.toUpperCase())) return undefined;
    if (word === 'open') for (const status of OPEN_STATUSES) wanted.add(status);
    else if (word === 'closed') {
      wanted.add('resolved');
      wanted.add('closed');
    } else for (const status of CASE_STATUSES) if (requestStatusOf(status) === word) wanted.add(status);
  }
  return CASE_STATUSES.filter((status) => wanted.has(status));
}

/**
 * Where a case goes when an Open311 client posts an update with this status: REOPEN, or OPEN on a
 * resolved or closed case, reopens it (back to in progress); anything else leaves the council's
 * status alone, because a resident's word on FixMyStreet does not close a council's case.
 */
export function caseStatusAfterPostedUpdate(current: CaseStatus, posted: UpdateStatus): CaseStatus | undefined {
  const finished = current === 'resolved' || current === 'closed';
  if (finished && (posted === 'REOPEN' || posted === 'OPEN')) return 'in_progress';
  return undefined;
}
