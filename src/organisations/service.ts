// Running organisations, teams and staff accounts. Each change is checked against the policy,
// and commits in one transaction with its audit record.
import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/database.ts';
import { ROLES, type Actor, type Role } from '../platform/actor.ts';
import { changesBetween, recordAudit } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { hashPassword, passwordProblem } from '../platform/passwords.ts';
import { administrationScope, type OrganisationScope } from '../platform/policy.ts';
import { endSessionsOf } from '../platform/sessions.ts';
import { organisationPolicy, securitySettingsPolicy, staffUserPolicy, teamPolicy } from './policy.ts';
import * as repo from './repo.ts';
import type { PartnerInput, StaffUserInput, TeamEditInput, TeamInput } from './schemas.ts';
import { isUuid } from '../platform/ids.ts';

export type { OrganisationRecord, StaffUserRecord, TeamRecord, UserFilters } from './repo.ts';

export const USERS_PAGE_SIZE = 25;

/** A one-off password for an administrator to pass on; its holder must change it at sign-in. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(16);
  const characters = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return [0, 4, 8, 12].map((start) => characters.slice(start, start + 4).join('')).join('-');
}

/** A new organisation and its audit record, in the caller's transaction (the demo and the benchmarks make theirs so too). */
export async function insertOrganisationAudited(
  trx: Queryable,
  actor: Actor,
  organisation: Parameters<typeof repo.insertOrganisation>[1],
): Promise<string> {
  const id = await repo.insertOrganisation(trx, organisation);
  await recordAudit(trx, actor, {
    action: 'organisation.create',
    organisationId: id,
    recordType: 'organisation',
    recordId: id,
    changes: changesBetween({}, organisation, ['name', 'nameCy', 'code', 'kind']),
  });
  return id;
}

export function createOrganisationsService(db: Db) {
  const scopeOf = (actor: Actor): OrganisationScope | 'all' => administrationScope(actor);

  async function requireUser(actor: Actor, id: string, action: Parameters<typeof staffUserPolicy.authorize>[1]) {
    const user = isUuid(id) ? await repo.findUser(db, id) : undefined;
    if (!user) throw new NotFound('user');
    // Someone who may not see the account is told it does not exist (no probing for ids).
    if (!staffUserPolicy.can(actor, 'read', user)) throw new NotFound('user');
    staffUserPolicy.authorize(actor, action, user);
    return user;
  }

  async function requireTeam(actor: Actor, id: string) {
    const team = isUuid(id) ? await repo.findTeam(db, id) : undefined;
    if (!team || !teamPolicy.can(actor, 'read', team)) throw new NotFound('team');
    return team;
  }

  async function requireOrganisation(actor: Actor, id: string) {
    const organisation = isUuid(id) ? await repo.findOrganisation(db, id) : undefined;
    if (!organisation || !organisationPolicy.can(actor, 'read', organisation)) throw new NotFound('organisation');
    return organisation;
  }

  /** The teams given must belong to the account's organisation. */
  async function checkTeams(organisationId: string, teamIds: string[]): Promise<void> {
    if (teamIds.length === 0) return;
    const teams = await repo.listTeams(db, 'all', organisationId);
    const known = new Set(teams.map((team) => team.id));
    if (!teamIds.every((id) => known.has(id))) throw new Invalid([{ field: 'teams', message: 'users.errors.teamsInvalid' }]);
  }

  return {
    async listOrganisations(actor: Actor) {
      return await repo.listOrganisations(db, actor.kind === 'system' ? 'all' : unionScope(actor));
    },

    /** The organisations whose accounts and teams `actor` administers (for pickers). */
    async administeredOrganisations(actor: Actor) {
      return await repo.listOrganisations(db, scopeOf(actor));
    },

    async getOrganisation(actor: Actor, id: string) {
      return await requireOrganisation(actor, id);
    },

    /** Partner agencies are added by the administrators of the council they work beside. */
    async councilForNewPartner(actor: Actor) {
      const council = actor.kind === 'staff' ? await repo.findOrganisation(db, actor.councilId) : undefined;
      if (!council) throw new NotFound('organisation');
      organisationPolicy.authorize(actor, 'addPartner', council);
      return council;
    },

    async addPartner(actor: Actor, councilId: string, input: PartnerInput) {
      const council = isUuid(councilId) ? await repo.findOrganisation(db, councilId) : undefined;
      if (!council) throw new NotFound('organisation');
      organisationPolicy.authorize(actor, 'addPartner', council);
      if (await repo.findOrganisation(db, input.code))
        throw new Invalid([{ field: 'code', message: 'organisations.errors.codeTaken' }]);
      return await db
        .transaction()
        .execute((trx) => insertOrganisationAudited(trx, actor, { ...input, kind: 'partner', councilId: council.id }));
    },

    async updateOrganisation(actor: Actor, id: string, input: { name: string; nameCy?: string }) {
      const organisation = await requireOrganisation(actor, id);
      organisationPolicy.authorize(actor, 'update', organisation);
      const after = { name: input.name, nameCy: input.nameCy ?? null };
      await db.transaction().execute(async (trx) => {
        await repo.updateOrganisation(trx, id, after);
        await recordAudit(trx, actor, {
          action: 'organisation.update',
          organisationId: id,
          recordType: 'organisation',
          recordId: id,
          changes: changesBetween(organisation, after, ['name', 'nameCy']),
        });
      });
    },

    // Teams

    async listTeams(actor: Actor, organisationId?: string) {
      const teams = await repo.listTeams(db, actor.kind === 'system' ? 'all' : unionScope(actor), organisationId);
      return teams.filter((team) => teamPolicy.can(actor, 'read', team));
    },

    async getTeam(actor: Actor, id: string) {
      return await requireTeam(actor, id);
    },

    async createTeam(actor: Actor, input: TeamInput) {
      const organisation = await requireOrganisation(actor, input.organisationId);
      teamPolicy.authorize(actor, 'create', { organisationId: organisation.id, organisationCouncilId: organisation.councilId });
      if (await repo.teamCodeTaken(db, organisation.id, input.code)) {
        throw new Invalid([{ field: 'code', message: 'teams.errors.codeTaken' }]);
      }
      return await db.transaction().execute(async (trx) => {
        const id = await repo.insertTeam(trx, input);
        await recordAudit(trx, actor, {
          action: 'team.create',
          organisationId: organisation.id,
          recordType: 'team',
          recordId: id,
          changes: changesBetween({}, input, ['name', 'nameCy', 'code', 'email']),
        });
        return id;
      });
    },

    async updateTeam(actor: Actor, id: string, input: TeamEditInput & { active?: boolean }) {
      const team = await requireTeam(actor, id);
      teamPolicy.authorize(actor, 'update', team);
      const after = {
        name: input.name,
        nameCy: input.nameCy ?? null,
        email: input.email ?? null,
        active: input.active ?? team.active,
      };
      await db.transaction().execute(async (trx) => {
        await repo.updateTeam(trx, id, after);
        await recordAudit(trx, actor, {
          action: 'team.update',
          organisationId: team.organisationId,
          recordType: 'team',
          recordId: id,
          changes: changesBetween(team, after, ['name', 'nameCy', 'email', 'active']),
        });
      });
    },

    // Staff accounts

    async listUsers(actor: Actor, filters: repo.UserFilters, page: number) {
      const { users, total } = await repo.listUsers(db, scopeOf(actor), filters, page, USERS_PAGE_SIZE);
      return { users, total, page, pageCount: Math.max(1, Math.ceil(total / USERS_PAGE_SIZE)) };
    },

    async getUser(actor: Actor, id: string) {
      return await requireUser(actor, id, 'read');
    },

    /**
     * Creates a staff account. Without `password`, a temporary one is made up, returned once for
     * the administrator to pass on, and must be changed at first sign-in.
     */
    async createUser(actor: Actor, input: StaffUserInput, options: { password?: string; enforcePasswordRules?: boolean } = {}) {
      const organisation = await requireOrganisation(actor, input.organisationId);
      staffUserPolicy.authorize(actor, 'create', {
        id: '',
        organisationId: organisation.id,
        organisationCouncilId: organisation.councilId,
      });
      const email = input.email.toLowerCase();
      if (await repo.emailTaken(db, email)) throw new Invalid([{ field: 'email', message: 'users.errors.emailTaken' }]);
      await checkTeams(organisation.id, input.teams);
      if (options.password !== undefined && options.enforcePasswordRules !== false) {
        const problem = passwordProblem(options.password, { email, name: input.name });
        if (problem) throw new Invalid([{ field: 'password', message: `passwords.errors.${problem}` }]);
      }
      const password = options.password ?? temporaryPassword();
      const passwordHash = await hashPassword(password);
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertUser(trx, {
          organisationId: organisation.id,
          email,
          name: input.name,
          roles: input.roles,
          passwordHash,
          mustChangePassword: options.password === undefined,
        });
        await repo.setUserTeams(trx, id, input.teams);
        await recordAudit(trx, actor, {
          action: 'user.create',
          organisationId: organisation.id,
          recordType: 'staff_user',
          recordId: id,
          changes: changesBetween({}, { name: input.name, email, roles: input.roles, teams: input.teams }, [
            'name',
            'email',
            'roles',
            'teams',
          ]),
        });
        return id;
      });
      return { id, temporaryPassword: options.password === undefined ? password : undefined };
    },

    async updateUser(actor: Actor, id: string, input: StaffUserInput) {
      const user = await requireUser(actor, id, 'update');
      const organisation = await requireOrganisation(actor, input.organisationId);
      staffUserPolicy.authorize(actor, 'update', {
        id,
        organisationId: organisation.id,
        organisationCouncilId: organisation.councilId,
      });
      const email = input.email.toLowerCase();
      if (await repo.emailTaken(db, email, id)) throw new Invalid([{ field: 'email', message: 'users.errors.emailTaken' }]);
      await checkTeams(organisation.id, input.teams);
      const losesAdmin =
        user.roles.includes('admin') && (!input.roles.includes('admin') || organisation.id !== user.organisationId);
      if (losesAdmin && actor.kind === 'staff' && actor.id === id) throw new Conflict('users.errors.cannotRemoveOwnAdmin');
      if (losesAdmin && user.active && (await repo.countOtherActiveAdmins(db, user.organisationId, id)) === 0) {
        throw new Conflict('users.errors.lastAdmin');
      }
      const before = { ...user, teams: user.teams.map((team) => team.id) };
      const after = { name: input.name, email, roles: input.roles, organisationId: organisation.id, teams: input.teams };
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, id, after);
        await repo.setUserTeams(trx, id, input.teams);
        await recordAudit(trx, actor, {
          action: 'user.update',
          organisationId: organisation.id,
          recordType: 'staff_user',
          recordId: id,
          changes: changesBetween(before, after, ['name', 'email', 'roles', 'organisationId', 'teams']),
        });
      });
    },

    /** Deactivating ends every session the person has, at once. */
    async setUserActive(actor: Actor, id: string, active: boolean) {
      const user = await requireUser(actor, id, 'deactivate');
      if (user.active === active) return;
      if (!active && user.roles.includes('admin') && (await repo.countOtherActiveAdmins(db, user.organisationId, id)) === 0) {
        throw new Conflict('users.errors.lastAdmin');
      }
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, id, { active });
        const sessionsEnded = active ? 0 : await endSessionsOf(trx, id);
        await recordAudit(trx, actor, {
          action: active ? 'user.reactivate' : 'user.deactivate',
          organisationId: user.organisationId,
          recordType: 'staff_user',
          recordId: id,
          changes: { active: { from: user.active, to: active } },
          details: active ? undefined : { sessionsEnded },
        });
      });
    },

    /** Gives the account a temporary password (returned once), ends its sessions, forces a change. */
    async resetPassword(actor: Actor, id: string) {
      const user = await requireUser(actor, id, 'resetPassword');
      const password = temporaryPassword();
      const passwordHash = await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, id, { passwordHash, mustChangePassword: true });
        const sessionsEnded = await endSessionsOf(trx, id);
        await recordAudit(trx, actor, {
          action: 'user.reset_password',
          organisationId: user.organisationId,
          recordType: 'staff_user',
          recordId: id,
          details: { sessionsEnded },
        });
      });
      return password;
    },

    /** Removes a lost authenticator; the person sets up a new one at their next sign-in if required. */
    async resetTwoFactor(actor: Actor, id: string) {
      const user = await requireUser(actor, id, 'resetTwoFactor');
      if (!user.twoFactorEnabled) return;
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, id, { clearTwoFactor: true });
        await endSessionsOf(trx, id);
        await recordAudit(trx, actor, {
          action: 'user.reset_two_factor',
          organisationId: user.organisationId,
          recordType: 'staff_user',
          recordId: id,
        });
      });
    },

    // Security settings

    async securitySettings(actor: Actor) {
      securitySettingsPolicy.authorize(actor, 'read', null);
      return await repo.roleSettings(db);
    },

    async setTwoFactorRequired(actor: Actor, requiredFor: Role[]) {
      securitySettingsPolicy.authorize(actor, 'update', null);
      const current = await repo.roleSettings(db);
      const before = [...current]
        .filter(([, setting]) => setting.mfaRequired)
        .map(([role]) => role)
        .sort();
      await db.transaction().execute(async (trx) => {
        for (const role of ROLES) {
          await repo.setRoleMfaRequired(trx, role, requiredFor.includes(role));
        }
        await recordAudit(trx, actor, {
          action: 'security.update',
          organisationId: actor.kind === 'staff' ? actor.organisationId : null,
          recordType: 'role_settings',
          changes: changesBetween({ mfaRequired: before }, { mfaRequired: [...requiredFor].sort() }, ['mfaRequired']),
        });
      });
    },
  };
}

export type OrganisationsService = ReturnType<typeof createOrganisationsService>;

/** What a person may look at: everything they administer, plus their own organisation. */
function unionScope(actor: Exclude<Actor, { kind: 'system' }>): OrganisationScope {
  const administered = administrationScope(actor);
  if (administered === 'all') return { organisationIds: [actor.organisationId] };
  return { ...administered, organisationIds: [...(administered.organisationIds ?? []), actor.organisationId] };
}
