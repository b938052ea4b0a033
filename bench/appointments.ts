// Appointments at scale (issue 9). A council with S sites open six days a week and V services
// offered at every site gets a year of slots (quick: 6 sites × 10 services, about 0.4 million
// slots; full: 12 × 20, about 1.8 million). Measured, each against a baseline in the same run:
// - generating the slots (generateSlots: sessions × days × slot lengths, skipping closed days,
//   in one INSERT ... SELECT) against copying the same rows into a table with the same indexes;
// - finding free slots (freeSlots for a service over a fortnight) against the bare SQL of the
//   index it stands on;
// - booking (book(): the guarded UPDATE of the slot, the appointment, its audit record and the
//   confirmation in the outbox, one transaction) from many connections at once, against the same
//   UPDATE and INSERT as bare SQL over as many connections;
// and, as a check rather than a speed, 50 bookings at once for one last place: exactly one wins.
import crypto from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createAppointmentsService } from '../src/appointments/service.ts';
import { createCustomersService } from '../src/customers/service.ts';
import type { Database } from '../src/db/schema.ts';
import { ensureCouncilAndAdministrator } from '../src/organisations/firstStart.ts';
import { findFirstCouncil, insertTeam } from '../src/organisations/repo.ts';
import { systemActor } from '../src/platform/actor.ts';
import { generateSlots } from '../src/appointments/slots.ts';
import { percentiles } from './load.ts';
import type { BenchResult } from './results.ts';
import { withBenchDatabase } from './servers.ts';

export interface AppointmentsBenchOptions {
  sites: number;
  services: number;
  /** Free-slot searches timed (and as many bare-SQL ones). */
  searches: number;
  /** Seconds of booking load, and how many at once. */
  seconds: number;
  connections: number;
}

const CUSTOMERS = 2_000;
/** The bench database's pool (withBenchDatabase's): the bare-SQL baseline books over as many connections. */
const BENCH_POOL = 4;

export async function benchAppointments(options: AppointmentsBenchOptions): Promise<BenchResult[]> {
  return await withBenchDatabase('appointments', async ({ db, url, dataDir }) => {
    await ensureCouncilAndAdministrator(db, { dataDir, councilName: 'Benchmark District Council', warn: () => undefined });
    const councilId = (await findFirstCouncil(db))!.id;
    const system = systemActor('bench');
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'customer-services', name: 'Customer Services' });
    const serviceIds: string[] = [];
    for (let index = 0; index < options.services; index++) {
      const row = await db
        .insertInto('services')
        .values({
          council_id: councilId,
          organisation_id: councilId,
          team_id: teamId,
          code: `appointment-${index + 1}`,
          name: `Appointment service ${index + 1}`,
          sla_working_days: 5,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      serviceIds.push(row.id);
      await db
        .insertInto('appointment_services')
        .values({
          service_id: row.id,
          council_id: councilId,
          duration_minutes: [15, 20, 30][index % 3]!,
          capacity: 1 + (index % 3),
          horizon_days: 366,
        })
        .execute();
    }
    for (let index = 0; index < options.sites; index++) {
      const site = await db
        .insertInto('sites')
        .values({
          organisation_id: councilId,
          code: `site-${index + 1}`,
          name: `One-stop shop ${index + 1}`,
          kind: 'one_stop_shop',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('site_hours')
        .values(
          [1, 2, 3, 4, 5, 6].map((weekday) => ({
            site_id: site.id,
            weekday,
            opens: '09:00',
            closes: weekday === 6 ? '12:30' : '17:00',
          })),
        )
        .execute();
      await db
        .insertInto('appointment_service_sites')
        .values(serviceIds.map((serviceId) => ({ service_id: serviceId, site_id: site.id })))
        .execute();
    }
    const size = `${options.sites} sites × ${options.services} services, a year ahead`;

    // Slot generation, and its baseline: the same rows copied into a table with the same indexes.
    let started = performance.now();
    const generated = await generateSlots(db, { councilId, now: new Date() });
    const generateMs = performance.now() - started;
    await sql`create table bench_slot_copy (like appointment_slots including all)`.execute(db);
    started = performance.now();
    await sql`insert into bench_slot_copy select * from appointment_slots`.execute(db);
    const copyMs = performance.now() - started;
    await sql`drop table bench_slot_copy`.execute(db);
    await sql`vacuum analyze appointment_slots`.execute(db);
    console.log(
      `  ${generated.toLocaleString('en-GB')} slots generated in ${(generateMs / 1000).toFixed(2)} s; copying them took ${(copyMs / 1000).toFixed(2)} s`,
    );
    const slotSize = `${size}: ${generated.toLocaleString('en-GB')} slots`;

    // Customers to book for, each with an email address so that every booking writes its confirmation.
    await sql`
      with made as (
        insert into customers (council_id, kind, given_name, family_name)
        select ${councilId}, 'person', 'Resident', 'Number ' || g from generate_series(1, ${CUSTOMERS}) g
        returning id, family_name
      )
      insert into customer_emails (customer_id, email, is_primary)
      select id, replace(lower(family_name), ' ', '') || '@bench.example', true from made`.execute(db);
    const customerIds = (await db.selectFrom('customers').select('id').execute()).map((row) => row.id);
    const customers = createCustomersService(db);
    const appointments = createAppointmentsService(db, {
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      notificationAddress: (id) => customers.notificationAddress(id),
      publicUrl: 'http://localhost',
    });

    // Free slots for a fortnight, from a random day in the year, of a random service.
    const today = new Date();
    const dayOf = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const searches = Array.from({ length: options.searches }, (_, index) => ({
      service: index % options.services,
      from: dayOf(1 + crypto.randomInt(340)),
    }));
    const own: number[] = [];
    for (const search of searches) {
      const begin = performance.now();
      await appointments.freeSlots(system, {
        councilId,
        serviceCode: `appointment-${search.service + 1}`,
        from: search.from,
        to: dayOf(Math.round((Date.parse(search.from) - today.getTime()) / 86_400_000) + 14),
      });
      own.push(performance.now() - begin);
    }
    const bare = new pg.Client({ connectionString: url });
    await bare.connect();
    const bareTimes: number[] = [];
    try {
      for (const search of searches) {
        const from = new Date(`${search.from}T00:00:00Z`);
        const begin = performance.now();
        await bare.query(
          `select id, site_id, starts_at, ends_at, capacity - booked as remaining from appointment_slots
           where service_id = $1 and starts_at > $2 and starts_at < $3 and booked < capacity
           order by starts_at limit 500`,
          [serviceIds[search.service], from, new Date(from.getTime() + 15 * 86_400_000)],
        );
        bareTimes.push(performance.now() - begin);
      }
    } finally {
      await bare.end();
    }
    const ownSearch = percentiles(own);
    const bareSearch = percentiles(bareTimes);
    console.log(
      `  free slots for a fortnight: p50 ${ownSearch.p50.toFixed(2)} ms, p95 ${ownSearch.p95.toFixed(2)} ms; bare SQL p95 ${bareSearch.p95.toFixed(2)} ms`,
    );

    // Booking from many connections at once, each a random slot in the next three months.
    const candidates = (
      await sql<{ id: string }>`
        select id from appointment_slots where starts_at < now() + interval '90 days' order by random() limit 50000`.execute(db)
    ).rows.map((row) => row.id);
    const booking = await underLoad(options, async (worker, index) => {
      const slotId = candidates[(worker * 7919 + index * 104_729) % candidates.length]!;
      const customerId = customerIds[(worker * 31 + index) % customerIds.length]!;
      try {
        await appointments.book(system, { slotId, customerId, channel: 'phone' }, { council: councilId });
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'Conflict') return false;
        throw error;
      }
    });
    const bareDb = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: BENCH_POOL }) }),
    });
    let bareBooking;
    try {
      bareBooking = await underLoad(options, async (worker, index) => {
        const slotId = candidates[(worker * 104_729 + index * 7919 + 13) % candidates.length]!;
        const customerId = customerIds[(worker * 17 + index) % customerIds.length]!;
        return await bareDb.transaction().execute(async (trx) => {
          const slot = await sql<{ id: string; site_id: string; service_id: string; starts_at: Date; ends_at: Date }>`
            update appointment_slots set booked = booked + 1 where id = ${slotId} and booked < capacity
            returning id, site_id, service_id, starts_at, ends_at`.execute(trx);
          const taken = slot.rows[0];
          if (!taken) return false;
          await trx
            .insertInto('appointments')
            .values({
              council_id: councilId,
              reference: `APT-${crypto
                .randomBytes(2)
                .toString('hex')
                .toUpperCase()
                .replace(/[ILOU]/g, '0')}-${crypto
                .randomBytes(2)
                .toString('hex')
                .toUpperCase()
                .replace(/[ILOU]/g, '0')}`,
              slot_id: taken.id,
              site_id: taken.site_id,
              service_id: taken.service_id,
              starts_at: taken.starts_at,
              ends_at: taken.ends_at,
              customer_id: customerId,
              channel: 'phone',
              manage_token: crypto.randomBytes(32).toString('base64url'),
            })
            .onConflict((conflict) => conflict.column('reference').doNothing())
            .execute();
          return true;
        });
      });
    } finally {
      await bareDb.destroy();
    }
    console.log(
      `  booking: ${booking.perSecond.toFixed(0)}/s (${booking.done} booked, ${booking.full} full); bare SQL ${bareBooking.perSecond.toFixed(0)}/s`,
    );

    // The last place, asked for by 50 at once: exactly one booking.
    const lastPlace = (
      await sql<{ id: string }>`
        select id from appointment_slots where booked = 0 and capacity = 1 and starts_at > now() + interval '200 days' limit 1`.execute(
        db,
      )
    ).rows[0]!.id;
    const race = await Promise.allSettled(
      customerIds
        .slice(0, 50)
        .map((customerId) =>
          appointments.book(system, { slotId: lastPlace, customerId, channel: 'web' }, { council: councilId }),
        ),
    );
    const winners = race.filter((attempt) => attempt.status === 'fulfilled').length;
    console.log(`  50 bookings at once for one last place: ${winners} booked`);
    if (winners !== 1) throw new Error(`the last place was booked ${winners} times`);

    const ratio = (value: number, baseline: number) => (baseline > 0 ? Number((value / baseline).toFixed(2)) : null);
    return [
      {
        name: 'appointments: slots generated (generateSlots, one INSERT ... SELECT)',
        size: slotSize,
        value: Number((generateMs / 1000).toFixed(2)),
        unit: 's',
        baseline: 'copying the same rows into a table with the same indexes',
        baselineValue: Number((copyMs / 1000).toFixed(2)),
        ratio: ratio(generateMs, copyMs),
      },
      {
        name: 'appointments: free slots for a fortnight, p95',
        size: `${slotSize}, ${options.searches} searches`,
        value: Number(ownSearch.p95.toFixed(2)),
        unit: 'ms',
        baseline: 'bare SQL on the slots index, p95',
        baselineValue: Number(bareSearch.p95.toFixed(2)),
        ratio: ratio(ownSearch.p95, bareSearch.p95),
      },
      {
        name: 'appointments: bookings per second (slot, appointment, audit, outbox in one transaction)',
        size: `${slotSize}, ${options.connections} at once for ${options.seconds} s`,
        value: Number(booking.perSecond.toFixed(0)),
        unit: 'bookings/s',
        baseline: `bare SQL: the same UPDATE and INSERT, as many at once over ${BENCH_POOL} pooled connections as OneDoor has`,
        baselineValue: Number(bareBooking.perSecond.toFixed(0)),
        // Lower is better in the contract's ratio: the baseline's rate over OneDoor's.
        ratio: ratio(bareBooking.perSecond, booking.perSecond),
      },
    ];
  });
}

/** Runs `attempt` from `connections` workers for `seconds`; how many succeeded per second. */
async function underLoad(
  options: { seconds: number; connections: number },
  attempt: (worker: number, index: number) => Promise<boolean>,
): Promise<{ perSecond: number; done: number; full: number }> {
  const until = performance.now() + options.seconds * 1000;
  let done = 0;
  let full = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async (_, worker) => {
      for (let index = 0; performance.now() < until; index++) {
        if (await attempt(worker, index)) done += 1;
        else full += 1;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), done, full };
}
