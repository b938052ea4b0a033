// SQL for the service catalogue. A service is read with its questions and routing rules in one
// query (json_agg over the (service_id, position) indexes), because raising a case reads it every time.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { QuestionInput, RuleInput, ServiceInput } from './checks.ts';
import type { Priority, Question, RoutingRule } from './schemas.ts';

/** A service with everything about it, as the admin pages and raising a case read it. */
export type ServiceRecord = {
  id: string;
  councilId: string;
  code: string;
  name: string;
  nameCy: string | null;
  lgsl: number | null;
  description: string;
  descriptionCy: string | null;
  teamId: string;
  teamCode: string;
  teamName: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  public: boolean;
  firstContactResolvable: boolean;
  advisorScript: string | null;
  advisorScriptCy: string | null;
  slaWorkingDays: number;
  defaultPriority: Priority;
  active: boolean;
  questions: Question[];
  routingRules: RoutingRule[];
  createdAt: Date;
  updatedAt: Date;
};

/** A question as json_agg returns it: numeric columns may come back as strings. */
type QuestionJson = Omit<Question, 'min' | 'max'> & { min: number | string | null; max: number | string | null };

const toNumber = (value: number | string | null) => (value === null ? null : Number(value));

function serviceQuery(db: Queryable) {
  return db
    .selectFrom('services')
    .innerJoin('teams', 'teams.id', 'services.team_id')
    .innerJoin('organisations', 'organisations.id', 'services.organisation_id')
    .select([
      'services.id',
      'services.council_id as councilId',
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      'services.lgsl',
      'services.description',
      'services.description_cy as descriptionCy',
      'services.team_id as teamId',
      'teams.code as teamCode',
      'teams.name as teamName',
      'services.organisation_id as organisationId',
      'organisations.code as organisationCode',
      'organisations.name as organisationName',
      'services.public',
      'services.first_contact_resolvable as firstContactResolvable',
      'services.advisor_script as advisorScript',
      'services.advisor_script_cy as advisorScriptCy',
      'services.sla_working_days as slaWorkingDays',
      'services.default_priority as defaultPriority',
      'services.active',
      'services.created_at as createdAt',
      'services.updated_at as updatedAt',
      sql<QuestionJson[]>`(
        select coalesce(json_agg(json_build_object(
          'id', q.id, 'position', q.position, 'code', q.code, 'label', q.label, 'labelCy', q.label_cy,
          'hint', q.hint, 'hintCy', q.hint_cy, 'kind', q.kind, 'required', q.required, 'options', q.options,
          'maxLength', q.max_length, 'min', q.min, 'max', q.max
        ) order by q.position), '[]')
        from service_questions q where q.service_id = services.id
      )`.as('questions'),
      sql<RoutingRule[]>`(
        select coalesce(json_agg(json_build_object(
          'id', r.id, 'position', r.position, 'ward', r.ward, 'questionCode', r.question_code,
          'answerValue', r.answer_value, 'teamId', r.team_id, 'organisationId', t.organisation_id,
          'teamName', t.name, 'priority', r.priority
        ) order by r.position), '[]')
        from service_routing_rules r left join teams t on t.id = r.team_id where r.service_id = services.id
      )`.as('routingRules'),
    ]);
}

type ServiceRow = Awaited<ReturnType<ReturnType<typeof serviceQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: ServiceRow): ServiceRecord {
  return {
    ...row,
    questions: row.questions.map((question) => ({ ...question, min: toNumber(question.min), max: toNumber(question.max) })),
  };
}

export async function findService(db: Queryable, id: string): Promise<ServiceRecord | undefined> {
  const row = await serviceQuery(db).where('services.id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** An active service by its code: the (council_id, code) index, and one row. */
export async function findActiveServiceByCode(
  db: Queryable,
  councilId: string,
  code: string,
): Promise<ServiceRecord | undefined> {
  const row = await serviceQuery(db)
    .where('services.council_id', '=', councilId)
    .where('services.code', '=', code)
    .where('services.active', '=', true)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export interface ServiceFilters {
  teamId?: string;
  public?: boolean;
  active?: boolean;
}

export interface ServiceSummary {
  id: string;
  code: string;
  name: string;
  nameCy: string | null;
  lgsl: number | null;
  teamId: string;
  teamName: string;
  organisationName: string;
  public: boolean;
  firstContactResolvable: boolean;
  slaWorkingDays: number;
  defaultPriority: Priority;
  active: boolean;
  questionCount: number;
}

export async function listServices(db: Queryable, councilId: string, filters: ServiceFilters = {}): Promise<ServiceSummary[]> {
  let query = db
    .selectFrom('services')
    .innerJoin('teams', 'teams.id', 'services.team_id')
    .innerJoin('organisations', 'organisations.id', 'services.organisation_id')
    .select([
      'services.id',
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      'services.lgsl',
      'services.team_id as teamId',
      'teams.name as teamName',
      'organisations.name as organisationName',
      'services.public',
      'services.first_contact_resolvable as firstContactResolvable',
      'services.sla_working_days as slaWorkingDays',
      'services.default_priority as defaultPriority',
      'services.active',
      sql<number>`(select count(*)::int from service_questions q where q.service_id = services.id)`.as('questionCount'),
    ])
    .where('services.council_id', '=', councilId);
  if (filters.teamId) query = query.where('services.team_id', '=', filters.teamId);
  if (filters.public !== undefined) query = query.where('services.public', '=', filters.public);
  if (filters.active !== undefined) query = query.where('services.active', '=', filters.active);
  return await query.orderBy('services.name').orderBy('services.code').execute();
}

export interface PickerService {
  code: string;
  name: string;
  nameCy: string | null;
  teamName: string;
  firstContactResolvable: boolean;
}

export async function listActiveServicesForPicker(db: Queryable, councilId: string): Promise<PickerService[]> {
  return await db
    .selectFrom('services')
    .innerJoin('teams', 'teams.id', 'services.team_id')
    .select([
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      'teams.name as teamName',
      'services.first_contact_resolvable as firstContactResolvable',
    ])
    .where('services.council_id', '=', councilId)
    .where('services.active', '=', true)
    .orderBy('services.name')
    .execute();
}

/** The active services of a council with their questions, for the JSON API. */
export async function listActiveServices(db: Queryable, councilId: string): Promise<ServiceRecord[]> {
  const rows = await serviceQuery(db)
    .where('services.council_id', '=', councilId)
    .where('services.active', '=', true)
    .orderBy('services.name')
    .orderBy('services.code')
    .execute();
  return rows.map(toRecord);
}

/** A public, active service as the resident portal shows it: nothing an advisor alone should read. */
export interface PublicService {
  id: string;
  code: string;
  name: string;
  nameCy: string | null;
  description: string;
  descriptionCy: string | null;
  slaWorkingDays: number;
}

function publicServiceQuery(db: Queryable, councilId: string) {
  return db
    .selectFrom('services')
    .select([
      'services.id',
      'services.code',
      'services.name',
      'services.name_cy as nameCy',
      'services.description',
      'services.description_cy as descriptionCy',
      'services.sla_working_days as slaWorkingDays',
    ])
    .where('services.council_id', '=', councilId)
    .where('services.public', '=', true)
    .where('services.active', '=', true);
}

/** The council's public, active services by name (the A to Z sorts them again in the reader's language). */
export async function listPublicServices(db: Queryable, councilId: string): Promise<PublicService[]> {
  return await publicServiceQuery(db, councilId).orderBy('services.name').orderBy('services.code').execute();
}

/** A public, active service by its code: the (council_id, code) unique index, and one row. */
export async function findPublicService(db: Queryable, councilId: string, code: string): Promise<PublicService | undefined> {
  return await publicServiceQuery(db, councilId).where('services.code', '=', code).executeTakeFirst();
}

/** The public, active services of these codes, in the order given. */
export async function findPublicServices(db: Queryable, councilId: string, codes: string[]): Promise<PublicService[]> {
  if (codes.length === 0) return [];
  const rows = await publicServiceQuery(db, councilId).where('services.code', 'in', codes).execute();
  return codes.flatMap((code) => rows.filter((row) => row.code === code));
}

/**
 * The public, active services most asked for since `since`, most first: a count over the
 * (council_id, received_at) index of cases, grouped by service.
 */
export async function mostRequestedPublicServices(
  db: Queryable,
  councilId: string,
  since: Date,
  limit: number,
): Promise<PublicService[]> {
  return await publicServiceQuery(db, councilId)
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('cases')
          .select(['cases.service_id', sql<number>`count(*)::int`.as('requests')])
          .where('cases.council_id', '=', councilId)
          .where('cases.received_at', '>=', since)
          .groupBy('cases.service_id')
          .as('recent'),
      (join) => join.onRef('recent.service_id', '=', 'services.id'),
    )
    .orderBy('recent.requests', 'desc')
    .orderBy('services.name')
    .limit(limit)
    .execute();
}

/** `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * One page of the council's public, active services whose name or description (in English or
 * Welsh) holds every word searched for; those with a word in their name first. A council offers
 * a few hundred services at most, so the (council_id, name) index and a scan of them is enough.
 */
export async function searchPublicServices(
  db: Queryable,
  councilId: string,
  words: string[],
  page: number,
  pageSize: number,
): Promise<{ items: PublicService[]; total: number }> {
  if (words.length === 0) return { items: [], total: 0 };
  const patterns = words.map(containing);
  const base = publicServiceQuery(db, councilId).where((eb) =>
    eb.and(
      patterns.map((pattern) =>
        eb.or([
          eb('services.name', 'ilike', pattern),
          eb('services.name_cy', 'ilike', pattern),
          eb('services.description', 'ilike', pattern),
          eb('services.description_cy', 'ilike', pattern),
        ]),
      ),
    ),
  );
  const inName = sql<boolean>`(${sql.join(
    patterns.map((pattern) => sql`services.name ilike ${pattern} or services.name_cy ilike ${pattern}`),
    sql` or `,
  )})`;
  const [items, count] = await Promise.all([
    base
      .orderBy(inName, 'desc')
      .orderBy('services.name')
      .orderBy('services.code')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base
      .clearSelect()
      .select(sql<number>`count(*)::int`.as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: count.total };
}

export async function serviceCodeTaken(db: Queryable, councilId: string, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('services')
    .select('id')
    .where('council_id', '=', councilId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row !== undefined;
}

/** The active services of a council by code, for the import. */
export async function serviceCodes(db: Queryable, councilId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('services').select('code').where('council_id', '=', councilId).execute();
  return new Set(rows.map((row) => row.code));
}

/** A team that may own a council's services or receive its cases: the council's own, or a partner's beside it. */
export interface OwningTeam {
  id: string;
  code: string;
  name: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationKind: 'council' | 'partner';
  active: boolean;
}

export async function teamsServingCouncil(db: Queryable, councilId: string): Promise<OwningTeam[]> {
  return await db
    .selectFrom('teams')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select([
      'teams.id',
      'teams.code',
      'teams.name',
      'teams.organisation_id as organisationId',
      'organisations.code as organisationCode',
      'organisations.name as organisationName',
      'organisations.kind as organisationKind',
      sql<boolean>`teams.active and organisations.active`.as('active'),
    ])
    .where((eb) => eb.or([eb('organisations.id', '=', councilId), eb('organisations.council_id', '=', councilId)]))
    .orderBy(sql`organisations.kind = 'partner'`)
    .orderBy('organisations.name')
    .orderBy('teams.name')
    .execute();
}

type ServiceColumns = Omit<ServiceInput, 'code'> & { organisationId: string };

function serviceColumns(input: ServiceColumns) {
  return {
    name: input.name,
    name_cy: input.nameCy,
    lgsl: input.lgsl,
    description: input.description,
    description_cy: input.descriptionCy,
    team_id: input.teamId,
    organisation_id: input.organisationId,
    public: input.public,
    first_contact_resolvable: input.firstContactResolvable,
    advisor_script: input.advisorScript,
    advisor_script_cy: input.advisorScriptCy,
    sla_working_days: input.slaWorkingDays,
    default_priority: input.defaultPriority,
  };
}

export async function insertService(
  db: Queryable,
  councilId: string,
  input: ServiceInput & { organisationId: string },
): Promise<string> {
  const row = await db
    .insertInto('services')
    .values({ council_id: councilId, code: input.code, ...serviceColumns(input) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateService(db: Queryable, id: string, input: ServiceColumns): Promise<void> {
  await db.updateTable('services').set(serviceColumns(input)).where('id', '=', id).execute();
}

export async function setServiceActive(db: Queryable, id: string, active: boolean): Promise<boolean> {
  const result = await db
    .updateTable('services')
    .set({ active })
    .where('id', '=', id)
    .where('active', '=', !active)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// Questions

function questionColumns(input: QuestionInput) {
  return {
    code: input.code,
    label: input.label,
    label_cy: input.labelCy,
    hint: input.hint,
    hint_cy: input.hintCy,
    kind: input.kind,
    required: input.required,
    options: JSON.stringify(input.options),
    max_length: input.maxLength,
    min: input.min,
    max: input.max,
  };
}

export async function insertQuestion(db: Queryable, serviceId: string, input: QuestionInput): Promise<string> {
  const row = await db
    .insertInto('service_questions')
    .values({
      service_id: serviceId,
      position: sql<number>`(select coalesce(max(position) + 1, 0) from service_questions where service_id = ${serviceId})`,
      ...questionColumns(input),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateQuestion(db: Queryable, id: string, input: QuestionInput): Promise<void> {
  await db.updateTable('service_questions').set(questionColumns(input)).where('id', '=', id).execute();
}

export async function deleteQuestion(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('service_questions').where('id', '=', id).execute();
}

/** Swaps the places of two rows of a service's list (the unique position constraint is deferred). */
export async function swapPositions(
  db: Queryable,
  table: 'service_questions' | 'service_routing_rules',
  a: { id: string; position: number },
  b: { id: string; position: number },
): Promise<void> {
  await db.updateTable(table).set({ position: b.position }).where('id', '=', a.id).execute();
  await db.updateTable(table).set({ position: a.position }).where('id', '=', b.id).execute();
}

// Routing rules

export async function insertRule(db: Queryable, serviceId: string, input: RuleInput): Promise<string> {
  const row = await db
    .insertInto('service_routing_rules')
    .values({
      service_id: serviceId,
      position: sql<number>`(select coalesce(max(position) + 1, 0) from service_routing_rules where service_id = ${serviceId})`,
      ward: input.ward,
      question_code: input.questionCode,
      answer_value: input.answerValue,
      team_id: input.teamId,
      priority: input.priority,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteRule(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('service_routing_rules').where('id', '=', id).execute();
}

/** Rules that test a question's answers (a question they test cannot go while they stay). */
export async function rulesOnQuestion(db: Queryable, serviceId: string, questionCode: string): Promise<number> {
  const row = await db
    .selectFrom('service_routing_rules')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('service_id', '=', serviceId)
    .where('question_code', '=', questionCode)
    .executeTakeFirstOrThrow();
  return row.count;
}
