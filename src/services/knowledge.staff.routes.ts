// The knowledge base's staff pages: search with filters and snippets, an article with its
// paragraphs, its history and any old version; for a council's administrators and team leaders,
// adding, editing, publishing and archiving. Everything works without JavaScript.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, type FieldError } from '../platform/errors.ts';
import { formFields, pageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import {
  ARTICLE_STATUSES,
  AUDIENCES,
  QUERY_MAX,
  paragraphsOf,
  type ArticleFilters,
  type ArticleRecord,
  type ArticleStatus,
  type Audience,
  type KnowledgeService,
} from './knowledge.ts';
import { knowledgePolicy } from './knowledgePolicy.ts';

const view = (name: string) => `services/views/knowledge/${name}.njk`;
const BASE = '/staff/knowledge';

type Params = { id: string };
type VersionParams = { id: string; number: string };
type Body = Record<string, unknown>;

const isAudience = (value: unknown): value is Audience => (AUDIENCES as readonly unknown[]).includes(value);
const isStatus = (value: unknown): value is ArticleStatus => (ARTICLE_STATUSES as readonly unknown[]).includes(value);

export const knowledgeStaffRoutes: FastifyPluginAsync<{ knowledge: KnowledgeService }> = async (app, { knowledge }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) knowledgePolicy.authorize(request.staff, 'open', { councilId: request.staff.councilId });
  });

  /** Renders the form again with the problems of a refused change (400; 409 for a conflict), or rethrows. */
  async function refused(request: FastifyRequest, reply: FastifyReply, error: unknown, data: Body) {
    let errors: FieldError[];
    if (error instanceof Invalid) errors = error.errors;
    else if (error instanceof Conflict) errors = [{ field: '', message: error.reason }];
    else throw error;
    return reply.render(
      view('article-form'),
      { ...data, errors: pageErrors(request.t, errors) },
      error instanceof Conflict ? 409 : 400,
    );
  }

  const formData = async (actor: StaffActor, values: Body, article?: ArticleRecord) => {
    const services = await knowledge.services(actor);
    // A service no longer offered stays choosable for the articles already about it.
    if (article?.serviceId && article.serviceName && !services.some((service) => service.id === article.serviceId))
      services.push({ id: article.serviceId, name: article.serviceName, nameCy: article.serviceNameCy });
    return { values, article, services, audiences: AUDIENCES };
  };

  app.get(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const query = request.query as Record<string, string | undefined>;
    const canWrite = knowledge.canWrite(actor);
    const filters: ArticleFilters = {
      q: (query.q ?? '').trim().slice(0, QUERY_MAX) || undefined,
      serviceId: isUuid(query.service) ? query.service : undefined,
      audience: isAudience(query.audience) ? query.audience : undefined,
      status: canWrite && isStatus(query.status) ? query.status : undefined,
    };
    const page = Number.parseInt(query.page ?? '1', 10) || 1;
    const [result, services] = await Promise.all([knowledge.search(actor, filters, page), knowledge.services(actor)]);
    const pageHref = (number: number) => {
      const search = new URLSearchParams({
        q: filters.q ?? '',
        service: filters.serviceId ?? '',
        audience: filters.audience ?? '',
        status: filters.status ?? '',
      });
      search.set('page', String(number));
      return `?${search.toString()}`;
    };
    return reply.render(view('search'), {
      ...result,
      filters,
      services,
      audiences: AUDIENCES,
      statuses: ARTICLE_STATUSES,
      canWrite,
      pageHref,
    });
  });

  app.get(`${BASE}/new`, async (request, reply) => {
    const actor = staffOf(request);
    knowledgePolicy.authorize(actor, 'write', { councilId: actor.councilId });
    const query = request.query as Record<string, string | undefined>;
    return reply.render(
      view('article-form'),
      await formData(actor, { audience: 'advisor', serviceId: isUuid(query.service) ? query.service : '' }),
    );
  });

  app.post(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    try {
      const { id } = await knowledge.create(actor, body);
      request.session.set('flash', 'knowledge.created');
      return reply.redirect(`${BASE}/${id}`, 303);
    } catch (error) {
      return refused(request, reply, error, await formData(actor, body));
    }
  });

  app.get<{ Params: Params }>(`${BASE}/:id`, async (request, reply) => {
    const actor = staffOf(request);
    const article = await knowledge.get(actor, request.params.id);
    const canWrite = knowledge.canWrite(actor);
    return reply.render(view('article'), {
      article,
      paragraphs: paragraphsOf(article.body),
      paragraphsCy: paragraphsOf(article.bodyCy),
      canWrite,
      // What residents said of a public article, for those who can act on it.
      feedback: canWrite && article.audience === 'public' ? await knowledge.feedback(actor, article.id) : null,
    });
  });

  app.get<{ Params: Params }>(`${BASE}/:id/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const article = await knowledge.forEditing(actor, request.params.id);
    const values = {
      title: article.title,
      titleCy: article.titleCy ?? '',
      body: article.body,
      bodyCy: article.bodyCy ?? '',
      audience: article.audience,
      serviceId: article.serviceId ?? '',
      version: String(article.version),
    };
    return reply.render(view('article-form'), await formData(actor, values, article));
  });

  app.post<{ Params: Params }>(`${BASE}/:id`, async (request, reply) => {
    const actor = staffOf(request);
    const article = await knowledge.forEditing(actor, request.params.id);
    const body = formFields(request.body);
    try {
      await knowledge.update(actor, article.id, body);
    } catch (error) {
      return refused(request, reply, error, await formData(actor, body, article));
    }
    request.session.set('flash', 'knowledge.updated');
    return reply.redirect(`${BASE}/${article.id}`, 303);
  });

  for (const action of ['publish', 'archive'] as const) {
    app.post<{ Params: Params }>(`${BASE}/:id/${action}`, async (request, reply) => {
      const actor = staffOf(request);
      const article = await knowledge.forEditing(actor, request.params.id);
      await knowledge[action](actor, article.id);
      request.session.set('flash', action === 'publish' ? 'knowledge.published' : 'knowledge.archived');
      return reply.redirect(`${BASE}/${article.id}`, 303);
    });
  }

  app.get<{ Params: Params }>(`${BASE}/:id/history`, async (request, reply) => {
    const actor = staffOf(request);
    const { article, versions } = await knowledge.versions(actor, request.params.id);
    return reply.render(view('history'), { article, versions });
  });

  app.get<{ Params: VersionParams }>(`${BASE}/:id/versions/:number`, async (request, reply) => {
    const actor = staffOf(request);
    const number = /^[1-9][0-9]{0,8}$/.test(request.params.number) ? Number(request.params.number) : 0;
    const { article, version } = await knowledge.version(actor, request.params.id, number);
    return reply.render(view('version'), {
      article,
      version,
      paragraphs: paragraphsOf(version.body),
      paragraphsCy: paragraphsOf(version.bodyCy),
    });
  });
};
