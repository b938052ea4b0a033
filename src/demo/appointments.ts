// The demo council's appointments: its one-stop shops' opening hours, the bus's weekly stops, the
// desks, four services that take appointments, the last four weeks at the Oswestry shop (bookings,
// check-ins, walk-ins, the advisors calling each next, no-shows) and the next weeks' bookings. All
// of it is made through the booking and queue services with their clocks set to each moment, so
// the figures and the queue are what OneDoor would have recorded. The residents are not written to.
import type { Db } from '../db/database.ts';
import { createQueueService } from '../appointments/queue.ts';
import { createAppointmentsService, type AppointmentsService } from '../appointments/service.ts';
import { generateSlots, refreshSlots } from '../appointments/slots.ts';
import { findUserByEmail } from '../organisations/repo.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { addCalendarDays, londonDate, startOfLondonDay } from '../services/calendar.ts';
import { between, pick, seededRandom, type Random } from './people.ts';

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
/** Past days of the Oswestry shop's queue. */
const HISTORY_DAYS = 28;
const MINUTE_MS = 60_000;

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

  const customers = (
    await db.selectFrom('customers').select('id').where('council_id', '=', councilId).orderBy('created_at').limit(300).execute()
  ).map((row) => row.id);
  if (customers.length === 0) return { appointments: 0 };
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
  const setClock = (time: number) => {
    clock = time;
  };

  const advisor = await findUserByEmail(db, 'advisor@severn-marches.example');
  const leader = await findUserByEmail(db, 'team-leader@severn-marches.example');
  const oswestry = siteId.get('oswestry');
  let count = 0;
  if (advisor && leader && oswestry) {
    const desk = (user: { id: string; name: string; email: string }, role: 'advisor' | 'team_leader'): StaffActor => ({
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
    count += await seedQueueHistory(db, {
      councilId,
      siteId: oswestry,
      staff: [desk(advisor, 'advisor'), desk(leader, 'team_leader')],
      customers,
      appointments,
      setClock,
      random,
      today,
    });
  }

  // The next weeks' bookings, each made at a time before its slot; sooner days are fuller.
  setClock(today);
  const slots = await db
    .selectFrom('appointment_slots')
    .select(['id', 'starts_at'])
    .where('council_id', '=', councilId)
    .where('starts_at', '>', new Date(today))
    .where('starts_at', '<', new Date(today + 21 * DAY_MS))
    .orderBy('starts_at')
    .execute();
  for (let index = 0; index < UPCOMING_BOOKINGS && slots.length > 0; index++) {
    const reach = random() < 0.66 ? Math.ceil(slots.length / 2) : slots.length;
    const slot = slots[between(random, 0, reach - 1)]!;
    setClock(Math.min(today, slot.starts_at.getTime() - between(random, 1, 20) * 3_600_000));
    if (await bookQuietly(appointments, councilId, slot.id, pick(random, customers), random)) count += 1;
  }
  return { appointments: count };
}

/** Books for the demo: the appointment's id, or undefined when the slot is already full (the demo takes what places there are). */
async function bookQuietly(
  appointments: AppointmentsService,
  councilId: string,
  slotId: string,
  customerId: string,
  random: Random,
): Promise<string | undefined> {
  try {
    const booked = await appointments.book(
      systemActor('demo'),
      { slotId, customerId, channel: random() < 0.5 ? 'web' : 'phone' },
      { council: councilId },
    );
    return booked.id;
  } catch (error) {
    if (error instanceof Error && error.name === 'Conflict') return undefined;
    throw error;
  }
}

/**
 * The Oswestry shop's last weeks, day by day: about half its appointment slots booked the week
 * before; on the day most arrive a few minutes early (some late, one in ten not at all), walk-ins
 * come through the day, and two people at the desks call each next as they come free, see them
 * and finish. Returns how many appointments it booked.
 */
async function seedQueueHistory(
  db: Db,
  setting: {
    councilId: string;
    siteId: string;
    staff: StaffActor[];
    customers: string[];
    appointments: AppointmentsService;
    setClock: (time: number) => void;
    random: Random;
    today: number;
  },
): Promise<number> {
  const { councilId, siteId, staff, customers, appointments, setClock, random, today } = setting;
  let clock = today;
  const queue = createQueueService(db, { now: () => new Date(clock) });
  const at = (time: number) => {
    clock = time;
    setClock(time);
  };
  const counters = await db.selectFrom('site_counters').select('id').where('site_id', '=', siteId).orderBy('name').execute();
  const services = await db.selectFrom('appointment_service_sites').select('service_id').where('site_id', '=', siteId).execute();
  const firstDay = addCalendarDays(londonDate(new Date(today)), -HISTORY_DAYS);
  // The slots of the past days: made as they would have been, a horizon ahead of each week.
  for (let day = -HISTORY_DAYS - 7; day < 0; day += 14) {
    await generateSlots(db, { councilId, siteId, now: new Date(today + day * DAY_MS) });
  }
  let booked = 0;
  for (let offset = 0; offset < HISTORY_DAYS; offset++) {
    const date = addCalendarDays(firstDay, offset);
    const opens = startOfLondonDay(date).getTime();
    const slots = await db
      .selectFrom('appointment_slots')
      .select(['id', 'starts_at'])
      .where('site_id', '=', siteId)
      .where('starts_at', '>=', new Date(opens))
      .where('starts_at', '<', new Date(opens + DAY_MS))
      .orderBy('starts_at')
      .execute();
    if (slots.length === 0) continue;
    // Booked the week before.
    const arrivals: { time: number; appointmentId?: string }[] = [];
    for (const slot of slots) {
      if (random() > 0.45) continue;
      at(slot.starts_at.getTime() - between(random, 1, 7) * DAY_MS);
      const appointmentId = await bookQuietly(appointments, councilId, slot.id, pick(random, setting.customers), random);
      if (!appointmentId) continue;
      booked += 1;
      if (random() < 0.1) continue; // did not come
      const early = random() < 0.85 ? -between(random, 1, 12) : between(random, 1, 15);
      arrivals.push({ time: slot.starts_at.getTime() + early * MINUTE_MS, appointmentId });
    }
    const first = slots[0]!.starts_at.getTime();
    const last = slots[slots.length - 1]!.starts_at.getTime();
    for (let walkIns = between(random, 6, 16); walkIns > 0; walkIns--) arrivals.push({ time: between(random, first, last) });
    arrivals.sort((one, other) => one.time - other.time);

    // The desks: each calls the next person when free, sees them a minute later, and finishes.
    // With nobody waiting, calling would find no one: the desk waits without asking the queue.
    const free = staff.map(() => first);
    let next = 0;
    let waiting = 0;
    for (let rounds = 0; rounds < 400; rounds++) {
      const desk = free.indexOf(Math.min(...free));
      const time = free[desk]!;
      while (next < arrivals.length && arrivals[next]!.time <= time) {
        const arrival = arrivals[next++]!;
        at(arrival.time);
        if (arrival.appointmentId) {
          const checkIn = await queue.checkInAtReception(staff[0]!, siteId, arrival.appointmentId);
          if (checkIn.outcome === 'checked_in') waiting += 1;
        } else {
          await queue.walkInAtReception(staff[0]!, siteId, {
            customerId: random() < 0.6 ? pick(random, customers) : undefined,
            serviceId: random() < 0.7 ? pick(random, services).service_id : undefined,
          });
          waiting += 1;
        }
      }
      if (time > last + 2 * 3_600_000) break;
      at(time);
      const called = waiting > 0 ? await queue.callNext(staff[desk]!, siteId, counters[desk % counters.length]!.id) : undefined;
      if (called) waiting -= 1;
      if (!called) {
        if (next >= arrivals.length) break;
        free[desk] = Math.max(time + MINUTE_MS, Math.min(arrivals[next]!.time, time + 5 * MINUTE_MS));
        continue;
      }
      at(time + MINUTE_MS);
      await queue.seen(staff[desk]!, siteId, called.id);
      const done = time + MINUTE_MS + between(random, 6, 25) * MINUTE_MS;
      at(done);
      await queue.finished(staff[desk]!, siteId, called.id);
      free[desk] = done + between(random, 0, 3) * MINUTE_MS;
    }
    at(startOfLondonDay(addCalendarDays(date, 1)).getTime());
    await appointments.markNoShows();
  }
  // Three people waiting now, so the queue page and the screen have someone to call.
  for (const minutesAgo of [14, 9, 3]) {
    at(today - minutesAgo * MINUTE_MS);
    await queue.walkInAtReception(staff[0]!, siteId, { serviceId: pick(random, services).service_id });
  }
  at(today);
  return booked;
}
