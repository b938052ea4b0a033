// The demo council's appointments: its one-stop shops' opening hours, the bus's weekly stops, the
// desks, four services that take appointments, and the next weeks' bookings made through the
// booking service (its clock set to when each was booked), so the staff see full days and the
// residents find some times taken. The residents are not written to.
import type { Db } from '../db/database.ts';
import { createAppointmentsService } from '../appointments/service.ts';
import { refreshSlots } from '../appointments/slots.ts';
import { systemActor } from '../platform/actor.ts';
import { between, seededRandom } from './people.ts';

const DAY_MS = 86_400_000;
const WEEKDAYS = [1, 2, 3, 4, 5];

/** Each site's weekly sessions: weekday (1 is Monday), opens, closes, and for the bus where it stops. */
const SESSIONS: Record<string, [number, string, string, string | null][]> = {
  oswestry: [
    ...WEEKDAYS.map((day) => [day, '09:00', '17:00', null] as [number, string, string, null]),
    [6, '09:00', '12:30', null],
  ],
  ellesmere: [
    [2, '09:30', '16:00', null],
    [4, '09:30', '16:00', null],
  ],
  bus: [
    [1, '10:00', '12:30', 'Whittington, village hall car park'],
    [1, '13:30', '15:30', 'Gobowen, Station Road'],
    [3, '10:00', '13:00', 'St Martin’s, Overton Road'],
    [5, '10:00', '13:00', 'Weston Rhyn, Bronygarth Road'],
  ],
};
const COUNTERS: Record<string, string[]> = {
  oswestry: ['Desk 1', 'Desk 2', 'Desk 3', 'Desk 4'],
  ellesmere: ['Desk 1', 'Desk 2'],
  bus: ['Bus desk'],
};
/** Services that take appointments: length, places per slot, and the sites that offer them. */
const BOOKABLE: { code: string; minutes: number; capacity: number; sites: string[] }[] = [
  { code: 'housing-benefit', minutes: 30, capacity: 2, sites: ['oswestry', 'ellesmere', 'bus'] },
  { code: 'council-tax', minutes: 20, capacity: 2, sites: ['oswestry', 'ellesmere', 'bus'] },
  { code: 'homelessness-advice', minutes: 45, capacity: 1, sites: ['oswestry'] },
  { code: 'bereavement-services', minutes: 30, capacity: 1, sites: ['oswestry'] },
];
const UPCOMING_BOOKINGS = 120;

export async function seedDemoAppointments(db: Db, councilId: string, seed = 9): Promise<{ appointments: number }> {
  const already = await db
    .selectFrom('appointment_services')
    .select('service_id')
    .where('council_id', '=', councilId)
    .limit(1)
    .executeTakeFirst();
  if (already) return { appointments: 0 };
  const sites = await db.selectFrom('sites').select(['id', 'code']).where('organisation_id', '=', councilId).execute();
  const siteId = new Map(sites.map((site) => [site.code, site.id]));
  const services = await db
    .selectFrom('services')
    .select(['id', 'code'])
    .where('council_id', '=', councilId)
    .where(
      'code',
      'in',
      BOOKABLE.map((service) => service.code),
    )
    .execute();
  const serviceId = new Map(services.map((service) => [service.code, service.id]));
  if (siteId.size === 0 || serviceId.size === 0) return { appointments: 0 };

  await db.transaction().execute(async (trx) => {
    for (const [code, sessions] of Object.entries(SESSIONS)) {
      const site = siteId.get(code);
      if (!site) continue;
      await trx
        .insertInto('site_hours')
        .values(sessions.map(([weekday, opens, closes, place]) => ({ site_id: site, weekday, opens, closes, place })))
        .execute();
      await trx
        .insertInto('site_counters')
        .values(COUNTERS[code]!.map((name) => ({ site_id: site, name })))
        .execute();
    }
    for (const bookable of BOOKABLE) {
      const service = serviceId.get(bookable.code);
      if (!service) continue;
      await trx
        .insertInto('appointment_services')
        .values({ service_id: service, council_id: councilId, duration_minutes: bookable.minutes, capacity: bookable.capacity })
        .execute();
      const offered = bookable.sites.flatMap((code) =>
        siteId.has(code) ? [{ service_id: service, site_id: siteId.get(code)! }] : [],
      );
      await trx.insertInto('appointment_service_sites').values(offered).execute();
    }
    await refreshSlots(trx, { councilId, now: new Date() });
  });

  // The next weeks' bookings, each made at a time before its slot, for the demo's residents.
  const customers = await db
    .selectFrom('customers')
    .select('id')
    .where('council_id', '=', councilId)
    .orderBy('created_at')
    .limit(300)
    .execute();
  if (customers.length === 0) return { appointments: 0 };
  const slots = await db
    .selectFrom('appointment_slots')
    .select(['id', 'starts_at'])
    .where('council_id', '=', councilId)
    .where('starts_at', '<', new Date(Date.now() + 21 * DAY_MS))
    .orderBy('starts_at')
    .execute();
  const random = seededRandom(seed);
  const today = Date.now();
  let clock = today;
  const appointments = createAppointmentsService(db, {
    findCustomer: async (_actor, id) => ({ id, councilId }),
    // The demo's residents are not written to: no messages in the outbox from the seed.
    notificationAddress: async () => undefined,
    publicUrl: 'http://localhost',
    now: () => new Date(clock),
  });
  const demo = systemActor('demo');
  let count = 0;
  for (let index = 0; index < UPCOMING_BOOKINGS && slots.length > 0; index++) {
    // Sooner days are fuller: the nearer half of the slots is picked from twice as often.
    const reach = random() < 0.66 ? Math.ceil(slots.length / 2) : slots.length;
    const slot = slots[between(random, 0, reach - 1)]!;
    clock = Math.min(today, slot.starts_at.getTime() - between(random, 1, 20) * 3_600_000);
    try {
      await appointments.book(
        demo,
        {
          slotId: slot.id,
          customerId: customers[between(random, 0, customers.length - 1)]!.id,
          channel: random() < 0.5 ? 'web' : 'phone',
        },
        { council: councilId },
      );
      count += 1;
    } catch (error) {
      // A slot already full is simply skipped: the demo takes what places there are.
      if (!(error instanceof Error && error.name === 'Conflict')) throw error;
    }
  }
  return { appointments: count };
}
