// SQL for the knowledge base. Search is PostgreSQL full text over the generated `search` column
// (GIN index): websearch_to_tsquery reads what people type ("bin collection" -missed), ts_rank
// orders by it, and ts_headline cuts a snippet of the body around the words found, with markers
// that cannot occur in an article (KnowledgeService strips them) where a match starts and stops.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ArticleStatus, Audience } from './knowledgePolicy.ts';

/** Private-use characters ts_headline puts around each match; never stored in an article. */
export const MATCH_START = '\uE000';
export const MATCH_STOP = '\uE001';
const HEADLINE_OPTIONS = `StartSel="${MATCH_START}", StopSel="${MATCH_STOP}", MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;
const EXCERPT_LENGTH = 240;

export type ArticleRecord = {
  id: string;
  councilId: string;
  serviceId: string | null;
  serviceName: string | null;
  serviceNameCy: string | null;
  audience: Audience;
  status: ArticleStatus;
  title: string;
  body: string;
  titleCy: string | null;
  bodyCy: string | null;
  version: number;
  updatedByLabel: string;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export interface ArticleHit extends Pick<
  ArticleRecord,
  'id' | 'serviceId' | 'serviceName' | 'serviceNameCy' | 'audience' | 'status' | 'title' | 'titleCy' | 'version' | 'updatedAt'
> {
  /** Plain text: with a query, the body around the matches (marked as MATCH_START...MATCH_STOP); else its opening. */
  snippet: string;
  rank: number;
}

export interface ArticleQuery {
  councilId: string;
  /** What was typed in the search box; empty lists by last change. */
  text?: string;
  serviceId?: string;
  audiences: Audience[];
  statuses: ArticleStatus[];
}

function articleQuery(db: Queryable) {
  return db
    .selectFrom('knowledge_articles as a')
    .leftJoin('services as s', 's.id', 'a.service_id')
    .select([
      'a.id',
      'a.council_id as councilId',
      'a.service_id as serviceId',
      's.name as serviceName',
      's.name_cy as serviceNameCy',
      'a.audience',
      'a.status',
      'a.title',
      'a.body',
      'a.title_cy as titleCy',
      'a.body_cy as bodyCy',
      'a.version',
      'a.updated_by_label as updatedByLabel',
      'a.published_at as publishedAt',
      'a.created_at as createdAt',
      'a.updated_at as updatedAt',
    ]);
}

export async function findArticle(db: Queryable, id: string): Promise<ArticleRecord | undefined> {
  return await articleQuery(db).where('a.id', '=', id).executeTakeFirst();
}

/** One page of the articles matching `query`: best match first with a query, else last changed first. */
export async function searchArticles(
  db: Queryable,
  query: ArticleQuery,
  page: number,
  pageSize: number,
): Promise<{ hits: ArticleHit[]; total: number }> {
  if (query.audiences.length === 0 || query.statuses.length === 0) return { hits: [], total: 0 };
  const text = query.text?.trim() ?? '';
  const tsquery = sql`websearch_to_tsquery('english', ${text})`;
  let base = db
    .selectFrom('knowledge_articles as a')
    .leftJoin('services as s', 's.id', 'a.service_id')
    .where('a.council_id', '=', query.councilId)
    .where('a.audience', 'in', query.audiences)
    .where('a.status', 'in', query.statuses);
  if (query.serviceId) base = base.where('a.service_id', '=', query.serviceId);
  if (text) base = base.where(sql<boolean>`a.search @@ ${tsquery}`);

  const rows = base
    .select([
      'a.id',
      'a.service_id as serviceId',
      's.name as serviceName',
      's.name_cy as serviceNameCy',
      'a.audience',
      'a.status',
      'a.title',
      'a.title_cy as titleCy',
      'a.version',
      'a.updated_at as updatedAt',
    ])
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const ranked = text
    ? rows
        .select([
          sql<number>`ts_rank(a.search, ${tsquery})::float8`.as('rank'),
          sql<string>`ts_headline('english', a.body, ${tsquery}, ${HEADLINE_OPTIONS})`.as('snippet'),
        ])
        .orderBy('rank', 'desc')
        .orderBy('a.updated_at', 'desc')
        .orderBy('a.id')
    : rows
        .select([
          sql<number>`0::float8`.as('rank'),
          sql<string>`case when length(a.body) > ${EXCERPT_LENGTH} then regexp_replace(left(a.body, ${EXCERPT_LENGTH}), '[[:space:]]+[^[:space:]]*$', '') || ' …' else a.body end`.as(
            'snippet',
          ),
        ])
        .orderBy('a.updated_at', 'desc')
        .orderBy('a.id');

  const [hits, count] = await Promise.all([
    ranked.execute(),
    base.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { hits, total: count.total };
}

/** The published articles about a service, for the given audiences, advisor articles first. */
export async function publishedForService(
  db: Queryable,
  councilId: string,
  serviceId: string,
  audiences: Audience[],
): Promise<ArticleRecord[]> {
  if (audiences.length === 0) return [];
  return await articleQuery(db)
    .where('a.council_id', '=', councilId)
    .where('a.service_id', '=', serviceId)
    .where('a.status', '=', 'published')
    .where('a.audience', 'in', audiences)
    .orderBy('a.audience')
    .orderBy('a.title')
    .execute();
}

/** A council's published public articles, by title (for the resident portal). */
export async function publishedPublicArticles(db: Queryable, councilId: string, serviceId?: string): Promise<ArticleRecord[]> {
  let query = articleQuery(db)
    .where('a.council_id', '=', councilId)
    .where('a.status', '=', 'published')
    .where('a.audience', '=', 'public');
  if (serviceId) query = query.where('a.service_id', '=', serviceId);
  return await query.orderBy('a.title').execute();
}

/** A published public article for residents, with the code of its service where residents may see that service. */
export type PublicArticle = ArticleRecord & { serviceCode: string | null };

export async function findPublishedPublicArticle(
  db: Queryable,
  councilId: string,
  id: string,
): Promise<PublicArticle | undefined> {
  return await articleQuery(db)
    .select(sql<string | null>`case when s.public and s.active then s.code end`.as('serviceCode'))
    .where('a.id', '=', id)
    .where('a.council_id', '=', councilId)
    .where('a.status', '=', 'published')
    .where('a.audience', '=', 'public')
    .executeTakeFirst();
}

export interface ServiceChoice {
  id: string;
  name: string;
  nameCy: string | null;
}

/** The council's active services by name: what an article can be about. */
export async function servicesOfCouncil(db: Queryable, councilId: string): Promise<ServiceChoice[]> {
  return await db
    .selectFrom('services')
    .select(['id', 'name', 'name_cy as nameCy'])
    .where('council_id', '=', councilId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function serviceOfCouncil(db: Queryable, councilId: string, serviceId: string): Promise<ServiceChoice | undefined> {
  return await db
    .selectFrom('services')
    .select(['id', 'name', 'name_cy as nameCy'])
    .where('council_id', '=', councilId)
    .where('id', '=', serviceId)
    .executeTakeFirst();
}

export type ArticleContent = {
  serviceId: string | null;
  audience: Audience;
  title: string;
  body: string;
  titleCy: string | null;
  bodyCy: string | null;
};

export interface Author {
  id: string | null;
  label: string;
}

export async function insertArticle(
  db: Queryable,
  councilId: string,
  content: ArticleContent,
  author: Author,
  status: ArticleStatus,
): Promise<string> {
  const row = await db
    .insertInto('knowledge_articles')
    .values({
      council_id: councilId,
      service_id: content.serviceId,
      audience: content.audience,
      status,
      title: content.title,
      body: content.body,
      title_cy: content.titleCy,
      body_cy: content.bodyCy,
      version: 1,
      updated_by: author.id,
      updated_by_label: author.label,
      published_at: status === 'published' ? sql<Date>`now()` : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertVersion(db, row.id, councilId, 1, content, author);
  return row.id;
}

async function insertVersion(
  db: Queryable,
  articleId: string,
  councilId: string,
  number: number,
  content: ArticleContent,
  author: Author,
): Promise<void> {
  await db
    .insertInto('knowledge_article_versions')
    .values({
      article_id: articleId,
      council_id: councilId,
      number,
      title: content.title,
      body: content.body,
      title_cy: content.titleCy,
      body_cy: content.bodyCy,
      service_id: content.serviceId,
      audience: content.audience,
      author_id: author.id,
      author_label: author.label,
    })
    .execute();
}

/**
 * Writes the article's new words as the version after `fromVersion`, if nobody has saved another
 * since. Returns the new version's number, or undefined when `fromVersion` is no longer the latest.
 */
export async function updateArticle(
  db: Queryable,
  id: string,
  councilId: string,
  fromVersion: number,
  content: ArticleContent,
  author: Author,
): Promise<number | undefined> {
  const row = await db
    .updateTable('knowledge_articles')
    .set({
      service_id: content.serviceId,
      audience: content.audience,
      title: content.title,
      body: content.body,
      title_cy: content.titleCy,
      body_cy: content.bodyCy,
      version: fromVersion + 1,
      updated_by: author.id,
      updated_by_label: author.label,
    })
    .where('id', '=', id)
    .where('version', '=', fromVersion)
    .returning('version')
    .executeTakeFirst();
  if (!row) return undefined;
  await insertVersion(db, id, councilId, row.version, content, author);
  return row.version;
}

/** Moves the article to `status` unless it is there already; false when it was. */
export async function setArticleStatus(db: Queryable, id: string, status: ArticleStatus, author: Author): Promise<boolean> {
  const result = await db
    .updateTable('knowledge_articles')
    .set({
      status,
      updated_by: author.id,
      updated_by_label: author.label,
      ...(status === 'published' ? { published_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .where('status', '<>', status)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ArticleVersion {
  number: number;
  title: string;
  body: string;
  titleCy: string | null;
  bodyCy: string | null;
  serviceId: string | null;
  serviceName: string | null;
  audience: Audience;
  authorLabel: string;
  createdAt: Date;
}

function versionQuery(db: Queryable, articleId: string) {
  return db
    .selectFrom('knowledge_article_versions as v')
    .leftJoin('services as s', 's.id', 'v.service_id')
    .select([
      'v.number',
      'v.title',
      'v.body',
      'v.title_cy as titleCy',
      'v.body_cy as bodyCy',
      'v.service_id as serviceId',
      's.name as serviceName',
      'v.audience',
      'v.author_label as authorLabel',
      'v.created_at as createdAt',
    ])
    .where('v.article_id', '=', articleId);
}

/** Every version of an article, newest first (the (article_id, number) key). */
export async function listVersions(db: Queryable, articleId: string): Promise<ArticleVersion[]> {
  return await versionQuery(db, articleId).orderBy('v.number', 'desc').execute();
}

export async function findVersion(db: Queryable, articleId: string, number: number): Promise<ArticleVersion | undefined> {
  return await versionQuery(db, articleId).where('v.number', '=', number).executeTakeFirst();
}

export interface FeedbackAnswer {
  councilId: string;
  articleId: string;
  version: number;
  useful: boolean;
  comment: string | null;
  language: string;
}

export async function insertFeedback(db: Queryable, answer: FeedbackAnswer): Promise<void> {
  await db
    .insertInto('knowledge_article_feedback')
    .values({
      council_id: answer.councilId,
      article_id: answer.articleId,
      version: answer.version,
      useful: answer.useful,
      comment: answer.comment,
      language: answer.language,
    })
    .execute();
}

export interface FeedbackSummary {
  useful: number;
  notUseful: number;
  /** The latest comments, newest first. */
  comments: { comment: string; version: number; language: string; createdAt: Date }[];
}

/** How many found an article useful and not, and what the latest who did not were looking for. */
export async function feedbackSummary(db: Queryable, articleId: string, commentLimit: number): Promise<FeedbackSummary> {
  const [counts, comments] = await Promise.all([
    db
      .selectFrom('knowledge_article_feedback')
      .select([
        sql<string>`count(*) filter (where useful)`.as('useful'),
        sql<string>`count(*) filter (where not useful)`.as('notUseful'),
      ])
      .where('article_id', '=', articleId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('knowledge_article_feedback')
      .select(['comment', 'version', 'language', 'created_at as createdAt'])
      .where('article_id', '=', articleId)
      .where('comment', 'is not', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(commentLimit)
      .execute(),
  ]);
  return {
    useful: Number(counts.useful),
    notUseful: Number(counts.notUseful),
    comments: comments.map((row) => ({ ...row, comment: row.comment ?? '' })),
  };
}
