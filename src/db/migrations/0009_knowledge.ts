// The knowledge base: a council's articles, each for its advisors or for the public and often
// about one service, searched in full text. Every change of an article's words is kept as a
// numbered version that nothing may change or remove afterwards.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table knowledge_articles (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      service_id uuid references services (id),
      audience text not null check (audience in ('advisor', 'public')),
      status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
      title text not null check (length(title) between 1 and 200),
      body text not null check (length(body) between 1 and 20000),
      title_cy text check (length(title_cy) between 1 and 200),
      body_cy text check (length(body_cy) between 1 and 20000),
      -- The number of the latest version: an edit names the version it started from, so two
      -- people editing at once cannot silently overwrite each other.
      version integer not null default 1 check (version >= 1),
      updated_by uuid references staff_users (id),
      updated_by_label text not null check (length(updated_by_label) between 1 and 320),
      published_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- Full text: the title outweighs the body; English stemming ("collections" finds "collection").
      search tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
      ) stored
    );
    create index knowledge_articles_search_idx on knowledge_articles using gin (search);
    -- The list without a search (newest first), and the articles beside a service.
    create index knowledge_articles_council_updated_idx on knowledge_articles (council_id, updated_at desc, id);
    create index knowledge_articles_service_idx on knowledge_articles (service_id, status) where service_id is not null;
    create trigger knowledge_articles_updated_at before update on knowledge_articles
      for each row execute function set_updated_at();

    create table knowledge_article_versions (
      id uuid primary key default gen_random_uuid(),
      article_id uuid not null references knowledge_articles (id),
      -- The owning council beside it, as on every table that grows.
      council_id uuid not null references organisations (id),
      number integer not null check (number >= 1),
      title text not null,
      body text not null,
      title_cy text,
      body_cy text,
      service_id uuid references services (id),
      audience text not null check (audience in ('advisor', 'public')),
      author_id uuid references staff_users (id),
      author_label text not null check (length(author_label) between 1 and 320),
      created_at timestamptz not null default now(),
      unique (article_id, number)
    );

    create function forbid_knowledge_version_change() returns trigger language plpgsql as $$
    begin
      raise exception 'an article''s versions are kept as written';
    end $$;
    create trigger knowledge_article_versions_kept before update or delete on knowledge_article_versions
      for each row execute function forbid_knowledge_version_change();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists knowledge_article_versions, knowledge_articles;
    drop function if exists forbid_knowledge_version_change();
  `.execute(db);
}
