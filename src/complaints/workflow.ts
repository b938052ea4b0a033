// The Complaint Handling Code's stages and timescales, and which step may follow which. Pure: the
// service reads the complaint, asks here, and writes what follows.
//
// Stage 1: acknowledged within 5 working days of receipt, answered within 10 working days of the
// acknowledgement (once extended, by up to 10 more, with a reason the complainant is told).
// Stage 2, when the complainant asks for it: acknowledged within 5, answered within 20 (once
// extended by up to 20 more), by a reviewer who did not answer stage 1. Then closed, or referred
// to the Ombudsman, whose decision is recorded. Compliments and comments have no stages: they are
// passed to the team and closed.

export const COMPLAINT_KINDS = ['complaint', 'compliment', 'comment'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

export const CATEGORIES = [
  'quality_of_service',
  'delay',
  'staff_conduct',
  'policy_or_decision',
  'communication',
  'equality_or_accessibility',
  'other',
] as const;
export type ComplaintCategory = (typeof CATEGORIES)[number];

export const OUTCOMES = ['upheld', 'partly_upheld', 'not_upheld'] as const;
export type ComplaintOutcome = (typeof OUTCOMES)[number];
export const OMBUDSMAN_OUTCOMES = [...OUTCOMES, 'not_investigated'] as const;
export type OmbudsmanOutcome = (typeof OMBUDSMAN_OUTCOMES)[number];

export const REMEDY_KINDS = ['apology', 'action', 'payment'] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

export const STATUSES = ['open', 'with_ombudsman', 'closed'] as const;
export type ComplaintStatus = (typeof STATUSES)[number];

export type StageNumber = 1 | 2;

/** Working days: to acknowledge, to answer after acknowledging, and the most one extension may add. */
export const TIMESCALES: Record<StageNumber, { acknowledge: number; respond: number; extensionLimit: number }> = {
  1: { acknowledge: 5, respond: 10, extensionLimit: 10 },
  2: { acknowledge: 5, respond: 20, extensionLimit: 20 },
};

/** Upheld and partly upheld complaints count as justified. */
export function isJustified(outcome: ComplaintOutcome | OmbudsmanOutcome | null | undefined): boolean {
  return outcome === 'upheld' || outcome === 'partly_upheld';
}

export function isOutcome(value: unknown): value is ComplaintOutcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}

export interface StageState {
  stage: StageNumber;
  receivedAt: Date;
  acknowledgeBy: Date;
  acknowledgedAt: Date | null;
  respondBy: Date;
  extendedTo: Date | null;
  handlerId: string | null;
  respondedAt: Date | null;
  respondedBy: string | null;
  outcome: ComplaintOutcome | null;
}

export interface ComplaintState {
  kind: ComplaintKind;
  status: ComplaintStatus;
  stage: StageNumber | null;
  stages: readonly StageState[];
}

export type Step =
  | { action: 'acknowledge' }
  | { action: 'extend'; days: number }
  | { action: 'respond'; by: string | null }
  | { action: 'assign'; handlerId: string }
  | { action: 'escalate' }
  | { action: 'close' }
  | { action: 'refer' }
  | { action: 'decide' }
  | { action: 'satisfaction' };

/** The stage a complaint is at now (undefined for a compliment or a comment). */
export function currentStage(complaint: ComplaintState): StageState | undefined {
  return complaint.stages.find((stage) => stage.stage === complaint.stage);
}

/** When the stage must be answered by: its extended date once extended. */
export function respondByOf(stage: Pick<StageState, 'respondBy' | 'extendedTo'>): Date {
  return stage.extendedTo ?? stage.respondBy;
}

/** What the complaint is waiting for next, and by when: shown wherever it appears. */
export function nextDeadline(
  complaint: ComplaintState,
): { stage: StageNumber; step: 'acknowledge' | 'respond'; by: Date } | undefined {
  const stage = currentStage(complaint);
  if (!stage || complaint.status !== 'open' || stage.respondedAt) return undefined;
  if (!stage.acknowledgedAt) return { stage: stage.stage, step: 'acknowledge', by: stage.acknowledgeBy };
  return { stage: stage.stage, step: 'respond', by: respondByOf(stage) };
}

/**
 * Undefined when the step may be taken now; otherwise the i18n key saying why not, for the 409
 * answer and the page's error summary.
 */
export function refusalOf(complaint: ComplaintState, step: Step): string | undefined {
  if (complaint.kind !== 'complaint') {
    if (step.action !== 'close') return 'complaints.errors.notAComplaint';
    return complaint.status === 'closed' ? 'complaints.errors.alreadyClosed' : undefined;
  }
  const stage = currentStage(complaint);
  if (!stage) return 'complaints.errors.notAComplaint';
  const stageOne = complaint.stages.find((each) => each.stage === 1);
  switch (step.action) {
    case 'acknowledge':
    case 'extend':
    case 'respond':
    case 'assign':
      if (complaint.status !== 'open') return 'complaints.errors.notOpen';
      if (stage.respondedAt) return 'complaints.errors.alreadyResponded';
      break;
    default:
      break;
  }
  switch (step.action) {
    case 'acknowledge':
      return stage.acknowledgedAt ? 'complaints.errors.alreadyAcknowledged' : undefined;
    case 'extend':
      // The answer's deadline runs from the acknowledgement: until then there is nothing to extend.
      if (!stage.acknowledgedAt) return 'complaints.errors.extendBeforeAcknowledgement';
      if (stage.extendedTo) return 'complaints.errors.alreadyExtended';
      if (!Number.isInteger(step.days) || step.days < 1 || step.days > TIMESCALES[stage.stage].extensionLimit)
        return 'complaints.errors.extensionTooLong';
      return undefined;
    case 'respond':
      if (!stage.acknowledgedAt) return 'complaints.errors.notAcknowledged';
      if (stage.stage === 2 && step.by !== null && stageOne?.respondedBy === step.by)
        return 'complaints.errors.reviewerAnsweredStageOne';
      return undefined;
    case 'assign':
      if (stage.stage === 2 && stageOne?.respondedBy === step.handlerId) return 'complaints.errors.reviewerAnsweredStageOne';
      return undefined;
    case 'escalate':
      if (complaint.stage === 2) return 'complaints.errors.alreadyAtStageTwo';
      if (!stage.respondedAt) return 'complaints.errors.escalateBeforeResponse';
      if (complaint.status === 'with_ombudsman') return 'complaints.errors.withOmbudsman';
      return undefined;
    case 'close':
      if (complaint.status === 'closed') return 'complaints.errors.alreadyClosed';
      if (complaint.status === 'with_ombudsman') return 'complaints.errors.withOmbudsman';
      return stage.respondedAt ? undefined : 'complaints.errors.closeWithoutOutcome';
    case 'refer':
      if (complaint.status === 'with_ombudsman') return 'complaints.errors.alreadyReferred';
      return complaint.stages.some((each) => each.respondedAt) ? undefined : 'complaints.errors.referBeforeResponse';
    case 'decide':
      return complaint.status === 'with_ombudsman' ? undefined : 'complaints.errors.notReferred';
    case 'satisfaction':
      return complaint.stages.some((each) => each.respondedAt) ? undefined : 'complaints.errors.satisfactionBeforeResponse';
  }
}

/** Whether the stage was acknowledged and answered in time: once it is answered, else undefined. */
export function timeliness(stage: StageState): { acknowledged: boolean; responded: boolean } | undefined {
  if (!stage.respondedAt || !stage.acknowledgedAt) return undefined;
  return {
    acknowledged: stage.acknowledgedAt.getTime() < stage.acknowledgeBy.getTime(),
    responded: stage.respondedAt.getTime() < respondByOf(stage).getTime(),
  };
}
