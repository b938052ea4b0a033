// The knowledge base: what advisors say about a service, and what the public may read about it.
// An article is written as a draft, published, changed (each change of its words a new numbered
// version, the old ones kept) and archived; each change commits with its audit record. Advisors
// find articles by searching, or beside the service they pick when raising a case (`forService`);
// the resident portal will read the published public ones (`publicArticles`, `searchPublic`).
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit, type Changes } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { choice, optionalText, parseForm, requiredText } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import {
  ARTICLE_STATUSES,
  AUDIENCES,
  articlePolicy,
  audiencesReadBy,
  knowledgePolicy,
  type ArticleStatus,
  type Audience,
} from './knowledgePolicy.ts';
import * as repo from './knowledgeRepo.ts';

export type {
  ArticleHit,
  ArticleRecord,
  ArticleVersion,
  FeedbackSummary,
  PublicArticle,
  ServiceChoice,
} from './knowledgeRepo.ts';
export { ARTICLE_STATUSES, AUDIENCES, type ArticleStatus, type Audience } from './knowledgePolicy.ts';

export const ARTICLES_PAGE_SIZE = 20;
const TITLE_MAX = 200;
const BODY_MAX = 20_000;
/** Longest search worth reading: a sentence. */
export const QUERY_MAX = 200;

export const ArticleForm = Type.Object({
  title: requiredText({ missing: 'knowledge.errors.titleMissing', tooLong: 'knowledge.errors.titleTooLong' }, TITLE_MAX),
  titleCy: optionalText('knowledge.errors.titleTooLong', TITLE_MAX),
  body: requiredText({ missing: 'knowledge.errors.bodyMissing', tooLong: 'knowledge.errors.bodyTooLong' }, BODY_MAX),
  bodyCy: optionalText('knowledge.errors.bodyTooLong', BODY_MAX),
  audience: choice(AUDIENCES, 'knowledge.errors.audienceMissing'),
  serviceId: Type.Optional(
    Type.String({
      format: 'uuid',
      errorMessages: { format: 'knowledge.errors.serviceUnknown', invalid: 'knowledge.errors.serviceUnknown' },
    }),
  ),
  /** The version the edit started from (absent when adding an article). */
  version: Type.Optional(
    Type.String({ pattern: '^[1-9][0-9]{0,8}$', errorMessages: { pattern: 'knowledge.errors.versionInvalid' } }),
  ),
});
export type ArticleFormInput = Static<typeof ArticleForm>;

/** Longest answer to "what were you looking for?": a few sentences. */
export const FEEDBACK_COMMENT_MAX = 500;
/** How many of the latest comments an article's page shows its editors. */
const FEEDBACK_COMMENTS_SHOWN = 10;

/** "Is this page useful?" as residents answer it, with what they were looking for if they say. */
export const FeedbackForm = Type.Object({
  useful: choice(['yes', 'no'] as const, 'knowledge.feedback.errors.usefulMissing'),
  comment: optionalText('knowledge.feedback.errors.commentTooLong', FEEDBACK_COMMENT_MAX),
});

const CONTENT_FIELDS: (keyof repo.ArticleContent & string)[] = ['title', 'titleCy', 'body', 'bodyCy', 'audience', 'serviceId'];

/**
 * Article text as kept: plain text with Unix line ends, without control characters or the
 * private-use characters that mark matches in search snippets.
 */
export function plainText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uE000\uE001]/g, '')
      .replace(/[ \t]+$/gm, '')
      .trim()
  );
}

/** The paragraphs of an article (blank lines between them), each as its lines. */
export function paragraphsOf(text: string | null | undefined): string[][] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    )
    .filter((lines) => lines.length > 0);
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

/** A search snippet as text parts, the matched ones flagged, for the page to escape and mark. */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let match = false;
  for (const piece of snippet.split(/([\uE000\uE001])/)) {
    if (piece === repo.MATCH_START) match = true;
    else if (piece === repo.MATCH_STOP) match = false;
    else if (piece !== '') parts.push({ text: piece, match });
  }
  return parts;
}

export interface ArticleFilters {
  q?: string;
  serviceId?: string;
  audience?: Audience;
  /** Only those who write see drafts and archived articles. */
  status?: ArticleStatus;
}

export interface ArticleList {
  hits: (repo.ArticleHit & { snippetParts: SnippetPart[] })[];
  total: number;
  page: number;
  pageCount: number;
}

/** The audit trail names the versions a body changed between; the words themselves are in the versions. */
function withBodiesByVersion(changes: Changes, from: number, to: number): Changes {
  const named: Changes = { ...changes };
  for (const field of ['body', 'bodyCy']) {
    if (named[field]) named[field] = { from: `version ${from}`, to: `version ${to}` };
  }
  return named;
}

function councilOf(actor: Actor, councilId?: string): string {
  if (actor.kind === 'system') {
    if (!councilId) throw new Error('a system actor must say which council’s knowledge base it uses');
    return councilId;
  }
  return actor.councilId;
}

function authorOf(actor: Actor): repo.Author {
  switch (actor.kind) {
    case 'staff':
      return { id: actor.id, label: actor.name };
    case 'api_key':
      return { id: null, label: actor.name };
    case 'system':
      return { id: null, label: actor.label };
  }
}

function audiencesOf(actor: Actor, councilId: string): Audience[] {
  if (actor.kind === 'system') return [...AUDIENCES];
  if (actor.kind === 'api_key') return [];
  return audiencesReadBy(actor, councilId);
}

export function createKnowledgeService(db: Db) {
  async function requireArticle(actor: Actor, id: string, action: 'read' | 'write'): Promise<repo.ArticleRecord> {
    const article = isUuid(id) ? await repo.findArticle(db, id) : undefined;
    // Another council's article, or one the person may not read, does not exist for them.
    if (!article || !articlePolicy.can(actor, 'read', article)) throw new NotFound('article');
    articlePolicy.authorize(actor, action, article);
    return article;
  }

  /** Checks a submitted article against the form and the council's services. */
  async function checkArticle(councilId: string, raw: unknown): Promise<{ content: repo.ArticleContent; version?: number }> {
    const form = parseForm(ArticleForm, raw);
    if (!form.ok) throw new Invalid(form.errors);
    const input = form.value;
    const content: repo.ArticleContent = {
      title: plainText(input.title),
      titleCy: input.titleCy ? plainText(input.titleCy) || null : null,
      body: plainText(input.body),
      bodyCy: input.bodyCy ? plainText(input.bodyCy) || null : null,
      audience: input.audience,
      serviceId: input.serviceId ?? null,
    };
    if (!content.title) throw new Invalid([{ field: 'title', message: 'knowledge.errors.titleMissing' }]);
    if (!content.body) throw new Invalid([{ field: 'body', message: 'knowledge.errors.bodyMissing' }]);
    if (content.serviceId && !(await repo.serviceOfCouncil(db, councilId, content.serviceId)))
      throw new Invalid([{ field: 'serviceId', message: 'knowledge.errors.serviceUnknown' }]);
    return { content, ...(input.version ? { version: Number(input.version) } : {}) };
  }

  async function changeStatus(actor: Actor, id: string, status: ArticleStatus): Promise<boolean> {
    const article = await requireArticle(actor, id, 'write');
    return await db.transaction().execute(async (trx) => {
      if (!(await repo.setArticleStatus(trx, article.id, status, authorOf(actor)))) return false;
      await recordAudit(trx, actor, {
        action: status === 'published' ? 'knowledge.article.publish' : 'knowledge.article.archive',
        organisationId: article.councilId,
        recordType: 'knowledge_article',
        recordId: article.id,
        changes: { status: { from: article.status, to: status } },
        details: { title: article.title, version: article.version },
      });
      return true;
    });
  }

  /** One page of articles matching `query` (the page number kept within bounds), snippets split for the page. */
  async function searchPage(query: repo.ArticleQuery, page: number): Promise<ArticleList> {
    const current = Math.max(1, Math.min(10_000, Math.floor(page) || 1));
    const { hits, total } = await repo.searchArticles(db, query, current, ARTICLES_PAGE_SIZE);
    return {
      hits: hits.map((hit) => ({ ...hit, snippetParts: snippetParts(hit.snippet) })),
      total,
      page: current,
      pageCount: Math.max(1, Math.ceil(total / ARTICLES_PAGE_SIZE)),
    };
  }

  async function versionsOf(actor: Actor, id: string): Promise<{ article: repo.ArticleRecord; versions: repo.ArticleVersion[] }> {
    const article = await requireArticle(actor, id, 'read');
    const readable = articlePolicy.can(actor, 'write', article) ? [...AUDIENCES] : audiencesOf(actor, article.councilId);
    const versions = (await repo.listVersions(db, article.id)).filter((version) => readable.includes(version.audience));
    return { article, versions };
  }

  return {
    /** Whether `actor` may add and change articles in their council's knowledge base. */
    canWrite(actor: Actor, councilId?: string): boolean {
      return knowledgePolicy.can(actor, 'write', { councilId: councilOf(actor, councilId) });
    },

    /** One page of the articles `actor` may read, matching the search and filters. */
    async search(actor: Actor, filters: ArticleFilters, page = 1, councilId?: string): Promise<ArticleList> {
      const council = councilOf(actor, councilId);
      knowledgePolicy.authorize(actor, 'open', { councilId: council });
      const writes = knowledgePolicy.can(actor, 'write', { councilId: council });
      const readable = audiencesOf(actor, council);
      const audiences = filters.audience ? readable.filter((audience) => audience === filters.audience) : readable;
      const statuses: ArticleStatus[] = writes ? (filters.status ? [filters.status] : [...ARTICLE_STATUSES]) : ['published'];
      return await searchPage(
        {
          councilId: council,
          text: (filters.q ?? '').slice(0, QUERY_MAX),
          ...(filters.serviceId && isUuid(filters.serviceId) ? { serviceId: filters.serviceId } : {}),
          audiences,
          statuses,
        },
        page,
      );
    },

    /** The council's services an article may be about (and the search may be narrowed to). */
    async services(actor: Actor, councilId?: string): Promise<repo.ServiceChoice[]> {
      const council = councilOf(actor, councilId);
      knowledgePolicy.authorize(actor, 'open', { councilId: council });
      return await repo.servicesOfCouncil(db, council);
    },

    async get(actor: Actor, id: string): Promise<repo.ArticleRecord> {
      return await requireArticle(actor, id, 'read');
    },

    /** The article for its edit form: only for those who write. */
    async forEditing(actor: Actor, id: string): Promise<repo.ArticleRecord> {
      return await requireArticle(actor, id, 'write');
    },

    /** The versions of an article `actor` may read, newest first (those written for another audience are left out). */
    versions: versionsOf,

    async version(
      actor: Actor,
      id: string,
      number: number,
    ): Promise<{ article: repo.ArticleRecord; version: repo.ArticleVersion }> {
      const { article, versions } = await versionsOf(actor, id);
      const version = versions.find((candidate) => candidate.number === number);
      if (!version) throw new NotFound('article version');
      return { article, version };
    },

    /** The published articles about a service that `actor` may read: shown beside the service when raising a case. */
    async forService(actor: Actor, serviceId: string): Promise<repo.ArticleRecord[]> {
      if (actor.kind === 'system') throw new Error('forService is for the person raising a case');
      const service = isUuid(serviceId) ? await repo.serviceOfCouncil(db, actor.councilId, serviceId) : undefined;
      if (!service) throw new NotFound('service');
      knowledgePolicy.authorize(actor, 'open', { councilId: actor.councilId });
      return await repo.publishedForService(db, actor.councilId, service.id, audiencesOf(actor, actor.councilId));
    },

    /** The council's published public articles (for the resident portal), optionally about one service. */
    async publicArticles(councilId: string, serviceId?: string): Promise<repo.ArticleRecord[]> {
      if (!isUuid(councilId) || (serviceId !== undefined && !isUuid(serviceId))) return [];
      return await repo.publishedPublicArticles(db, councilId, serviceId);
    },

    /** A published public article of the council (for the resident portal); undefined for any other. */
    async publicArticle(councilId: string, id: string): Promise<repo.PublicArticle | undefined> {
      if (!isUuid(councilId) || !isUuid(id)) return undefined;
      return await repo.findPublishedPublicArticle(db, councilId, id);
    },

    /**
     * Records a resident's answer to "is this page useful?" on a published public article of the
     * council (NotFound for any other; Invalid for a bad answer). Anonymous, so nothing to audit.
     */
    async recordPublicFeedback(councilId: string, id: string, raw: unknown, language: string): Promise<void> {
      const article = isUuid(councilId) && isUuid(id) ? await repo.findPublishedPublicArticle(db, councilId, id) : undefined;
      if (!article) throw new NotFound('article');
      const form = parseForm(FeedbackForm, raw);
      if (!form.ok) throw new Invalid(form.errors);
      const comment = plainText(form.value.comment ?? '');
      await repo.insertFeedback(db, {
        councilId: article.councilId,
        articleId: article.id,
        version: article.version,
        useful: form.value.useful === 'yes',
        comment: comment || null,
        language,
      });
    },

    /** What residents said of an article: for those who write the council's articles. */
    async feedback(actor: Actor, id: string): Promise<repo.FeedbackSummary> {
      const article = await requireArticle(actor, id, 'write');
      return await repo.feedbackSummary(db, article.id, FEEDBACK_COMMENTS_SHOWN);
    },

    /** Searches the council's published public articles (for the resident portal). */
    async searchPublic(councilId: string, query: string, page = 1): Promise<ArticleList> {
      if (!isUuid(councilId)) return { hits: [], total: 0, page: 1, pageCount: 1 };
      return await searchPage(
        { councilId, text: query.slice(0, QUERY_MAX), audiences: ['public'], statuses: ['published'] },
        page,
      );
    },

    /** Adds an article (a draft unless `status` says otherwise) as its version 1. */
    async create(
      actor: Actor,
      raw: unknown,
      options: { councilId?: string; status?: ArticleStatus } = {},
    ): Promise<{ id: string }> {
      const council = councilOf(actor, options.councilId);
      knowledgePolicy.authorize(actor, 'write', { councilId: council });
      const { content } = await checkArticle(council, raw);
      const status = options.status ?? 'draft';
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertArticle(trx, council, content, authorOf(actor), status);
        await recordAudit(trx, actor, {
          action: 'knowledge.article.create',
          organisationId: council,
          recordType: 'knowledge_article',
          recordId: id,
          changes: changesBetween({}, { ...content, status }, [...CONTENT_FIELDS, 'status']),
        });
        return id;
      });
      return { id };
    },

    /**
     * Changes an article's words or placement as a new version. The form names the version it
     * started from: if someone saved another since, the change is refused (Conflict) rather than
     * written over theirs. Returns the new version's number (the same one when nothing changed).
     */
    async update(actor: Actor, id: string, raw: unknown): Promise<number> {
      const article = await requireArticle(actor, id, 'write');
      const { content, version } = await checkArticle(article.councilId, raw);
      const from = version ?? article.version;
      if (from !== article.version) throw new Conflict('knowledge.errors.changedMeanwhile');
      const changes = changesBetween(article, content, CONTENT_FIELDS);
      if (Object.keys(changes).length === 0) return article.version;
      return await db.transaction().execute(async (trx) => {
        const number = await repo.updateArticle(trx, article.id, article.councilId, from, content, authorOf(actor));
        if (number === undefined) throw new Conflict('knowledge.errors.changedMeanwhile');
        await recordAudit(trx, actor, {
          action: 'knowledge.article.update',
          organisationId: article.councilId,
          recordType: 'knowledge_article',
          recordId: article.id,
          changes: withBodiesByVersion(changes, article.version, number),
          details: { version: number },
        });
        return number;
      });
    },

    /** Publishes an article; false when it was published already. */
    async publish(actor: Actor, id: string): Promise<boolean> {
      return await changeStatus(actor, id, 'published');
    },

    /** Takes an article out of use (kept, with its versions); false when it was archived already. */
    async archive(actor: Actor, id: string): Promise<boolean> {
      return await changeStatus(actor, id, 'archived');
    },
  };
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
