// Builders for test data, through the same operations the application uses.
import crypto from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import type { Services } from '../../src/services.ts';
import { findFirstCouncil, findOrganisation, insertTeam } from '../../src/organisations/repo.ts';
import { createOrganisationsService } from '../../src/organisations/service.ts';
import { systemActor, type Role } from '../../src/platform/actor.ts';
import type { QuestionKind } from '../../src/services/schemas.ts';

export interface BuiltStaffMember {
  id: string;
  email: string;
  password: string;
  organisationId: string;
}

/** A staff account (in the first council unless `organisation` names another by code). */
export async function aStaffMember(
  db: Db,
  options: { roles: Role[]; organisation?: string; name?: string; email?: string; password?: string },
): Promise<BuiltStaffMember> {
  const organisation = options.organisation ? await findOrganisation(db, options.organisation) : await findFirstCouncil(db);
  if (!organisation) throw new Error(`no organisation ${options.organisation ?? '(council)'}`);
  const email = options.email ?? `${options.roles[0]}-${crypto.randomBytes(4).toString('hex')}@test.example`;
  const password = options.password ?? `kettle lantern ${crypto.randomBytes(4).toString('hex')}`;
  const { id } = await createOrganisationsService(db).createUser(
    systemActor('test'),
    { name: options.name ?? 'Test Person', email, organisationId: organisation.id, roles: options.roles, teams: [] },
    { password },
  );
  return { id, email, password, organisationId: organisation.id };
}

/** A partner agency beside the first council. */
export async function aPartnerAgency(db: Db, code: string, name = `Partner ${code}`): Promise<string> {
  const council = await findFirstCouncil(db);
  if (!council) throw new Error('no council');
  return await createOrganisationsService(db).addPartner(systemActor('test'), council.id, { code, name });
}

/** A team of `organisationId` with these staff in it. */
export async function aTeam(
  db: Db,
  team: { organisationId: string; code: string; name: string; nameCy?: string },
  members: { id: string }[] = [],
): Promise<string> {
  const id = await insertTeam(db, team);
  if (members.length > 0)
    await db
      .insertInto('team_members')
      .values(members.map((member) => ({ team_id: id, user_id: member.id })))
      .execute();
  return id;
}

export interface QuestionSpec {
  code: string;
  label: string;
  kind: QuestionKind;
  required?: boolean;
  /** For a choice: its options' values and labels. */
  options?: [string, string][];
}

/** The questions the case tests' fly-tipping service asks: what was dumped, and where. */
export const FLY_TIPPING_QUESTIONS: QuestionSpec[] = [
  {
    code: 'what',
    label: 'What has been dumped?',
    kind: 'choice',
    options: [
      ['bags', 'Bags'],
      ['asbestos', 'Asbestos'],
    ],
  },
  { code: 'where', label: 'Where is it?', kind: 'location' },
];

/** A service of the council owned by `teamId` (one of the council's own), asking these questions in order. */
export async function aService(
  db: Db,
  service: {
    councilId: string;
    teamId: string;
    code: string;
    name: string;
    nameCy?: string;
    slaWorkingDays: number;
    advisorScript?: string;
    questions?: QuestionSpec[];
  },
): Promise<string> {
  const { id } = await db
    .insertInto('services')
    .values({
      council_id: service.councilId,
      code: service.code,
      name: service.name,
      name_cy: service.nameCy ?? null,
      team_id: service.teamId,
      organisation_id: service.councilId,
      sla_working_days: service.slaWorkingDays,
      advisor_script: service.advisorScript ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const questions = service.questions ?? [];
  if (questions.length > 0)
    await db
      .insertInto('service_questions')
      .values(
        questions.map((question, index) => ({
          service_id: id,
          position: index + 1,
          code: question.code,
          label: question.label,
          kind: question.kind,
          required: question.required ?? true,
          options: JSON.stringify((question.options ?? []).map(([value, label]) => ({ value, label }))),
        })),
      )
      .execute();
  return id;
}

/**
 * The council's potholes service, whose one question is where, and one property on the map
 * (1 Bailey Head, Oswestry, SY11 1PZ at 52.8604, -3.0537): the request journeys' map tests.
 */
export async function aPotholesServiceOnTheMap(db: Db): Promise<{ councilId: string; uprn: number }> {
  const councilId = (await findFirstCouncil(db))!.id;
  const teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Street Scene' });
  await aService(db, {
    councilId,
    teamId,
    code: 'potholes',
    name: 'Potholes',
    slaWorkingDays: 5,
    questions: [{ code: 'where', label: 'Where is the pothole?', kind: 'location' }],
  });
  const uprn = 400_001;
  await db
    .insertInto('properties')
    .values({
      uprn,
      council_id: councilId,
      address_line1: '1 Bailey Head',
      town: 'Oswestry',
      postcode: 'SY11 1PZ',
      latitude: 52.8604,
      longitude: -3.0537,
      ward: 'Castle',
    })
    .execute();
  return { councilId, uprn };
}

/**
 * The complaint tests' council: a Waste and Recycling team with its "Report a missed bin" service,
 * and one resident to complain about it. Returns the resident's customer id.
 */
export async function aMissedBinComplainant(
  server: { db: Db; services: Services },
  person: { givenName: string; familyName: string; email: string },
): Promise<string> {
  const councilId = (await findFirstCouncil(server.db))!.id;
  const teamId = await aTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste and Recycling' });
  await aService(server.db, { councilId, teamId, code: 'missed-bin', name: 'Report a missed bin', slaWorkingDays: 5 });
  const created = await server.services.customers.create(
    systemActor('test'),
    { kind: 'person', ...person, address: {} },
    { confirmedNew: true, councilId },
  );
  if (!created.created) throw new Error('no customer');
  return created.customer.id;
}
