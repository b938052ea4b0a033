// The service catalogue's pages: a council's administrators add and change services, their
// questions and routing rules; its team leaders read them. No JavaScript: moving a question is a
// button in a small form, removing one asks first.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { formFields, pageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import { optionsText } from './checks.ts';
import { catalogueAdministrationPolicy, servicePolicy } from './policy.ts';
import { PRIORITIES, QUESTION_KINDS } from './schemas.ts';
import type { Direction, ServiceFilters, ServicesService } from './service.ts';

const view = (name: string) => `services/views/${name}.njk`;
const BASE = '/staff/admin/services';

type ServiceParams = { id: string };
type ItemParams = { id: string; item: string };
type Body = Record<string, unknown>;

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const directionOf = (body: Body): Direction => (body.direction === 'up' ? 'up' : 'down');

export const servicesStaffRoutes: FastifyPluginAsync<{ services: ServicesService }> = async (app, { services }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) catalogueAdministrationPolicy.authorize(request.staff, 'open', null);
  });

  const canManage = (actor: StaffActor) => servicePolicy.can(actor, 'manage', { councilId: actor.councilId });

  /** Renders `template` again with the problems of a refused change (400; 409 for a conflict), or rethrows. */
  async function refused(request: FastifyRequest, reply: FastifyReply, error: unknown, template: string, data: Body) {
    let errors: FieldError[];
    if (error instanceof Invalid) errors = error.errors;
    else if (error instanceof Conflict) errors = [{ field: '', message: error.reason }];
    else throw error;
    return reply.render(template, { ...data, errors: pageErrors(request.t, errors) }, error instanceof Conflict ? 409 : 400);
  }

  // The catalogue

  app.get(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const query = request.query as Record<string, string | undefined>;
    const filters: ServiceFilters = {
      teamId: isUuid(query.team) ? query.team : undefined,
      public: query.public === 'yes' ? true : query.public === 'no' ? false : undefined,
      active: query.active === 'yes' ? true : query.active === 'no' ? false : undefined,
    };
    const [list, teams] = await Promise.all([services.list(actor, filters), services.teams(actor)]);
    return reply.render(view('services'), {
      services: list,
      teams,
      query: { team: filters.teamId ?? '', public: query.public ?? '', active: query.active ?? '' },
      filtered: Object.values(filters).some((value) => value !== undefined),
      canManage: canManage(actor),
    });
  });

  const serviceFormData = async (actor: StaffActor, values: Body, service?: unknown) => ({
    values,
    service,
    teams: await services.teams(actor),
    priorities: PRIORITIES,
  });

  app.get(`${BASE}/new`, async (request, reply) => {
    const actor = staffOf(request);
    servicePolicy.authorize(actor, 'manage', { councilId: actor.councilId });
    return reply.render(
      view('service-form'),
      await serviceFormData(actor, { public: 'yes', firstContactResolvable: 'no', defaultPriority: 'normal' }),
    );
  });

  app.post(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    try {
      const { id } = await services.create(actor, body);
      request.session.set('flash', 'services.created');
      return reply.redirect(`${BASE}/${id}`, 303);
    } catch (error) {
      return refused(request, reply, error, view('service-form'), await serviceFormData(actor, body));
    }
  });

  app.get<{ Params: ServiceParams }>(`${BASE}/:id`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    return reply.render(view('service'), { service, canManage: canManage(actor) });
  });

  app.get<{ Params: ServiceParams }>(`${BASE}/:id/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    servicePolicy.authorize(actor, 'manage', service);
    const values = {
      ...service,
      lgsl: service.lgsl ?? '',
      public: yesNo(service.public),
      firstContactResolvable: yesNo(service.firstContactResolvable),
    };
    return reply.render(view('service-form'), await serviceFormData(actor, values, service));
  });

  app.post<{ Params: ServiceParams }>(`${BASE}/:id`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    const body = formFields(request.body);
    try {
      await services.update(actor, service.id, body);
    } catch (error) {
      return refused(request, reply, error, view('service-form'), await serviceFormData(actor, body, service));
    }
    request.session.set('flash', 'services.updated');
    return reply.redirect(`${BASE}/${service.id}`, 303);
  });

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post<{ Params: ServiceParams }>(`${BASE}/:id/${action}`, async (request, reply) => {
      const actor = staffOf(request);
      const service = await services.get(actor, request.params.id);
      await services.setActive(actor, service.id, active);
      request.session.set('flash', active ? 'services.reactivated' : 'services.deactivated');
      return reply.redirect(`${BASE}/${service.id}`, 303);
    });
  }

  // Questions

  const questionFormData = (service: unknown, values: Body, question?: unknown) => ({
    service,
    values,
    question,
    kinds: QUESTION_KINDS,
  });

  app.get<{ Params: ServiceParams }>(`${BASE}/:id/questions/new`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    servicePolicy.authorize(actor, 'manage', service);
    return reply.render(view('question-form'), questionFormData(service, { required: 'no' }));
  });

  app.post<{ Params: ServiceParams }>(`${BASE}/:id/questions`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    const body = formFields(request.body);
    try {
      await services.addQuestion(actor, service.id, body);
    } catch (error) {
      return refused(request, reply, error, view('question-form'), questionFormData(service, body));
    }
    request.session.set('flash', 'services.questionAdded');
    return reply.redirect(`${BASE}/${service.id}#questions`, 303);
  });

  async function questionOf(actor: StaffActor, params: ItemParams) {
    const service = await services.get(actor, params.id);
    const question = service.questions.find((candidate) => candidate.id === params.item);
    if (!question) throw new NotFound('question');
    return { service, question };
  }

  app.get<{ Params: ItemParams }>(`${BASE}/:id/questions/:item/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const { service, question } = await questionOf(actor, request.params);
    servicePolicy.authorize(actor, 'manage', service);
    const values = {
      ...question,
      required: yesNo(question.required),
      options: optionsText(question.options),
      maxLength: question.maxLength ?? '',
      min: question.min ?? '',
      max: question.max ?? '',
    };
    return reply.render(view('question-form'), questionFormData(service, values, question));
  });

  app.post<{ Params: ItemParams }>(`${BASE}/:id/questions/:item`, async (request, reply) => {
    const actor = staffOf(request);
    const { service, question } = await questionOf(actor, request.params);
    const body = formFields(request.body);
    try {
      await services.updateQuestion(actor, service.id, question.id, body);
    } catch (error) {
      return refused(request, reply, error, view('question-form'), questionFormData(service, body, question));
    }
    request.session.set('flash', 'services.questionUpdated');
    return reply.redirect(`${BASE}/${service.id}#questions`, 303);
  });

  app.post<{ Params: ItemParams }>(`${BASE}/:id/questions/:item/move`, async (request, reply) => {
    const actor = staffOf(request);
    await services.moveQuestion(actor, request.params.id, request.params.item, directionOf(formFields(request.body)));
    return reply.redirect(`${BASE}/${request.params.id}#questions`, 303);
  });

  app.get<{ Params: ItemParams }>(`${BASE}/:id/questions/:item/remove`, async (request, reply) => {
    const actor = staffOf(request);
    const { service, question } = await questionOf(actor, request.params);
    servicePolicy.authorize(actor, 'manage', service);
    return reply.render(view('question-remove'), { service, question });
  });

  app.post<{ Params: ItemParams }>(`${BASE}/:id/questions/:item/remove`, async (request, reply) => {
    const actor = staffOf(request);
    const { service, question } = await questionOf(actor, request.params);
    try {
      await services.removeQuestion(actor, service.id, question.id);
    } catch (error) {
      return refused(request, reply, error, view('question-remove'), { service, question });
    }
    request.session.set('flash', 'services.questionRemoved');
    return reply.redirect(`${BASE}/${service.id}#questions`, 303);
  });

  // Routing rules

  const ruleFormData = async (actor: StaffActor, service: unknown, values: Body) => ({
    service,
    values,
    teams: await services.teams(actor),
    priorities: PRIORITIES,
  });

  app.get<{ Params: ServiceParams }>(`${BASE}/:id/rules/new`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    servicePolicy.authorize(actor, 'manage', service);
    return reply.render(view('rule-form'), await ruleFormData(actor, service, {}));
  });

  app.post<{ Params: ServiceParams }>(`${BASE}/:id/rules`, async (request, reply) => {
    const actor = staffOf(request);
    const service = await services.get(actor, request.params.id);
    const body = formFields(request.body);
    try {
      await services.addRule(actor, service.id, body);
    } catch (error) {
      return refused(request, reply, error, view('rule-form'), await ruleFormData(actor, service, body));
    }
    request.session.set('flash', 'services.ruleAdded');
    return reply.redirect(`${BASE}/${service.id}#routing`, 303);
  });

  app.post<{ Params: ItemParams }>(`${BASE}/:id/rules/:item/move`, async (request, reply) => {
    const actor = staffOf(request);
    await services.moveRule(actor, request.params.id, request.params.item, directionOf(formFields(request.body)));
    return reply.redirect(`${BASE}/${request.params.id}#routing`, 303);
  });

  app.post<{ Params: ItemParams }>(`${BASE}/:id/rules/:item/remove`, async (request, reply) => {
    const actor = staffOf(request);
    await services.removeRule(actor, request.params.id, request.params.item);
    request.session.set('flash', 'services.ruleRemoved');
    return reply.redirect(`${BASE}/${request.params.id}#routing`, 303);
  });
};
