// The resident portal's shell: the home page with the top tasks, the A to Z of services, each
// service's start page, search across services and help articles, the help articles themselves,
// and the pages every public service must have. The portal serves one council (the first).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { caughtInHoneypot, pageErrors } from '../platform/forms.ts';
import { inLanguage, type Language } from '../platform/i18n.ts';
import { FEEDBACK_COMMENT_MAX, paragraphsOf, type KnowledgeService, type PublicArticle } from '../services/knowledge.ts';
import type { PublicService, ServicesService } from '../services/service.ts';
import { byLetter } from './aToZ.ts';

export interface PortalOptions {
  services: Pick<ServicesService, 'publicCatalogue' | 'publicService' | 'searchPublicServices' | 'topTasks'>;
  knowledge: Pick<KnowledgeService, 'publicArticles' | 'publicArticle' | 'searchPublic' | 'recordPublicFeedback'>;
  /** The id of the council whose portal this is. */
  portalCouncil: () => Promise<string | undefined>;
  /** Whether start pages lead to the online request journeys (else they give the phone route). */
  journeys: boolean;
}

/** Longest search worth reading: a sentence. */
const QUERY_MAX = 200;
/** Anonymous answers to "is this page useful?": a person sends one; a script gets few. */
const FEEDBACK_LIMIT = { max: 10, timeWindow: '1 minute' };

const serviceLink = (service: PublicService, language: Language) => ({
  href: `/services/${service.code}`,
  text: inLanguage(service.name, service.nameCy, language),
});

function queryOf(request: FastifyRequest): { q: string; page: number } {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, QUERY_MAX) : '';
  const page = typeof query.page === 'string' && /^[1-9][0-9]{0,4}$/.test(query.page) ? Number(query.page) : 1;
  return { q, page };
}

export const portalRoutes: FastifyPluginAsync<PortalOptions> = async (app, { services, knowledge, portalCouncil, journeys }) => {
  async function council(): Promise<string> {
    const id = await portalCouncil();
    if (!id) throw new NotFound('council');
    return id;
  }

  // The home page is also in Urdu (right to left), as the reporting journey will be.
  app.get('/', { config: { languages: ['ur'] } }, async (request, reply) => {
    const id = await portalCouncil();
    const tasks = id ? await services.topTasks(id) : [];
    return reply.render('portal/views/home.njk', { tasks: tasks.map((task) => serviceLink(task, request.language)) });
  });

  app.get('/services', async (request, reply) => {
    const catalogue = await services.publicCatalogue(await council());
    const links = catalogue.map((service) => serviceLink(service, request.language));
    return reply.render('portal/views/services.njk', { letters: byLetter(links, (link) => link.text, request.language) });
  });

  app.get<{ Params: { code: string } }>('/services/:code', async (request, reply) => {
    const councilId = await council();
    const service = await services.publicService(councilId, request.params.code);
    if (!service) throw new NotFound('service');
    const { language } = request;
    const articles = await knowledge.publicArticles(councilId, service.id);
    return reply.render('portal/views/service.njk', {
      code: service.code,
      name: inLanguage(service.name, service.nameCy, language),
      paragraphs: paragraphsOf(inLanguage(service.description, service.descriptionCy, language)),
      slaWorkingDays: service.slaWorkingDays,
      articles: articles.map((article) => ({
        href: `/help/${article.id}`,
        text: inLanguage(article.title, article.titleCy, language),
      })),
      journeys,
    });
  });

  app.get('/search', async (request, reply) => {
    const { q, page } = queryOf(request);
    if (!q) return reply.render('portal/views/search.njk', { q, searched: false });
    const councilId = await council();
    const [found, articles] = await Promise.all([
      services.searchPublicServices(councilId, q, page),
      knowledge.searchPublic(councilId, q, page),
    ]);
    const { language } = request;
    const lastPage = Math.max(found.pageCount, articles.pageCount);
    return reply.render('portal/views/search.njk', {
      q,
      searched: true,
      page: Math.min(page, lastPage),
      lastPage,
      services: found.items.map((service) => ({
        ...serviceLink(service, language),
        description: inLanguage(service.description, service.descriptionCy, language),
      })),
      servicesTotal: found.total,
      articles: articles.hits.map((hit) => ({
        href: `/help/${hit.id}`,
        text: inLanguage(hit.title, hit.titleCy, language),
        // The snippet is cut from the English body; in Welsh the Welsh title stands alone.
        snippetParts: language === 'cy' && hit.titleCy ? [] : hit.snippetParts,
      })),
      articlesTotal: articles.total,
      pageHrefs: Array.from({ length: lastPage }, (_, index) => `/search?${new URLSearchParams({ q, page: String(index + 1) })}`),
    });
  });

  app.get<{ Params: { id: string } }>('/help/:id', async (request, reply) => {
    const article = await publicArticle(request.params.id);
    const { language } = request;
    const welsh = language === 'cy' && article.titleCy !== null && article.bodyCy !== null;
    return reply.render('portal/views/article.njk', {
      id: article.id,
      title: welsh ? article.titleCy : article.title,
      paragraphs: paragraphsOf(welsh ? article.bodyCy : article.body),
      service:
        article.serviceCode && article.serviceName
          ? { href: `/services/${article.serviceCode}`, text: inLanguage(article.serviceName, article.serviceNameCy, language) }
          : null,
    });
  });

  async function publicArticle(id: string): Promise<PublicArticle> {
    const article = await knowledge.publicArticle(await council(), id);
    if (!article) throw new NotFound('article');
    return article;
  }

  const articleTitle = (article: PublicArticle, language: Language) =>
    language === 'cy' && article.titleCy && article.bodyCy ? article.titleCy : article.title;

  function renderFeedback(
    request: FastifyRequest,
    reply: FastifyReply,
    article: PublicArticle,
    form: { values: Record<string, unknown>; errors?: FieldError[] },
    status = 200,
  ) {
    return reply.render(
      'portal/views/feedback.njk',
      {
        id: article.id,
        articleTitle: articleTitle(article, request.language),
        values: form.values,
        commentMaxLength: FEEDBACK_COMMENT_MAX,
        ...(form.errors ? { errors: pageErrors(request.t, form.errors) } : {}),
      },
      status,
    );
  }

  // "Is this page useful?": the article's Yes sends its answer at once; its No leads here, to say
  // what was missing. The form asks both, so that it stands alone without JavaScript.
  app.get<{ Params: { id: string } }>('/help/:id/feedback', async (request, reply) =>
    renderFeedback(request, reply, await publicArticle(request.params.id), { values: { useful: 'no' } }),
  );

  app.post<{ Params: { id: string } }>(
    '/help/:id/feedback',
    { config: { rateLimit: FEEDBACK_LIMIT } },
    async (request, reply) => {
      const thanks = `/help/${request.params.id}/feedback/thank-you`;
      if (caughtInHoneypot(request.body)) {
        await publicArticle(request.params.id);
        return reply.redirect(thanks, 303);
      }
      try {
        await knowledge.recordPublicFeedback(await council(), request.params.id, request.body, request.language);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const values = (request.body ?? {}) as Record<string, unknown>;
        return renderFeedback(request, reply, await publicArticle(request.params.id), { values, errors: error.errors }, 400);
      }
      return reply.redirect(thanks, 303);
    },
  );

  app.get<{ Params: { id: string } }>('/help/:id/feedback/thank-you', async (request, reply) => {
    const article = await publicArticle(request.params.id);
    return reply.render('portal/views/feedback-thanks.njk', {
      id: article.id,
      articleTitle: articleTitle(article, request.language),
    });
  });

  for (const page of ['accessibility', 'privacy', 'cookies'] as const) {
    app.get(`/${page}`, async (_request, reply) => reply.render(`portal/views/${page}.njk`));
  }
};
