// "Is this page useful?" on the portal's help articles: each answer, with what the resident was
// looking for when it was not. Anonymous: no address or customer is kept, only the article, the
// version they read and the language they read it in.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table knowledge_article_feedback (
      id uuid primary key default gen_random_uuid(),
      article_id uuid not null references knowledge_articles (id),
      council_id uuid not null references organisations (id),
      version integer not null check (version >= 1),
      useful boolean not null,
      comment text check (length(comment) between 1 and 500),
      language text not null check (length(language) between 2 and 8),
      created_at timestamptz not null default now()
    );
    -- An article's counts and its latest comments.
    create index knowledge_article_feedback_article_idx on knowledge_article_feedback (article_id, created_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists knowledge_article_feedback`.execute(db);
}
