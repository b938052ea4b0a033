// A council with teams, services, wards and people for the case pages' tests: cases are raised
// through the cases service, as the API and the pages raise them.
import { sql } from 'kysely';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor, type Role } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from './builders.ts';
import type { TestServer } from './server.ts';

export const WARDS = { castle: 100_001, oswestryEast: 100_002, carreg: 100_003 } as const;
const WARD_NAMES: Record<keyof typeof WARDS, string> = {
  castle: 'Castle',
  oswestryEast: 'Oswestry East',
  carreg: 'Carreg Llwyd',
};

export interface QueueFixture {
  councilId: string;
  teams: { waste: string; planning: string; partner: string };
  services: { missedBin: string; flyTipping: string };
  people: {
    leader: BuiltStaffMember & { name: string };
    officer: BuiltStaffMember & { name: string };
    partnerWorker: BuiltStaffMember & { name: string };
  };
  /** Raises a case (through the service) and returns its id and reference. */
  raise(options: {
    service?: 'missed-bin' | 'fly-tipping';
    description: string;
    ward?: keyof typeof WARDS;
    toPartner?: boolean;
  }): Promise<{ id: string; reference: string }>;
  /** Sets when a case falls due (in days from now, negative for the past), and so its SLA state. */
  due(caseId: string, dueInDays: number, dueSoonInDays?: number): Promise<void>;
}

export async function aQueueFixture(server: TestServer, prefix = 'queue'): Promise<QueueFixture> {
  const db = server.db;
  const councilId = (await findFirstCouncil(db))!.id;
  const waste = await insertTeam(db, { organisationId: councilId, code: `${prefix}-waste`, name: 'Waste and Recycling' });
  const planning = await insertTeam(db, { organisationId: councilId, code: `${prefix}-planning`, name: 'Planning' });
  const partnerId = await aPartnerAgency(db, `${prefix}-police`, 'Borough Police');
  const partner = await insertTeam(db, {
    organisationId: partnerId,
    code: `${prefix}-neighbourhood`,
    name: 'Neighbourhood Policing',
  });

  const service = async (code: string, name: string, days: number) =>
    (
      await db
        .insertInto('services')
        .values({
          council_id: councilId,
          code: `${prefix}-${code}`,
          name,
          team_id: waste,
          organisation_id: councilId,
          sla_working_days: days,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const missedBin = await service('missed-bin', 'Missed bin collection', 2);
  const flyTipping = await service('fly-tipping', 'Report fly-tipping', 5);
  await db
    .insertInto('service_questions')
    .values({
      service_id: flyTipping,
      position: 1,
      code: 'who',
      label: 'Who should deal with it?',
      kind: 'text',
      required: false,
    })
    .execute();
  await db
    .insertInto('service_routing_rules')
    .values({ service_id: flyTipping, position: 1, question_code: 'who', answer_value: 'police', team_id: partner })
    .execute();
  await db
    .insertInto('properties')
    .values(
      Object.entries(WARDS).map(([key, uprn], index) => ({
        uprn,
        council_id: councilId,
        address_line1: `${index + 1} Church Street`,
        town: 'Oswestry',
        postcode: 'SY11 2AA',
        latitude: 52.86 + index * 0.01,
        longitude: -3.05,
        ward: WARD_NAMES[key as keyof typeof WARDS],
      })),
    )
    .onConflict((conflict) => conflict.column('uprn').doNothing())
    .execute();

  const person = async (role: Role, name: string, team: string, organisation?: string) => {
    const built = await aStaffMember(db, { roles: [role], name, ...(organisation ? { organisation } : {}) });
    await db.insertInto('team_members').values({ team_id: team, user_id: built.id }).execute();
    return { ...built, name };
  };
  const people = {
    leader: await person('team_leader', 'Tomos Leader', waste),
    officer: await person('officer', 'Sam Officer', waste),
    partnerWorker: await person('partner_worker', 'Pat Constable', partner, `${prefix}-police`),
  };

  return {
    councilId,
    teams: { waste, planning, partner },
    services: { missedBin, flyTipping },
    people,
    async raise(options) {
      const raised = await server.services.cases.raise(
        systemActor('test'),
        {
          serviceCode: `${prefix}-${options.service ?? 'missed-bin'}`,
          description: options.description,
          channel: 'phone',
          ...(options.ward ? { location: { uprn: WARDS[options.ward] } } : {}),
          ...(options.toPartner ? { answers: { who: 'police' } } : {}),
        },
        { council: councilId },
      );
      return { id: raised.id, reference: raised.reference };
    },
    async due(caseId, dueInDays, dueSoonInDays = dueInDays - 1) {
      await db
        .updateTable('cases')
        .set({
          due_at: sql`now() + make_interval(secs => ${dueInDays * 86_400})`,
          due_soon_at: sql`now() + make_interval(secs => ${dueSoonInDays * 86_400})`,
        })
        .where('id', '=', caseId)
        .execute();
    },
  };
}
