// The yearly self-assessment against the Complaint Handling Code (the Housing Ombudsman's and the
// LGSCO's joint Code): its requirements in short, grouped by the Code's sections, each with the
// figure from the year's complaints that bears on it where the data can say. The complaints team
// answers each one (met, partly met, not met, with the evidence), once per financial year.
import type { Db } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit } from '../platform/audit/audit.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { todayInLondon } from '../platform/forms.ts';
import { complaintFigures, financialYear, financialYearOf, percentOf, type ComplaintFigures } from './monitoring.ts';
import * as repo from './monitoringRepo.ts';
import { complaintPolicy } from './policy.ts';

export const ASSESSMENT_STATUSES = ['met', 'partly_met', 'not_met'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];
export const EVIDENCE_MAX_LENGTH = 5000;
/** The first year kept (the table allows no earlier). */
export const FIRST_YEAR = 2020;

export const CODE_SECTIONS = [
  'definition',
  'exclusions',
  'accessibility',
  'staff',
  'process',
  'stage_2',
  'remedies',
  'reporting',
  'scrutiny',
  'learning',
] as const;
export type CodeSection = (typeof CODE_SECTIONS)[number];

/** What the year's data says about a requirement: a count, or a percentage (null when not known). */
export interface RequirementFigure {
  value: number | null;
  percent: boolean;
}

export interface Requirement {
  /** Stored in complaint_self_assessments.requirement; its words are complaints.selfAssessment.requirements.<key>. */
  key: string;
  section: CodeSection;
  /** The figure shown beside it; its words are complaints.selfAssessment.figures.<key>. */
  figure?: (figures: ComplaintFigures) => RequirementFigure;
}

const count = (value: number): RequirementFigure => ({ value, percent: false });
const percent = (value: number | null): RequirementFigure => ({ value, percent: true });

export const REQUIREMENTS: readonly Requirement[] = [
  { key: 'definition_used', section: 'definition', figure: (f) => count(f.received.complaints) },
  { key: 'service_requests_separate', section: 'definition' },
  { key: 'exclusions_explained', section: 'exclusions' },
  { key: 'any_channel', section: 'accessibility' },
  { key: 'policy_published', section: 'accessibility' },
  { key: 'complaints_officer', section: 'staff' },
  {
    key: 'acknowledged_in_5_days',
    section: 'process',
    figure: (f) =>
      percent(
        percentOf(f.stages[1].acknowledgedInTime + f.stages[2].acknowledgedInTime, f.stages[1].answered + f.stages[2].answered),
      ),
  },
  { key: 'stage_1_in_10_days', section: 'process', figure: (f) => percent(f.stages[1].percentRespondedInTime) },
  { key: 'extensions_explained', section: 'process', figure: (f) => count(f.stages[1].extended + f.stages[2].extended) },
  { key: 'stage_2_in_20_days', section: 'stage_2', figure: (f) => percent(f.stages[2].percentRespondedInTime) },
  { key: 'stage_2_independent', section: 'stage_2', figure: (f) => count(f.stages[2].answeredByStageOneResponder) },
  {
    key: 'remedies_recorded',
    section: 'remedies',
    figure: (f) => count(f.remedies.byKind.apology + f.remedies.byKind.action + f.remedies.byKind.payment),
  },
  { key: 'annual_report', section: 'reporting', figure: (f) => count(f.stages[1].answered + f.stages[2].answered) },
  { key: 'member_responsible', section: 'scrutiny' },
  { key: 'learning_acted_on', section: 'learning', figure: (f) => count(f.learning.completed) },
];

const requirementOf = (key: string): Requirement | undefined => REQUIREMENTS.find((requirement) => requirement.key === key);

export interface SelfAssessmentDependencies {
  now?: () => Date;
}

export function createComplaintSelfAssessment(db: Db, dependencies: SelfAssessmentDependencies = {}) {
  const now = dependencies.now ?? (() => new Date());

  function councilOf(actor: Actor, given?: string): string {
    if (actor.kind !== 'system') return actor.councilId;
    if (!given) throw new Invalid([{ field: 'council', message: 'complaints.errors.councilUnknown' }]);
    return given;
  }

  /** A financial year that can be assessed: from FIRST_YEAR to this one. NotFound otherwise. */
  function checkedYear(year: number): number {
    if (!Number.isInteger(year) || year < FIRST_YEAR || year > financialYearOf(todayInLondon(now()))) throw new NotFound('year');
    return year;
  }

  return {
    /** This financial year (2026 for 2026 to 2027): the one to assess unless another is asked for. */
    currentYear: () => financialYearOf(todayInLondon(now())),

    /** The year's requirements, each with its figure and the answer saved, if any. */
    async selfAssessment(actor: Actor, year: number, options: { council?: string } = {}) {
      const councilId = councilOf(actor, options.council);
      complaintPolicy.authorize(actor, 'monitor', { councilId });
      checkedYear(year);
      const period = financialYear(year);
      const [figures, answers] = await Promise.all([
        complaintFigures(db, councilId, period, todayInLondon(now())),
        repo.selfAssessmentAnswers(db, councilId, year),
      ]);
      const requirements = REQUIREMENTS.map((requirement) => {
        const answer = answers.find((row) => row.requirement === requirement.key);
        return {
          key: requirement.key,
          section: requirement.section,
          figure: requirement.figure ? requirement.figure(figures) : null,
          answer: answer
            ? {
                status: answer.status,
                evidence: answer.evidence,
                updatedAt: answer.updated_at,
                updatedBy: answer.updated_by_name,
              }
            : null,
        };
      });
      const tally = (status: AssessmentStatus) => requirements.filter((each) => each.answer?.status === status).length;
      return {
        year,
        period,
        requirements,
        summary: {
          met: tally('met'),
          partly_met: tally('partly_met'),
          not_met: tally('not_met'),
          notAssessed: requirements.filter((each) => !each.answer).length,
        },
        canAssess: complaintPolicy.can(actor, 'assess', { councilId }),
      };
    },

    /** One requirement's answer for the year, saved (or changed) with its audit record. */
    async saveSelfAssessment(
      actor: Actor,
      year: number,
      requirementKey: string,
      input: { status?: string; evidence?: string },
      options: { council?: string } = {},
    ) {
      const councilId = councilOf(actor, options.council);
      complaintPolicy.authorize(actor, 'assess', { councilId });
      checkedYear(year);
      const requirement = requirementOf(requirementKey);
      if (!requirement) throw new NotFound('requirement');
      const problems: FieldError[] = [];
      const status = input.status as AssessmentStatus;
      if (!(ASSESSMENT_STATUSES as readonly string[]).includes(input.status ?? ''))
        problems.push({ field: 'status', message: 'complaints.selfAssessment.errors.statusMissing' });
      const evidence = (input.evidence ?? '').trim();
      if (evidence.length > EVIDENCE_MAX_LENGTH)
        problems.push({
          field: 'evidence',
          message: 'complaints.selfAssessment.errors.evidenceTooLong',
          params: { max: EVIDENCE_MAX_LENGTH },
        });
      else if (evidence === '' && (status === 'met' || status === 'partly_met'))
        problems.push({ field: 'evidence', message: 'complaints.selfAssessment.errors.evidenceMissing' });
      if (problems.length > 0) throw new Invalid(problems);

      await db.transaction().execute(async (trx) => {
        const before = await repo.lockSelfAssessmentAnswer(trx, councilId, year, requirement.key);
        const after = { status, evidence: evidence === '' ? null : evidence };
        await repo.saveSelfAssessmentAnswer(trx, {
          councilId,
          year,
          requirement: requirement.key,
          ...after,
          updatedBy: actor.kind === 'staff' ? actor.id : null,
        });
        await recordAudit(trx, actor, {
          action: 'complaint.self_assessment',
          organisationId: councilId,
          recordType: 'complaint_self_assessment',
          recordId: `${year}/${requirement.key}`,
          changes: changesBetween(before ?? {}, after, ['status', 'evidence']),
        });
      });
    },
  };
}

export type ComplaintSelfAssessment = ReturnType<typeof createComplaintSelfAssessment>;
