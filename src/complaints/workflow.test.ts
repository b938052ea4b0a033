// The Complaint Handling Code's rules, without a database: which step may follow which (and the
// reason each refusal gives), what counts as justified, what a complaint waits for next, and
// whether a stage was acknowledged and answered in time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TIMESCALES,
  isJustified,
  nextDeadline,
  refusalOf,
  respondByOf,
  timeliness,
  type ComplaintState,
  type StageState,
  type Step,
} from './workflow.ts';

const RECEIVED = new Date('2026-11-23T10:00:00Z');
const ACKNOWLEDGE_BY = new Date('2026-12-01T00:00:00Z');
const RESPOND_BY = new Date('2026-12-15T00:00:00Z');
const REVIEWER = '6f1d2c4e-0000-4000-8000-000000000001';
const FIRST_ANSWERER = '6f1d2c4e-0000-4000-8000-000000000002';

function aStage(overrides: Partial<StageState> = {}): StageState {
  return {
    stage: 1,
    receivedAt: RECEIVED,
    acknowledgeBy: ACKNOWLEDGE_BY,
    acknowledgedAt: null,
    respondBy: RESPOND_BY,
    extendedTo: null,
    handlerId: null,
    respondedAt: null,
    respondedBy: null,
    outcome: null,
    ...overrides,
  };
}

function aComplaint(overrides: Partial<ComplaintState> = {}): ComplaintState {
  return { kind: 'complaint', status: 'open', stage: 1, stages: [aStage()], ...overrides };
}

const acknowledged = (overrides: Partial<StageState> = {}) =>
  aStage({ acknowledgedAt: new Date('2026-11-24T09:00:00Z'), ...overrides });
const answered = (overrides: Partial<StageState> = {}) =>
  acknowledged({
    respondedAt: new Date('2026-12-04T15:00:00Z'),
    respondedBy: FIRST_ANSWERER,
    outcome: 'not_upheld',
    ...overrides,
  });

/** A complaint at stage 2, whose stage 1 was answered by FIRST_ANSWERER. */
const atStageTwo = (stageTwo: Partial<StageState> = {}) =>
  aComplaint({
    stage: 2,
    stages: [answered(), aStage({ stage: 2, receivedAt: new Date('2026-12-07T10:00:00Z'), ...stageTwo })],
  });

describe('the complaint workflow', () => {
  describe('refuses', () => {
    it('acknowledging a stage twice', () => {
      assert.equal(refusalOf(aComplaint(), { action: 'acknowledge' }), undefined);
      assert.equal(
        refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'acknowledge' }),
        'complaints.errors.alreadyAcknowledged',
      );
    });

    it('extending a stage before it is acknowledged: its answer is not yet due from anything', () => {
      assert.equal(refusalOf(aComplaint(), { action: 'extend', days: 5 }), 'complaints.errors.extendBeforeAcknowledgement');
    });

    it('extending a stage twice', () => {
      const extended = aComplaint({ stages: [acknowledged({ extendedTo: new Date('2026-12-29T00:00:00Z') })] });
      assert.equal(refusalOf(extended, { action: 'extend', days: 1 }), 'complaints.errors.alreadyExtended');
    });

    it('an extension longer than the stage allows: 10 working days at stage 1, 20 at stage 2', () => {
      const stageOne = aComplaint({ stages: [acknowledged()] });
      assert.equal(refusalOf(stageOne, { action: 'extend', days: 10 }), undefined);
      assert.equal(refusalOf(stageOne, { action: 'extend', days: 11 }), 'complaints.errors.extensionTooLong');
      assert.equal(refusalOf(stageOne, { action: 'extend', days: 0 }), 'complaints.errors.extensionTooLong');
      assert.equal(refusalOf(stageOne, { action: 'extend', days: 2.5 }), 'complaints.errors.extensionTooLong');

      const stageTwo = atStageTwo({ acknowledgedAt: new Date('2026-12-08T09:00:00Z') });
      assert.equal(refusalOf(stageTwo, { action: 'extend', days: 11 }), undefined);
      assert.equal(refusalOf(stageTwo, { action: 'extend', days: 20 }), undefined);
      assert.equal(refusalOf(stageTwo, { action: 'extend', days: 21 }), 'complaints.errors.extensionTooLong');
    });

    it('answering a stage before it is acknowledged', () => {
      assert.equal(refusalOf(aComplaint(), { action: 'respond', by: null }), 'complaints.errors.notAcknowledged');
      assert.equal(refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'respond', by: null }), undefined);
    });

    it('answering a stage twice, or extending or assigning one already answered', () => {
      const done = aComplaint({ stages: [answered()] });
      for (const step of [
        { action: 'respond', by: REVIEWER },
        { action: 'extend', days: 5 },
        { action: 'acknowledge' },
        { action: 'assign', handlerId: REVIEWER },
      ] satisfies Step[])
        assert.equal(refusalOf(done, step), 'complaints.errors.alreadyResponded', step.action);
    });

    it('stage 2 answered, or handled, by whoever answered stage 1', () => {
      const stageTwo = atStageTwo({ acknowledgedAt: new Date('2026-12-08T09:00:00Z') });
      assert.equal(refusalOf(stageTwo, { action: 'respond', by: FIRST_ANSWERER }), 'complaints.errors.reviewerAnsweredStageOne');
      assert.equal(
        refusalOf(stageTwo, { action: 'assign', handlerId: FIRST_ANSWERER }),
        'complaints.errors.reviewerAnsweredStageOne',
      );
      assert.equal(refusalOf(stageTwo, { action: 'respond', by: REVIEWER }), undefined);
      assert.equal(refusalOf(stageTwo, { action: 'assign', handlerId: REVIEWER }), undefined);
      // Another system (no person) answering is not the stage 1 answerer.
      assert.equal(refusalOf(stageTwo, { action: 'respond', by: null }), undefined);
    });

    it('lets whoever handles stage 1 answer it: keeping the reviewer apart is stage 2’s rule only', () => {
      const stageOne = aComplaint({ stages: [acknowledged({ handlerId: FIRST_ANSWERER })] });
      assert.equal(refusalOf(stageOne, { action: 'respond', by: FIRST_ANSWERER }), undefined);
      assert.equal(refusalOf(stageOne, { action: 'assign', handlerId: FIRST_ANSWERER }), undefined);
    });

    it('escalating before stage 1 is answered, or a second time', () => {
      assert.equal(
        refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'escalate' }),
        'complaints.errors.escalateBeforeResponse',
      );
      assert.equal(refusalOf(aComplaint({ stages: [answered()] }), { action: 'escalate' }), undefined);
      assert.equal(refusalOf(atStageTwo(), { action: 'escalate' }), 'complaints.errors.alreadyAtStageTwo');
    });

    it('escalating a complaint that is with the Ombudsman', () => {
      const referred = aComplaint({ status: 'with_ombudsman', stages: [answered()] });
      assert.equal(refusalOf(referred, { action: 'escalate' }), 'complaints.errors.withOmbudsman');
    });

    it('closing a complaint whose stage has no outcome, or one closed already', () => {
      assert.equal(
        refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'close' }),
        'complaints.errors.closeWithoutOutcome',
      );
      assert.equal(refusalOf(aComplaint({ stages: [answered()] }), { action: 'close' }), undefined);
      assert.equal(
        refusalOf(aComplaint({ status: 'closed', stages: [answered()] }), { action: 'close' }),
        'complaints.errors.alreadyClosed',
      );
      assert.equal(
        refusalOf(aComplaint({ status: 'with_ombudsman', stages: [answered()] }), { action: 'close' }),
        'complaints.errors.withOmbudsman',
      );
    });

    it('working a complaint that is not open', () => {
      const closed = aComplaint({ status: 'closed', stages: [acknowledged()] });
      assert.equal(refusalOf(closed, { action: 'extend', days: 5 }), 'complaints.errors.notOpen');
      assert.equal(refusalOf(closed, { action: 'respond', by: null }), 'complaints.errors.notOpen');
    });

    it('referring to the Ombudsman before any stage is answered, or twice', () => {
      assert.equal(
        refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'refer' }),
        'complaints.errors.referBeforeResponse',
      );
      assert.equal(refusalOf(aComplaint({ status: 'closed', stages: [answered()] }), { action: 'refer' }), undefined);
      // Stage 2 asked for and not yet answered: stage 1's answer is enough to go to the Ombudsman.
      assert.equal(refusalOf(atStageTwo(), { action: 'refer' }), undefined);
      assert.equal(
        refusalOf(aComplaint({ status: 'with_ombudsman', stages: [answered()] }), { action: 'refer' }),
        'complaints.errors.alreadyReferred',
      );
    });

    it('recording an Ombudsman decision on a complaint not referred', () => {
      assert.equal(refusalOf(aComplaint({ stages: [answered()] }), { action: 'decide' }), 'complaints.errors.notReferred');
      assert.equal(refusalOf(aComplaint({ status: 'with_ombudsman', stages: [answered()] }), { action: 'decide' }), undefined);
    });

    it('asking about satisfaction before any answer', () => {
      assert.equal(
        refusalOf(aComplaint({ stages: [acknowledged()] }), { action: 'satisfaction' }),
        'complaints.errors.satisfactionBeforeResponse',
      );
      assert.equal(refusalOf(aComplaint({ stages: [answered()] }), { action: 'satisfaction' }), undefined);
    });

    it('anything but closing a compliment or a comment, and closing one twice', () => {
      for (const kind of ['compliment', 'comment'] as const) {
        const feedback: ComplaintState = { kind, status: 'open', stage: null, stages: [] };
        for (const step of [
          { action: 'acknowledge' },
          { action: 'extend', days: 1 },
          { action: 'respond', by: null },
          { action: 'assign', handlerId: REVIEWER },
          { action: 'escalate' },
          { action: 'refer' },
          { action: 'decide' },
          { action: 'satisfaction' },
        ] satisfies Step[])
          assert.equal(refusalOf(feedback, step), 'complaints.errors.notAComplaint', `${kind} ${step.action}`);
        assert.equal(refusalOf(feedback, { action: 'close' }), undefined);
        assert.equal(refusalOf({ ...feedback, status: 'closed' }, { action: 'close' }), 'complaints.errors.alreadyClosed');
      }
    });
  });

  it('counts upheld and partly upheld complaints as justified, and nothing else', () => {
    assert.equal(isJustified('upheld'), true);
    assert.equal(isJustified('partly_upheld'), true);
    assert.equal(isJustified('not_upheld'), false);
    assert.equal(isJustified('not_investigated'), false);
    assert.equal(isJustified(null), false);
    assert.equal(isJustified(undefined), false);
  });

  it('keeps the Code’s timescales', () => {
    assert.deepEqual(TIMESCALES, {
      1: { acknowledge: 5, respond: 10, extensionLimit: 10 },
      2: { acknowledge: 5, respond: 20, extensionLimit: 20 },
    });
  });

  describe('the next deadline', () => {
    it('is the acknowledgement until there is one', () => {
      assert.deepEqual(nextDeadline(aComplaint()), { stage: 1, step: 'acknowledge', by: ACKNOWLEDGE_BY });
    });

    it('is the answer once acknowledged, and the extended date once extended', () => {
      assert.deepEqual(nextDeadline(aComplaint({ stages: [acknowledged()] })), { stage: 1, step: 'respond', by: RESPOND_BY });
      const extendedTo = new Date('2026-12-29T00:00:00Z');
      assert.deepEqual(nextDeadline(aComplaint({ stages: [acknowledged({ extendedTo })] })), {
        stage: 1,
        step: 'respond',
        by: extendedTo,
      });
      assert.equal(respondByOf({ respondBy: RESPOND_BY, extendedTo }), extendedTo);
    });

    it('follows the complaint to stage 2', () => {
      const stageTwoBy = new Date('2026-12-15T00:00:00Z');
      assert.deepEqual(nextDeadline(atStageTwo({ acknowledgeBy: stageTwoBy })), {
        stage: 2,
        step: 'acknowledge',
        by: stageTwoBy,
      });
    });

    it('is nothing once answered, closed or with the Ombudsman, nor for a compliment', () => {
      assert.equal(nextDeadline(aComplaint({ stages: [answered()] })), undefined);
      assert.equal(nextDeadline(aComplaint({ status: 'closed' })), undefined);
      assert.equal(nextDeadline(aComplaint({ status: 'with_ombudsman' })), undefined);
      assert.equal(nextDeadline({ kind: 'compliment', status: 'open', stage: null, stages: [] }), undefined);
    });
  });

  describe('timeliness', () => {
    it('is unknown until the stage is answered', () => {
      assert.equal(timeliness(aStage()), undefined);
      assert.equal(timeliness(acknowledged()), undefined);
    });

    it('is in time when acknowledged and answered before their deadlines', () => {
      assert.deepEqual(timeliness(answered()), { acknowledged: true, responded: true });
    });

    it('is late exactly at the deadline: the deadline is the first instant overdue', () => {
      assert.deepEqual(timeliness(answered({ acknowledgedAt: ACKNOWLEDGE_BY, respondedAt: RESPOND_BY })), {
        acknowledged: false,
        responded: false,
      });
      const justBefore = (at: Date) => new Date(at.getTime() - 1);
      assert.deepEqual(
        timeliness(answered({ acknowledgedAt: justBefore(ACKNOWLEDGE_BY), respondedAt: justBefore(RESPOND_BY) })),
        { acknowledged: true, responded: true },
      );
    });

    it('measures the answer against the extended date once extended', () => {
      const extendedTo = new Date('2026-12-29T00:00:00Z');
      assert.deepEqual(timeliness(answered({ extendedTo, respondedAt: new Date('2026-12-22T12:00:00Z') })), {
        acknowledged: true,
        responded: true,
      });
      assert.deepEqual(timeliness(answered({ extendedTo, respondedAt: extendedTo })), { acknowledged: true, responded: false });
    });
  });
});
