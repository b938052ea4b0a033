// Builders for test data, through the same operations the application uses.
import crypto from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { findFirstCouncil, findOrganisation } from '../../src/organisations/repo.ts';
import { createOrganisationsService } from '../../src/organisations/service.ts';
import { systemActor, type Role } from '../../src/platform/actor.ts';

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
