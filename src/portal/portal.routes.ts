// The resident portal's shell: the home page with the top tasks, the A to Z of services, each
// service's start page, search across services and help articles, the help articles themselves,
// and the pages every public service must have. The portal serves one council (the first).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { NotFound } from '../platform/errors.ts';
import type { Language } from '../platform/i18n.ts';
import { paragraphsOf, type KnowledgeService } from '../services/knowledge.ts';
import type { PublicService, ServicesService } from '../services/service.ts';
import { byLetter } from './aToZ.ts';

export interface PortalOptions {
  services: Pick<ServicesService, 'publicCatalogue' | 'publicService' | 'searchPublicServices' | 'topTasks'>;
  knowledge: Pick<KnowledgeService, 'publicArticles' | 'publicArticle' | 'searchPublic'>;
  /** The id of the council whose portal this is. */
  portalCouncil: () => Promise<string | undefined>;
  /** Whether start pages lead to the online request journeys (else they give the phone route). */
  journeys: boolean;
}

/** Longest search worth reading: a sentence. */
const QUERY_MAX = 200;

const inLanguage = (english: string, welsh: string | null, language: Language) => (language === 'cy' && welsh) || english;

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

  app.get('/', async (request, reply) => {
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
    const article = await knowledge.publicArticle(await council(), request.params.id);
    if (!article) throw new NotFound('article');
    const { language } = request;
    const welsh = language === 'cy' && article.titleCy !== null && article.bodyCy !== null;
    return reply.render('portal/views/article.njk', {
      title: welsh ? article.titleCy : article.title,
      paragraphs: paragraphsOf(welsh ? article.bodyCy : article.body),
      service:
        article.serviceCode && article.serviceName
          ? { href: `/services/${article.serviceCode}`, text: inLanguage(article.serviceName, article.serviceNameCy, language) }
          : null,
    });
  });

  for (const page of ['accessibility', 'privacy', 'cookies'] as const) {
    app.get(`/${page}`, async (_request, reply) => reply.render(`portal/views/${page}.njk`));
  }
};
