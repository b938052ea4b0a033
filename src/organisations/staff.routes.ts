// Administration pages: staff accounts, teams, partner organisations, security settings.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ROLES, isRole, type StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, type FieldError } from '../platform/errors.ts';
import { pageErrors, parseForm } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { administrationPolicy } from './policy.ts';
import { PartnerForm, SecuritySettingsForm, StaffUserForm, TeamEditForm, TeamForm } from './schemas.ts';
import type { OrganisationsService, UserFilters } from './service.ts';

const view = (name: string) => `organisations/views/${name}.njk`;

type Params = { id: string };

export const organisationsStaffRoutes: FastifyPluginAsync<{ organisations: OrganisationsService }> = async (
  app,
  { organisations },
) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) administrationPolicy.authorize(request.staff, 'open', null);
  });

  /** Renders `template` again with the errors of a refused change (400), or rethrows. */
  async function refused(
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    template: string,
    data: Record<string, unknown>,
  ) {
    let errors: FieldError[];
    if (error instanceof Invalid) errors = error.errors;
    else if (error instanceof Conflict) errors = [{ field: '', message: error.reason }];
    else throw error;
    return reply.render(template, { ...data, errors: pageErrors(request.t, errors) }, error instanceof Conflict ? 409 : 400);
  }

  async function userFormData(actor: StaffActor, values: Record<string, unknown>) {
    const [organisationList, teams] = await Promise.all([
      organisations.administeredOrganisations(actor),
      organisations.listTeams(actor),
    ]);
    return { values, organisationList, teams: teams.filter((team) => team.active), roles: ROLES };
  }

  // Staff accounts

  app.get('/staff/admin/users', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const filters: UserFilters = {
      q: query.q?.trim().slice(0, 100) || undefined,
      role: isRole(query.role) ? query.role : undefined,
      organisationId: /^[0-9a-f-]{36}$/.test(query.organisation ?? '') ? query.organisation : undefined,
      status: query.status === 'active' || query.status === 'deactivated' ? query.status : undefined,
    };
    const page = Math.max(1, Math.min(10_000, Number.parseInt(query.page ?? '1', 10) || 1));
    const actor = staffOf(request);
    const [result, organisationList] = await Promise.all([
      organisations.listUsers(actor, filters, page),
      organisations.administeredOrganisations(actor),
    ]);
    const pageHref = (number: number) => {
      const search = new URLSearchParams({
        q: filters.q ?? '',
        role: filters.role ?? '',
        organisation: filters.organisationId ?? '',
        status: filters.status ?? '',
      });
      search.set('page', String(number));
      return `?${search.toString()}`;
    };
    return reply.render(view('users'), { ...result, filters, organisationList, roles: ROLES, pageHref });
  });

  app.get('/staff/admin/users/new', async (request, reply) => {
    const actor = staffOf(request);
    return reply.render(
      view('user-form'),
      await userFormData(actor, { organisationId: actor.organisationId, roles: [], teams: [] }),
    );
  });

  app.post('/staff/admin/users', async (request, reply) => {
    const actor = staffOf(request);
    const form = parseForm(StaffUserForm, request.body);
    if (!form.ok)
      return reply.render(
        view('user-form'),
        { ...(await userFormData(actor, form.values)), errors: pageErrors(request.t, form.errors) },
        400,
      );
    try {
      const created = await organisations.createUser(actor, form.value);
      request.session.set('temporaryPassword', { userId: created.id, password: created.temporaryPassword });
      request.session.set('flash', 'users.created');
      return reply.redirect(`/staff/admin/users/${created.id}`, 303);
    } catch (error) {
      return refused(request, reply, error, view('user-form'), await userFormData(actor, form.value));
    }
  });

  app.get<{ Params: Params }>('/staff/admin/users/:id', async (request, reply) => {
    const actor = staffOf(request);
    const user = await organisations.getUser(actor, request.params.id);
    // A temporary password is shown once, on the page after it was made, then forgotten.
    const issued = request.session.get('temporaryPassword');
    if (issued) request.session.set('temporaryPassword', undefined);
    return reply.render(view('user'), { user, temporaryPassword: issued?.userId === user.id ? issued.password : undefined });
  });

  app.get<{ Params: Params }>('/staff/admin/users/:id/edit', async (request, reply) => {
    const actor = staffOf(request);
    const user = await organisations.getUser(actor, request.params.id);
    const values = { ...user, teams: user.teams.map((team) => team.id) };
    return reply.render(view('user-form'), { ...(await userFormData(actor, values)), user });
  });

  app.post<{ Params: Params }>('/staff/admin/users/:id', async (request, reply) => {
    const actor = staffOf(request);
    const user = await organisations.getUser(actor, request.params.id);
    const form = parseForm(StaffUserForm, request.body);
    if (!form.ok) {
      return reply.render(
        view('user-form'),
        { ...(await userFormData(actor, form.values)), user, errors: pageErrors(request.t, form.errors) },
        400,
      );
    }
    try {
      await organisations.updateUser(actor, user.id, form.value);
      request.session.set('flash', 'users.updated');
      return reply.redirect(`/staff/admin/users/${user.id}`, 303);
    } catch (error) {
      return refused(request, reply, error, view('user-form'), { ...(await userFormData(actor, form.value)), user });
    }
  });

  // Actions that need a second look: a confirmation page, then the change.
  const confirmedActions = {
    deactivate: {
      run: (actor: StaffActor, id: string) => organisations.setUserActive(actor, id, false),
      done: 'users.deactivated',
    },
    reactivate: {
      run: (actor: StaffActor, id: string) => organisations.setUserActive(actor, id, true),
      done: 'users.reactivated',
    },
    'reset-two-factor': {
      run: (actor: StaffActor, id: string) => organisations.resetTwoFactor(actor, id),
      done: 'users.twoFactorReset',
    },
    'reset-password': {
      run: async (actor: StaffActor, id: string, request: FastifyRequest) => {
        const password = await organisations.resetPassword(actor, id);
        request.session.set('temporaryPassword', { userId: id, password });
      },
      done: 'users.passwordReset',
    },
  } as const;

  for (const [action, { run, done }] of Object.entries(confirmedActions)) {
    app.get<{ Params: Params }>(`/staff/admin/users/:id/${action}`, async (request, reply) => {
      const user = await organisations.getUser(staffOf(request), request.params.id);
      return reply.render(view('user-confirm'), { user, action });
    });
    app.post<{ Params: Params }>(`/staff/admin/users/:id/${action}`, async (request, reply) => {
      const actor = staffOf(request);
      const user = await organisations.getUser(actor, request.params.id);
      try {
        await run(actor, user.id, request);
      } catch (error) {
        return refused(request, reply, error, view('user-confirm'), { user, action });
      }
      request.session.set('flash', done);
      return reply.redirect(`/staff/admin/users/${user.id}`, 303);
    });
  }

  // Teams

  app.get('/staff/admin/teams', async (request, reply) => {
    const teams = await organisations.listTeams(staffOf(request));
    return reply.render(view('teams'), { teams });
  });

  const teamFormData = async (actor: StaffActor, values: Record<string, unknown>, team?: unknown) => ({
    values,
    team,
    organisationList: await organisations.administeredOrganisations(actor),
  });

  app.get('/staff/admin/teams/new', async (request, reply) => {
    const actor = staffOf(request);
    return reply.render(view('team-form'), await teamFormData(actor, { organisationId: actor.organisationId }));
  });

  app.post('/staff/admin/teams', async (request, reply) => {
    const actor = staffOf(request);
    const form = parseForm(TeamForm, request.body);
    if (!form.ok)
      return reply.render(
        view('team-form'),
        { ...(await teamFormData(actor, form.values)), errors: pageErrors(request.t, form.errors) },
        400,
      );
    try {
      await organisations.createTeam(actor, form.value);
    } catch (error) {
      return refused(request, reply, error, view('team-form'), await teamFormData(actor, form.value));
    }
    request.session.set('flash', 'teams.created');
    return reply.redirect('/staff/admin/teams', 303);
  });

  app.get<{ Params: Params }>('/staff/admin/teams/:id/edit', async (request, reply) => {
    const actor = staffOf(request);
    const team = await organisations.getTeam(actor, request.params.id);
    return reply.render(view('team-form'), await teamFormData(actor, { ...team, active: team.active ? 'yes' : 'no' }, team));
  });

  app.post<{ Params: Params }>('/staff/admin/teams/:id', async (request, reply) => {
    const actor = staffOf(request);
    const team = await organisations.getTeam(actor, request.params.id);
    const form = parseForm(TeamEditForm, request.body);
    const active = (request.body as Record<string, unknown>).active !== 'no';
    if (!form.ok) {
      return reply.render(
        view('team-form'),
        {
          ...(await teamFormData(actor, { ...form.values, active: active ? 'yes' : 'no' }, team)),
          errors: pageErrors(request.t, form.errors),
        },
        400,
      );
    }
    await organisations.updateTeam(actor, team.id, { ...form.value, active });
    request.session.set('flash', 'teams.updated');
    return reply.redirect('/staff/admin/teams', 303);
  });

  // Organisations

  app.get('/staff/admin/organisations', async (request, reply) => {
    const actor = staffOf(request);
    const list = await organisations.listOrganisations(actor);
    return reply.render(view('organisations'), { organisationList: list, canAddPartner: actor.organisationKind === 'council' });
  });

  app.get('/staff/admin/organisations/new', async (request, reply) => {
    await organisations.councilForNewPartner(staffOf(request));
    return reply.render(view('organisation-form'), { values: {} });
  });

  app.post('/staff/admin/organisations', async (request, reply) => {
    const actor = staffOf(request);
    const form = parseForm(PartnerForm, request.body);
    if (!form.ok)
      return reply.render(view('organisation-form'), { values: form.values, errors: pageErrors(request.t, form.errors) }, 400);
    try {
      await organisations.addPartner(actor, actor.councilId, form.value);
    } catch (error) {
      return refused(request, reply, error, view('organisation-form'), { values: form.value });
    }
    request.session.set('flash', 'organisations.created');
    return reply.redirect('/staff/admin/organisations', 303);
  });

  app.get<{ Params: Params }>('/staff/admin/organisations/:id/edit', async (request, reply) => {
    const organisation = await organisations.getOrganisation(staffOf(request), request.params.id);
    return reply.render(view('organisation-form'), { values: organisation, organisation });
  });

  app.post<{ Params: Params }>('/staff/admin/organisations/:id', async (request, reply) => {
    const actor = staffOf(request);
    const organisation = await organisations.getOrganisation(actor, request.params.id);
    const form = parseForm(PartnerForm, { ...(request.body as object), code: organisation.code });
    if (!form.ok) {
      return reply.render(
        view('organisation-form'),
        { values: form.values, organisation, errors: pageErrors(request.t, form.errors) },
        400,
      );
    }
    await organisations.updateOrganisation(actor, organisation.id, form.value);
    request.session.set('flash', 'organisations.updated');
    return reply.redirect('/staff/admin/organisations', 303);
  });

  // Security settings

  app.get('/staff/admin/security', async (request, reply) => {
    const settings = await organisations.securitySettings(staffOf(request));
    const required = ROLES.filter((role) => settings.get(role)?.mfaRequired);
    return reply.render(view('security'), { roles: ROLES, required });
  });

  app.post('/staff/admin/security', async (request, reply) => {
    const form = parseForm(SecuritySettingsForm, request.body);
    if (!form.ok) return reply.redirect('/staff/admin/security', 303);
    await organisations.setTwoFactorRequired(staffOf(request), form.value.mfaRequired);
    request.session.set('flash', 'security.updated');
    return reply.redirect('/staff/admin/security', 303);
  });
};
