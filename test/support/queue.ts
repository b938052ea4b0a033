// Builders for the face-to-face queue's tests: counters at a site, a resident, appointments booked
// through the booking service as of a chosen clock, and staff signed in as the application sees them.
import type { Db } from '../../src/db/database.ts';
import { createAppointmentsService } from '../../src/appointments/service.ts';
import { createCustomerIn, createCustomersService } from '../../src/customers/service.ts';
import { systemActor, type Role, type StaffActor } from '../../src/platform/actor.ts';
import { createAuthService } from '../../src/platform/auth/service.ts';
import type { BookableFixture } from './appointments.ts';
import { aStaffMember } from './builders.ts';

const system = systemActor('test');

/** A counter (desk) at the site. */
export async function aCounter(db: Db, siteId: string, name: string): Promise<string> {
  const row = await db.insertInto('site_counters').values({ site_id: siteId, name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A resident of the council. */
export async function aResident(
  db: Db,
  councilId: string,
  person: { givenName: string; familyName: string; dateOfBirth?: string },
): Promise<string> {
  const created = await createCustomersService(db).create(
    system,
    { kind: 'person', ...person, address: {} },
    { confirmedNew: true, councilId },
  );
  if (!created.created) throw new Error('no customer');
  return created.customer.id;
}

/**
 * Books the resident into the fixture's slot that starts at `startsAt`, through the booking
 * service as it would have been at `bookedAt` (before the slot, so that it may be booked).
 */
export async function anAppointment(
  db: Db,
  fixture: BookableFixture,
  booking: { customerId: string; startsAt: Date; bookedAt: Date },
): Promise<{ id: string; reference: string }> {
  const slot = await db
    .selectFrom('appointment_slots')
    .select('id')
    .where('site_id', '=', fixture.siteId)
    .where('service_id', '=', fixture.serviceId)
    .where('starts_at', '=', booking.startsAt)
    .executeTakeFirst();
  if (!slot) throw new Error(`no slot at ${booking.startsAt.toISOString()}`);
  const customers = createCustomersService(db);
  const appointments = createAppointmentsService(db, {
    findCustomer: (actor, id) => customers.mayReferTo(actor, id),
    notificationAddress: (id) => customers.notificationAddress(id),
    createCustomer: createCustomerIn,
    publicUrl: 'https://council.example',
    now: () => booking.bookedAt,
  });
  const booked = await appointments.book(
    system,
    { slotId: slot.id, customerId: booking.customerId, channel: 'phone' },
    { council: fixture.councilId },
  );
  return { id: booked.id, reference: booked.reference };
}

/** A member of staff as the application sees them once signed in. */
export async function aSignedInActor(db: Db, roles: Role[], options: { organisation?: string; name?: string } = {}) {
  const member = await aStaffMember(db, { roles, ...options });
  const signedIn = await createAuthService(db).signedInStaff(member.id, '192.0.2.20');
  if (!signedIn) throw new Error('could not sign in');
  return { ...member, actor: signedIn.actor as StaffActor };
}
