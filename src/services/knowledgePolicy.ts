// Who may read and write a council's knowledge base. The council's administrators and team
// leaders write it; everyone who works for the council reads its published articles, for advisors
// and for the public alike; people of a partner agency beside the council read only what the
// public may read. Drafts and archived articles are for those who write. No API key reads it yet.
import type { StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole } from '../platform/policy.ts';

export const AUDIENCES = ['advisor', 'public'] as const;
export type Audience = (typeof AUDIENCES)[number];
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Whose knowledge base, and (for one article) whom it is for and whether it is out. */
export interface KnowledgePlacement {
  councilId: string;
}
export interface ArticlePlacement extends KnowledgePlacement {
  audience: Audience;
  status: ArticleStatus;
}

const worksForCouncil = (actor: StaffActor, councilId: string): boolean =>
  actor.organisationKind === 'council' && actor.organisationId === councilId;

const writes = (actor: StaffActor, place: KnowledgePlacement): boolean =>
  worksForCouncil(actor, place.councilId) && hasRole(actor, 'admin', 'team_leader');

/** The audiences whose published articles `actor` reads in the council's knowledge base. */
export function audiencesReadBy(actor: StaffActor, councilId: string): Audience[] {
  if (worksForCouncil(actor, councilId)) return ['advisor', 'public'];
  if (actor.organisationKind === 'partner' && actor.councilId === councilId) return ['public'];
  return [];
}

export const knowledgePolicy = definePolicy<KnowledgePlacement, 'open' | 'write'>('KnowledgeBase', {
  open: (actor, place) => audiencesReadBy(actor, place.councilId).length > 0,
  write: writes,
});

export const articlePolicy = definePolicy<ArticlePlacement, 'read' | 'write'>('KnowledgeArticle', {
  read: (actor, article) =>
    writes(actor, article) ||
    (article.status === 'published' && audiencesReadBy(actor, article.councilId).includes(article.audience)),
  write: writes,
});
