// What inbound email is tested with: a resident known by an email address, and a case of theirs
// for a reply to go on. Written through the operations the application uses.
import { newCaseReference, newTrackingToken } from '../../src/cases/reference.ts';
import { insertCase } from '../../src/cases/repo.ts';
import type { CaseStatus } from '../../src/cases/lifecycle.ts';
import type { Db } from '../../src/db/database.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Services } from '../../src/services.ts';

/** A person on the council's customer records with this email address; answers their id. */
export async function aResidentWithEmail(
  services: Pick<Services, 'customers'>,
  councilId: string,
  resident: { givenName: string; familyName: string; email: string },
): Promise<string> {
  const created = await services.customers.create(
    systemActor('test'),
    { kind: 'person', ...resident, address: {} },
    { confirmedNew: true, councilId },
  );
  if (!created.created) throw new Error(`${resident.email} matched a customer already`);
  return created.customer.id;
}

/** A missed-bin case reported on the web for `customerId` (or nobody), due a day after it came in. */
export async function aCaseOf(
  db: Db,
  options: {
    councilId: string;
    serviceId: string;
    teamId: string;
    customerId: string | null;
    status?: CaseStatus;
    receivedAt?: Date;
  },
): Promise<{ id: string; reference: string }> {
  const receivedAt = options.receivedAt ?? new Date();
  const reference = newCaseReference();
  const id = await insertCase(db, {
    councilId: options.councilId,
    reference,
    trackingToken: newTrackingToken(),
    serviceId: options.serviceId,
    customerId: options.customerId,
    channel: 'web',
    description: 'Missed bin',
    answers: {},
    location: null,
    uprn: null,
    ward: null,
    status: options.status ?? 'submitted',
    priority: 'normal',
    teamId: options.teamId,
    organisationId: options.councilId,
    receivedAt,
    dueAt: new Date(receivedAt.getTime() + 86_400_000),
    dueSoonAt: receivedAt,
    linkedTo: null,
    createdBy: null,
    createdByApiKey: null,
    submissionKey: null,
  });
  if (id === undefined) throw new Error(`case reference ${reference} taken`);
  return { id, reference };
}
