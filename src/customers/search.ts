// The customer search's SQL. Each kind of thing typed in the box (see searchQuery.ts) selects
// customers through its own exact index; names go through the small dictionary of name words
// (customer_name_words), where trigram similarity is fast, and are then looked up exactly — never
// a similarity scan over a million customers, and never a scan in JavaScript. Each branch says
// why it matched, so the advisor sees it.
import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { SearchQuery } from './searchQuery.ts';

export type MatchReason =
  | 'email'
  | 'phone'
  | 'postcode'
  | 'pastPostcode'
  | 'uprn'
  | 'dateOfBirth'
  | 'name'
  | 'similarName'
  | 'previousName'
  | 'organisationName'
  | 'address'
  | 'caseReference';

/** Which customers the reader may find: a council's, or only those who agreed to share with a partner. */
export interface SearchScope {
  councilId: string;
  /** For partner workers: only customers with a current consent to share with this organisation. */
  sharedWithOrganisationId?: string;
}

export interface SearchHit {
  id: string;
  score: number;
  reasons: MatchReason[];
}

// How alike a typed word and a dictionary word must be. 0.3 (pg_trgm's default) misses "jon" for
// "john"; lower lets in noise that the ranking then pushes down.
const WORD_SIMILARITY = 0.2;
const WORDS_PER_TERM = 8;
const ROWS_PER_WORD = 25;

type Branch = RawBuilder<{ id: string; score: number; reason: MatchReason }>;

export async function searchCustomerIds(
  db: Queryable,
  scope: SearchScope,
  query: SearchQuery,
  limit: number,
): Promise<SearchHit[]> {
  const selectors = selectorBranches(query);
  const nameText = query.nameWords.join(' ');
  const outcodeFilter = query.outcode ? sql`and ${livesInOutcode(sql.ref('c.id'), query.outcode)}` : sql``;
  const ranked = (hits: RawBuilder<unknown>, having: RawBuilder<unknown>) => sql<SearchHit>`
    select c.id, sum(hit.score)::float8 as score, array_agg(distinct hit.reason) as reasons
    from (${hits}) hit
    join customers c on c.id = hit.id
    where c.council_id = ${scope.councilId} and c.merged_into is null ${outcodeFilter} ${sharedCondition(scope)}
    group by c.id
    ${having}
    -- Equally good matches in the order an advisor reads a list: by name.
    order by score desc, lower(coalesce(c.family_name, c.organisation_name)), lower(c.given_name), c.id
    limit ${limit}`;

  let statement: RawBuilder<SearchHit>;
  if (selectors.length > 0) {
    // The selectors choose the people, who must match every one given; a name typed as well only
    // ranks them, and drops those who are clearly someone else.
    const candidates = sql.join(
      selectors.map((branch) => sql`(${branch})`),
      sql` union all `,
    );
    const named = nameText ? sql`union all (${nameAmongCandidates(nameText)})` : sql``;
    statement = sql<SearchHit>`
      with candidate as (${candidates}),
      selected as (
        select id from candidate group by id
        having count(distinct case when reason = 'pastPostcode' then 'postcode' else reason end) >= ${selectors.length}
      )
      ${ranked(
        sql`select id, score, reason from candidate where id in (select id from selected) ${named}`,
        nameText ? sql`having bool_or(hit.reason in ('name', 'similarName', 'previousName'))` : sql``,
      )}`;
  } else {
    // Each typed word's nearest dictionary words are found once (through the GiST index) and
    // shared by every branch that needs them.
    const words = [...new Set(query.nameWords)];
    const similar = (word: string) => sql.ref(`similar_${words.indexOf(word)}`);
    const branches = [
      ...(words.length > 0 ? nameBranches(scope, query.nameWords, similar, query.outcode) : []),
      ...(query.addressText ? [addressBranch(scope, query.addressText)] : []),
      ...(nameText ? [organisationBranch(nameText)] : []),
    ];
    if (branches.length === 0) return [];
    const dictionary = words.map(
      (word, i) => sql`${sql.ref(`similar_${i}`)} as materialized (
        select word, s from (
          select word, similarity(word, ${word}) as s from customer_name_words
          order by word <-> ${word} limit ${WORDS_PER_TERM}
        ) nearest
        where s >= ${WORD_SIMILARITY}
      )`,
    );
    statement = sql<SearchHit>`
      ${dictionary.length > 0 ? sql`with ${sql.join(dictionary, sql`, `)}` : sql``}
      ${ranked(
        sql.join(
          branches.map((branch) => sql`(${branch})`),
          sql` union all `,
        ),
        sql``,
      )}`;
  }

  const result = await statement.execute(db);
  return result.rows.map((row) => ({ ...row, reasons: normaliseReasons(row.reasons) }));
}

/** The customer has (or had) an address in the outward code: "SY1" is not SY10 to SY19. */
function livesInOutcode(customerId: RawBuilder<unknown>, outcode: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from customer_addresses a where a.customer_id = ${customerId}
    and postcode_key(a.postcode) like ${`${outcode}%`} and length(postcode_key(a.postcode)) = ${outcode.length + 3})`;
}

function sharedCondition(scope: SearchScope): RawBuilder<unknown> {
  if (!scope.sharedWithOrganisationId) return sql``;
  return sql`and exists (select 1 from customer_consents cc where cc.customer_id = c.id
    and cc.organisation_id = ${scope.sharedWithOrganisationId} and cc.withdrawn_at is null)`;
}

// node-postgres returns a text[] of a custom aggregate as an array, but be safe with '{a,b}'.
function normaliseReasons(value: unknown): MatchReason[] {
  if (Array.isArray(value)) return value as MatchReason[];
  if (typeof value === 'string')
    return value
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean) as MatchReason[];
  return [];
}

function selectorBranches(query: SearchQuery): Branch[] {
  const branches: Branch[] = [];
  if (query.email) {
    branches.push(
      sql`select customer_id as id, 10 as score, 'email' as reason from customer_emails where email = ${query.email}`,
    );
  }
  if (query.phone) {
    branches.push(
      sql`select customer_id as id, 10 as score, 'phone' as reason from customer_phones where number = ${query.phone}`,
    );
  }
  if (query.postcode) {
    branches.push(
      sql`select customer_id as id, case when is_current then 5 else 2 end as score,
          case when is_current then 'postcode' else 'pastPostcode' end as reason
        from customer_addresses where postcode_key(postcode) = ${query.postcode}`,
    );
  }
  if (query.uprn !== undefined) {
    branches.push(
      sql`select customer_id as id, case when is_current then 8 else 3 end as score, 'uprn' as reason
        from customer_addresses where uprn = ${query.uprn}`,
    );
  }
  if (query.caseReference) {
    // The customer a case was raised for (or the record they were merged into), through the unique reference.
    branches.push(
      sql`select coalesce(cu.merged_into, cu.id) as id, 10 as score, 'caseReference' as reason
        from cases k join customers cu on cu.id = k.customer_id
        where k.reference = ${query.caseReference}`,
    );
  }
  if (query.dateOfBirth) {
    branches.push(sql`select id, 4 as score, 'dateOfBirth' as reason from customers where date_of_birth = ${query.dateOfBirth}`);
  }
  return branches;
}

type Similar = (word: string) => RawBuilder<unknown>;

function nameBranches(scope: SearchScope, words: string[], similar: Similar, outcode?: string): Branch[] {
  const council = scope.councilId;
  // With an outward code ("smith SY11") the look-up walks the name's index until it has enough
  // people from that area, rather than taking the first few of the name and filtering afterwards.
  const inArea = outcode ? sql`and ${livesInOutcode(sql.ref('customers.id'), outcode)}` : sql``;
  const exactBonus = (column: RawBuilder<unknown>, typed: string) => sql`case when ${column} = ${typed} then 0.5 else 0 end`;
  if (words.length === 1) {
    const word = words[0]!;
    // One word: a family name or a given name.
    return [
      sql`select c.id, (f.s * 1.1 + ${exactBonus(sql`f.word`, word)}) as score,
            case when f.word = ${word} then 'name' else 'similarName' end as reason
          from ${similar(word)} f
          cross join lateral (
            select id from customers
            where council_id = ${council} and merged_into is null and kind = 'person' and lower(family_name) = f.word ${inArea}
            order by lower(given_name), id limit ${ROWS_PER_WORD}
          ) c`,
      sql`select c.id, (g.s * 0.8 + ${exactBonus(sql`g.word`, word)}) as score,
            case when g.word = ${word} then 'name' else 'similarName' end as reason
          from ${similar(word)} g
          cross join lateral (
            select id from customers
            where council_id = ${council} and merged_into is null and kind = 'person' and lower(given_name) = g.word ${inArea}
            order by lower(family_name), id limit ${ROWS_PER_WORD}
          ) c`,
      previousNameBranch(words, similar),
    ];
  }
  // Several words: the first is the given name and the last the family name, or the other way round.
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const pair = (given: string, family: string, weight: number): Branch => sql`
    select c.id, (f.s + g.s + ${exactBonus(sql`f.word`, family)} + ${exactBonus(sql`g.word`, given)}) * ${weight} as score,
      case when f.word = ${family} and g.word = ${given} then 'name' else 'similarName' end as reason
    from ${similar(family)} f
    cross join lateral (
      select id, lower(given_name) as given from customers
      where council_id = ${council} and merged_into is null and kind = 'person' and lower(family_name) = f.word ${inArea}
        and lower(given_name) in (select word from ${similar(given)} w)
      limit ${ROWS_PER_WORD}
    ) c
    join ${similar(given)} g on g.word = c.given`;
  return [pair(first, last, 1), pair(last, first, 0.7), previousNameBranch(words, similar)];
}

function previousNameBranch(words: string[], similar: Similar): Branch {
  const family = words[words.length - 1]!;
  const given = words.length > 1 ? words[0]! : undefined;
  return sql`select p.customer_id as id, (f.s * 0.9) as score, 'previousName' as reason
      from ${similar(family)} f
      join customer_previous_names p on lower(p.family_name) = f.word
      ${given ? sql`where lower(p.given_name) in (select word from ${similar(given)} w)` : sql``}
      limit ${ROWS_PER_WORD}`;
}

/** Ranks the customers chosen by the selectors by how like the typed name their names are. */
function nameAmongCandidates(name: string): Branch {
  return sql`select c.id, similarity(lower(c.given_name || ' ' || c.family_name), ${name}) * 2 as score,
      case when lower(c.given_name || ' ' || c.family_name) = ${name} or lower(c.family_name) = ${name}
        then 'name' else 'similarName' end as reason
    from customers c
    where c.kind = 'person' and c.id in (select id from selected)
      and (similarity(lower(c.given_name || ' ' || c.family_name), ${name}) > 0.2
        or word_similarity(${name}, lower(c.given_name || ' ' || c.family_name)) > 0.5)
    union all
    select p.customer_id, similarity(lower(p.given_name || ' ' || p.family_name), ${name}) * 1.8, 'previousName'
    from customer_previous_names p
    where p.customer_id in (select id from selected)
      and word_similarity(${name}, lower(p.given_name || ' ' || p.family_name)) > 0.5`;
}

/**
 * Part of an address: the start of a customer's first address line ("12 church street"), or any
 * part of a gazetteer address, whose property leads to the customers living there.
 */
function addressBranch(scope: SearchScope, text: string): Branch {
  const escaped = text.replace(/[\\%_]/g, (character) => `\\${character}`);
  return sql`(select customer_id as id, case when is_current then 1 else 0.5 end as score, 'address' as reason
      from customer_addresses where lower(address_line1) like ${`${escaped}%`} limit 100)
    union all
    (select a.customer_id, case when a.is_current then 1 else 0.5 end, 'address'
      from (select uprn from properties where council_id = ${scope.councilId} and address_text like ${`%${escaped}%`} limit 50) p
      join customer_addresses a on a.uprn = p.uprn
      limit 100)`;
}

function organisationBranch(text: string): Branch {
  return sql`select id, similarity(lower(organisation_name), ${text}) * 2 as score, 'organisationName' as reason
    from customers
    where kind = 'organisation' and merged_into is null and lower(organisation_name) % ${text}
    limit 50`;
}
