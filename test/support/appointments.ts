// Builders for appointment tests: a site with weekly sessions, a service that takes appointments
// there, and its slots generated as the application generates them. Until the sites administration
// lands its own service, these insert the set-up rows directly and call refreshSlots.
import crypto from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { refreshSlots } from '../../src/appointments/slots.ts';
import { aService, aTeam } from './builders.ts';

export interface BookableFixture {
  councilId: string;
  siteId: string;
  serviceId: string;
  serviceCode: string;
}

/**
 * A one-stop shop open every day from 09:00 to 17:00 (or the sessions given: ISO weekday, opens,
 * closes) offering a `code` service of `durationMinutes` with `capacity` places per slot; its slots
 * generated as of `now`.
 */
export async function aBookableService(
  db: Db,
  options: {
    councilId: string;
    code?: string;
    name?: string;
    durationMinutes?: number;
    capacity?: number;
    horizonDays?: number;
    sessions?: [weekday: number, opens: string, closes: string][];
    siteKind?: 'one_stop_shop' | 'mobile_bus';
    place?: string;
    now: Date;
  },
): Promise<BookableFixture> {
  const suffix = crypto.randomBytes(3).toString('hex');
  const code = options.code ?? `register-${suffix}`;
  const teamId = await aTeam(db, { organisationId: options.councilId, code: `registrars-${suffix}`, name: 'Registrars' });
  const serviceId = await aService(db, {
    councilId: options.councilId,
    teamId,
    code,
    name: options.name ?? 'Register a birth',
    slaWorkingDays: 5,
  });
  const site = await db
    .insertInto('sites')
    .values({
      organisation_id: options.councilId,
      code: `shop-${suffix}`,
      name: `Castle Street one-stop shop ${suffix}`,
      kind: options.siteKind ?? 'one_stop_shop',
      address_line1: '1 Castle Street',
      town: 'Shrewsbury',
      postcode: 'SY1 2AB',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sessions = options.sessions ?? [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '09:00', '17:00'] as [number, string, string]);
  await db
    .insertInto('site_hours')
    .values(
      sessions.map(([weekday, opens, closes]) => ({
        site_id: site.id,
        weekday,
        opens,
        closes,
        place: options.place ?? null,
      })),
    )
    .execute();
  await db
    .insertInto('appointment_services')
    .values({
      service_id: serviceId,
      council_id: options.councilId,
      duration_minutes: options.durationMinutes ?? 30,
      capacity: options.capacity ?? 1,
      horizon_days: options.horizonDays ?? 14,
    })
    .execute();
  await db.insertInto('appointment_service_sites').values({ service_id: serviceId, site_id: site.id }).execute();
  await refreshSlots(db, { councilId: options.councilId, serviceId, now: options.now });
  return { councilId: options.councilId, siteId: site.id, serviceId, serviceCode: code };
}
