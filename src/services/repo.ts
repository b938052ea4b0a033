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
