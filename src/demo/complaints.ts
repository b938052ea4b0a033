// A year of the demo council's complaints, compliments and comments, made through the complaints
// service itself with its clock set to each step's time: so every deadline, working day and
// timeline event is what OneDoor would have recorded. Most complaints are answered at stage 1,
// some late, some extended; a few go to stage 2 (answered by the complaints officer, never by
// whoever answered stage 1) and one to the Ombudsman. The residents are not written to.
import type { Db } from '../db/database.ts';
import { createComplaintsService, type ComplaintsService } from '../complaints/service.ts';
import { CATEGORIES, type ComplaintOutcome } from '../complaints/workflow.ts';
import { findUserByEmail } from '../organisations/repo.ts';
import type { StaffActor } from '../platform/actor.ts';
import { systemActor } from '../platform/actor.ts';
import { createCalendarService } from '../services/calendarService.ts';
import { createServicesService } from '../services/service.ts';
import { between, pick, seededRandom, type Random } from './people.ts';

const DAY_MS = 86_400_000;
const COMPLAINTS = 36;
const COMPLIMENTS = 8;
const COMMENTS = 5;

const WHAT_HAPPENED = [
  'My bin has been missed three weeks running and nobody called me back as promised.',
  'I was kept on hold for forty minutes and then cut off.',
  'The officer who visited was rude and would not listen to what I was saying.',
  'I reported a broken street light in August and it is still not fixed.',
  'My housing benefit claim has taken far too long and I have had no updates.',
  'The letter I was sent was confusing and gave the wrong date for my appointment.',
  'Your website would not let me report a problem using a screen reader.',
  'I was charged for a garden waste collection I had cancelled.',
];
const OUTCOMES_WANTED = [
  'An apology and the collections put right.',
  'I want the problem fixed and to be kept informed.',
  'A refund of the charge.',
  'For the council to change how this is handled so it does not happen to others.',
];
const ANSWERS = [
  'We are sorry. We have looked into what happened and found that we did not do what we said we would. We have put it right and spoken to the team.',
  'We have looked into your complaint carefully. We found that the service was delivered as our policy sets out, so we have not upheld it, but we have explained the policy more clearly below.',
  'We found that part of your complaint is justified: the delay was ours, though the decision itself was correct. We apologise for the delay.',
];
const PRAISE = [
  'The crew who collected my bulky waste were cheerful and careful. Thank you.',
  'The advisor at the one-stop shop in Oswestry went out of her way to help my mother.',
  'Thank you for fixing the pothole on our road so quickly.',
];
const REMARKS = [
  'It would help if the bin collection calendar was also sent by text message.',
  'The parking signs near the market are hard to read.',
];

interface DemoComplaintsOutcome {
  complaints: number;
}

export async function seedDemoComplaints(db: Db, councilId: string, seed = 6): Promise<DemoComplaintsOutcome> {
  const already = await db.selectFrom('complaints').select('id').where('council_id', '=', councilId).limit(1).executeTakeFirst();
  if (already) return { complaints: 0 };
  const [teamLeader, officer] = await Promise.all([
    findUserByEmail(db, 'team-leader@severn-marches.example'),
    findUserByEmail(db, 'complaints@severn-marches.example'),
  ]);
  if (!teamLeader || !officer) return { complaints: 0 };
  const customers = await db
    .selectFrom('customers')
    .select('id')
    .where('council_id', '=', councilId)
    .orderBy('created_at')
    .limit(200)
    .execute();
  const services = await db
    .selectFrom('services')
    .select('code')
    .where('council_id', '=', councilId)
    .where('active', '=', true)
    .orderBy('code')
    .limit(40)
    .execute();
  if (customers.length === 0 || services.length === 0) return { complaints: 0 };

  const staff = (user: { id: string; name: string; email: string }, role: StaffActor['roles'][number]): StaffActor => ({
    kind: 'staff',
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [role],
    organisationId: councilId,
    organisationKind: 'council',
    councilId,
    ip: null,
  });
  const answerer = staff(teamLeader, 'team_leader');
  const reviewer = staff(officer, 'complaints_officer');

  const today = Date.now();
  let clock = today;
  const complaints = createComplaintsService(db, {
    services: createServicesService(db),
    calendar: createCalendarService(db),
    findCustomer: async (_actor, id) => ({ id, councilId }),
    // The demo's residents are not written to: no messages in the outbox from the seed.
    notificationAddress: async () => undefined,
    publicUrl: 'http://localhost',
    now: () => new Date(clock),
  });
  /** Sets the clock to `time` and takes the step then; false when that time has not come yet. */
  const at = async (time: number, step: (when: Date) => Promise<unknown>): Promise<boolean> => {
    if (time >= today) return false;
    clock = time;
    await step(new Date(time));
    return true;
  };

  const random = seededRandom(seed);
  const portal = systemActor('demo');
  let count = 0;
  for (let index = 0; index < COMPLAINTS + COMPLIMENTS + COMMENTS; index++) {
    const kind = index < COMPLAINTS ? 'complaint' : index < COMPLAINTS + COMPLIMENTS ? 'compliment' : 'comment';
    const receivedAt = today - between(random, 2, 330) * DAY_MS - between(random, 0, 8) * 3_600_000;
    clock = receivedAt;
    const { reference } = await complaints.record(
      portal,
      {
        kind,
        description: pick(random, kind === 'complaint' ? WHAT_HAPPENED : kind === 'compliment' ? PRAISE : REMARKS),
        channel: pick(random, ['phone', 'web', 'web', 'email', 'face_to_face', 'letter'] as const),
        customerId: pick(random, customers).id,
        serviceCode: pick(random, services).code,
        ...(kind === 'complaint'
          ? { category: pick(random, CATEGORIES), outcomeWanted: pick(random, OUTCOMES_WANTED), receivedAt: new Date(receivedAt) }
          : { receivedAt: new Date(receivedAt) }),
      },
      { council: councilId },
    );
    count += 1;
    if (kind !== 'complaint') {
      await at(receivedAt + between(random, 1, 10) * DAY_MS, () => complaints.close(reviewer, reference));
      continue;
    }
    await workThrough(complaints, random, reference, receivedAt, { answerer, reviewer, at });
  }
  return { complaints: count };
}

async function workThrough(
  complaints: ComplaintsService,
  random: Random,
  reference: string,
  receivedAt: number,
  people: {
    answerer: StaffActor;
    reviewer: StaffActor;
    at: (time: number, step: (when: Date) => Promise<unknown>) => Promise<boolean>;
  },
): Promise<void> {
  const { answerer, reviewer, at } = people;
  const outcome = (): ComplaintOutcome =>
    pick(random, ['upheld', 'partly_upheld', 'partly_upheld', 'not_upheld', 'not_upheld'] as const);
  // Most are acknowledged within the week; one in eight is late.
  const acknowledged = receivedAt + (random() < 0.125 ? between(random, 8, 12) : between(random, 0, 5)) * DAY_MS + 3_600_000;
  if (!(await at(acknowledged, (when) => complaints.acknowledge(answerer, reference, { at: when })))) return;
  let answerAfter = between(random, 3, 13);
  if (random() < 0.12) {
    const daysIn = between(random, 5, 9);
    const asked = await at(acknowledged + daysIn * DAY_MS, () =>
      complaints.extend(answerer, reference, { days: 5, reason: 'We are waiting for information from the contractor.' }),
    );
    if (asked) answerAfter = Math.max(answerAfter, daysIn + 1) + 5;
  }
  // One in six is answered after its deadline.
  if (random() < 1 / 6) answerAfter += between(random, 6, 15);
  const answered = acknowledged + answerAfter * DAY_MS;
  const first = outcome();
  const stageOne = await at(answered, (when) =>
    complaints.respond(answerer, reference, {
      outcome: first,
      maladministration: first === 'upheld' && random() < 0.5,
      serviceFailure: first !== 'not_upheld',
      response: pick(random, ANSWERS),
      at: when,
    }),
  );
  if (!stageOne) return;
  if (first !== 'not_upheld') {
    await at(answered + 3_600_000, () =>
      complaints.addRemedy(answerer, reference, { kind: 'apology', description: 'A written apology in our answer.' }),
    );
    if (random() < 0.3)
      await at(answered + 7_200_000, () =>
        complaints.addRemedy(answerer, reference, {
          kind: 'payment',
          description: 'A payment for the time and trouble caused.',
          amountPence: between(random, 5, 25) * 1000,
        }),
      );
    if (random() < 0.6) {
      let action: { id: string } | undefined;
      await at(answered + 10_800_000, async () => {
        action = await complaints.addLearningAction(answerer, reference, {
          description: 'Remind crews to report missed collections before the end of their round.',
          ownerId: answerer.id,
          dueOn: new Date(answered + 30 * DAY_MS).toISOString().slice(0, 10),
        });
      });
      // Most are done by their due date.
      if (action && random() < 0.7)
        await at(answered + between(random, 10, 29) * DAY_MS, () =>
          complaints.completeLearningAction(answerer, reference, action!.id),
        );
    }
  }
  if (random() < 0.6)
    await at(answered + between(random, 2, 10) * DAY_MS, () =>
      complaints.recordSatisfaction(reviewer, reference, { score: between(random, first === 'not_upheld' ? 1 : 2, 5) }),
    );
  if (random() >= 0.25) {
    await at(answered + between(random, 15, 25) * DAY_MS, () => complaints.close(reviewer, reference));
    return;
  }
  // Stage 2, reviewed by the complaints officer.
  const asked = answered + between(random, 3, 20) * DAY_MS;
  if (!(await at(asked, (when) => complaints.escalate(reviewer, reference, { at: when })))) return;
  const acknowledgedTwo = asked + between(random, 1, 6) * DAY_MS;
  if (!(await at(acknowledgedTwo, (when) => complaints.acknowledge(reviewer, reference, { at: when })))) return;
  const answeredTwo = acknowledgedTwo + between(random, 10, 32) * DAY_MS;
  const second = outcome();
  const stageTwo = await at(answeredTwo, (when) =>
    complaints.respond(reviewer, reference, {
      outcome: second,
      maladministration: second === 'upheld',
      serviceFailure: second !== 'not_upheld',
      response: pick(random, ANSWERS),
      at: when,
    }),
  );
  if (!stageTwo) return;
  if (random() < 0.35) {
    const referred = answeredTwo + between(random, 10, 40) * DAY_MS;
    if (
      !(await at(referred, (when) =>
        complaints.referToOmbudsman(reviewer, reference, {
          at: when,
          ombudsmanReference: `24 ${between(random, 100, 999)} ${between(random, 100, 999)}`,
        }),
      ))
    )
      return;
    await at(referred + between(random, 40, 90) * DAY_MS, (when) =>
      complaints.recordOmbudsmanDecision(reviewer, reference, {
        outcome: pick(random, ['not_investigated', 'not_upheld', 'partly_upheld'] as const),
        serviceFailure: random() < 0.4,
        at: when,
      }),
    );
    return;
  }
  await at(answeredTwo + between(random, 15, 25) * DAY_MS, () => complaints.close(reviewer, reference));
}
