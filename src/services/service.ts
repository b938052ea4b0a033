// The service catalogue: what the council does, who owns each service, the questions a request
// asks and how its cases are routed. Raising a case reads a service through `forCase`; the admin
// pages, the import and the demo change the catalogue through the operations below, each
// committing in one transaction with its audit record.
import type { Db, Tx } from '../db/database.ts';
import type { Actor, ApiKeyActor } from '../platform/actor.ts';
import { changesBetween, recordAudit, type Changes } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import {
  checkQuestion,
  checkRule,
  checkService,
  type QuestionInput,
  type Raw,
  type RuleInput,
  type ServiceInput,
} from './checks.ts';
import { servicePolicy } from './policy.ts';
import * as repo from './repo.ts';
import type { ServiceApiView, ServiceForCase } from './schemas.ts';

export type { OwningTeam, PickerService, PublicService, ServiceFilters, ServiceRecord, ServiceSummary } from './repo.ts';

export type Direction = 'up' | 'down';

/** Services found per page of the portal's search. */
export const PUBLIC_SEARCH_PAGE_SIZE = 10;
/** How many top tasks the portal's home page links to. */
export const TOP_TASKS = 6;
/** Top tasks are the services most asked for over this many days... */
const TOP_TASK_DAYS = 90;
/** ...or, where few have been asked for yet, these (the most asked for in most councils). */
export const USUAL_TOP_TASKS = ['bin-collection-days', 'council-tax', 'potholes', 'fly-tipping', 'bulky-waste', 'street-lights'];
/** The counts change slowly and the home page is the busiest, so each node counts every ten minutes. */
const TOP_TASKS_TTL_MS = 10 * 60_000;
/** The words of a search worth matching: a sentence's worth. */
const SEARCH_WORDS_MAX = 8;
const SEARCH_QUERY_MAX = 200;

const SERVICE_FIELDS: (keyof ServiceInput & string)[] = [
  'name',
  'nameCy',
  'lgsl',
  'description',
  'descriptionCy',
  'teamId',
  'public',
  'firstContactResolvable',
  'advisorScript',
  'advisorScriptCy',
  'slaWorkingDays',
  'defaultPriority',
];

const QUESTION_FIELDS: (keyof QuestionInput & string)[] = [
  'code',
  'label',
  'labelCy',
  'hint',
  'hintCy',
  'kind',
  'required',
  'options',
  'maxLength',
  'min',
  'max',
];

/** The council a caller's catalogue belongs to (OneDoor itself names it). */
function councilOf(actor: Actor, councilId?: string): string {
  if (actor.kind === 'system') {
    if (!councilId) throw new Error('a system actor must say which council’s catalogue it changes');
    return councilId;
  }
  return actor.councilId;
}

export function toServiceForCase(service: repo.ServiceRecord): ServiceForCase {
  return {
    id: service.id,
    councilId: service.councilId,
    code: service.code,
    name: service.name,
    nameCy: service.nameCy,
    lgsl: service.lgsl,
    description: service.description,
    public: service.public,
    firstContactResolvable: service.firstContactResolvable,
    advisorScript: service.advisorScript,
    teamId: service.teamId,
    organisationId: service.organisationId,
    teamName: service.teamName,
    slaWorkingDays: service.slaWorkingDays,
    defaultPriority: service.defaultPriority,
    questions: service.questions,
    routingRules: service.routingRules,
  };
}

function apiView(service: repo.ServiceRecord): ServiceApiView {
  return {
    code: service.code,
    name: service.name,
    nameCy: service.nameCy,
    lgsl: service.lgsl,
    description: service.description,
    descriptionCy: service.descriptionCy,
    team: { code: service.teamCode, name: service.teamName },
    organisation: { code: service.organisationCode, name: service.organisationName },
    public: service.public,
    firstContactResolvable: service.firstContactResolvable,
    slaWorkingDays: service.slaWorkingDays,
    defaultPriority: service.defaultPriority,
    questions: service.questions.map((question) => ({
      code: question.code,
      label: question.label,
      labelCy: question.labelCy,
      hint: question.hint,
      kind: question.kind,
      required: question.required,
      options: question.options,
      maxLength: question.maxLength,
      min: question.min,
      max: question.max,
    })),
  };
}

export function createServicesService(db: Db) {
  const topTasksByCouncil = new Map<string, { at: number; services: repo.PublicService[] }>();

  async function requireService(actor: Actor, id: string, action: 'read' | 'manage'): Promise<repo.ServiceRecord> {
    const service = isUuid(id) ? await repo.findService(db, id) : undefined;
    // Another council's service does not exist as far as this council is concerned.
    if (!service || !servicePolicy.can(actor, 'read', service)) throw new NotFound('service');
    servicePolicy.authorize(actor, action, service);
    return service;
  }

  /** The team named, if it may own the council's services or receive its cases. */
  async function requireTeam(councilId: string, teamId: string, field: string): Promise<repo.OwningTeam> {
    const team = (await repo.teamsServingCouncil(db, councilId)).find((candidate) => candidate.id === teamId);
    if (!team || !team.active) throw new Invalid([{ field, message: 'services.errors.teamUnknown' }]);
    return team;
  }

  /** Locks the service's row so that concurrent changes to its lists take their turns. */
  async function lock(trx: Tx, serviceId: string): Promise<void> {
    await trx.selectFrom('services').select('id').where('id', '=', serviceId).forUpdate().executeTakeFirst();
  }

  async function audit(
    trx: Tx,
    actor: Actor,
    service: { id: string; councilId: string; code: string },
    action: string,
    extra: { changes?: Changes; details?: Record<string, unknown> } = {},
  ) {
    await recordAudit(trx, actor, {
      action,
      organisationId: service.councilId,
      recordType: 'service',
      recordId: service.id,
      ...(extra.changes ? { changes: extra.changes } : {}),
      details: { code: service.code, ...extra.details },
    });
  }

  function checked<T>(result: { ok: true; value: T } | { ok: false; problems: FieldError[] }): T {
    if (!result.ok) throw new Invalid(result.problems);
    return result.value;
  }

  /** A rule's question and answer must be ones the service asks and allows. */
  function checkRuleAgainst(service: repo.ServiceRecord, input: RuleInput): RuleInput {
    if (input.questionCode === null || input.answerValue === null) return input;
    const question = service.questions.find((candidate) => candidate.code === input.questionCode);
    if (!question) throw new Invalid([{ field: 'questionCode', message: 'services.errors.ruleQuestionUnknown' }]);
    const answer = input.answerValue.toLowerCase();
    if (question.kind === 'yes_no') {
      if (answer !== 'yes' && answer !== 'no')
        throw new Invalid([{ field: 'answerValue', message: 'services.errors.ruleAnswerInvalid' }]);
      return { ...input, answerValue: answer };
    }
    if (question.kind === 'choice' && !question.options.some((option) => option.value === input.answerValue))
      throw new Invalid([{ field: 'answerValue', message: 'services.errors.ruleAnswerInvalid' }]);
    if (question.kind === 'location' || question.kind === 'file')
      throw new Invalid([{ field: 'questionCode', message: 'services.errors.ruleQuestionUnsuitable' }]);
    return input;
  }

  async function move(
    actor: Actor,
    serviceId: string,
    itemId: string,
    direction: Direction,
    list: 'questions' | 'routingRules',
  ): Promise<boolean> {
    const service = await requireService(actor, serviceId, 'manage');
    const items = service[list];
    const index = items.findIndex((item) => item.id === itemId);
    if (index < 0) throw new NotFound(list === 'questions' ? 'question' : 'routing rule');
    const other = items[direction === 'up' ? index - 1 : index + 1];
    if (!other) return false;
    const item = items[index]!;
    await db.transaction().execute(async (trx) => {
      await lock(trx, service.id);
      await repo.swapPositions(trx, list === 'questions' ? 'service_questions' : 'service_routing_rules', item, other);
      await audit(trx, actor, service, list === 'questions' ? 'service.question.move' : 'service.rule.move', {
        details: { id: item.id, direction },
      });
    });
    return true;
  }

  return {
    /**
     * An active service of the council by its code, with its questions and routing rules in
     * order: what raising a case needs. Undefined when there is no such active service.
     */
    async forCase(councilId: string, code: string): Promise<ServiceForCase | undefined> {
      if (!isUuid(councilId) || typeof code !== 'string' || code.length > 60) return undefined;
      const service = await repo.findActiveServiceByCode(db, councilId, code);
      return service ? toServiceForCase(service) : undefined;
    },

    /** The council's public, active services: the resident portal's A to Z. */
    async publicCatalogue(councilId: string): Promise<repo.PublicService[]> {
      if (!isUuid(councilId)) return [];
      return await repo.listPublicServices(db, councilId);
    },

    /** A public, active service of the council by its code; undefined for any other (staff-only, stopped, unknown). */
    async publicService(councilId: string, code: string): Promise<repo.PublicService | undefined> {
      if (!isUuid(councilId) || typeof code !== 'string' || !/^[a-z0-9][a-z0-9-]{1,59}$/.test(code)) return undefined;
      return await repo.findPublicService(db, councilId, code);
    },

    /** One page of the council's public, active services matching every word of `query`. */
    async searchPublicServices(
      councilId: string,
      query: string,
      page = 1,
    ): Promise<{ items: repo.PublicService[]; total: number; page: number; pageCount: number }> {
      const words = query.slice(0, SEARCH_QUERY_MAX).split(/\s+/).filter(Boolean).slice(0, SEARCH_WORDS_MAX);
      const current = Math.max(1, Math.min(10_000, Math.floor(page) || 1));
      if (!isUuid(councilId) || words.length === 0) return { items: [], total: 0, page: current, pageCount: 1 };
      const { items, total } = await repo.searchPublicServices(db, councilId, words, current, PUBLIC_SEARCH_PAGE_SIZE);
      return { items, total, page: current, pageCount: Math.max(1, Math.ceil(total / PUBLIC_SEARCH_PAGE_SIZE)) };
    },

    /**
     * The portal home page's top tasks: the public services residents asked for most in the last
     * 90 days, made up to six from the usual top tasks and then the A to Z where too few were asked for.
     */
    async topTasks(councilId: string, now = new Date()): Promise<repo.PublicService[]> {
      if (!isUuid(councilId)) return [];
      const cached = topTasksByCouncil.get(councilId);
      if (cached && now.getTime() - cached.at < TOP_TASKS_TTL_MS && now.getTime() >= cached.at) return cached.services;
      const since = new Date(now.getTime() - TOP_TASK_DAYS * 24 * 3_600_000);
      const chosen = await repo.mostRequestedPublicServices(db, councilId, since, TOP_TASKS);
      const add = (more: repo.PublicService[]) => {
        for (const service of more)
          if (chosen.length < TOP_TASKS && !chosen.some((other) => other.id === service.id)) chosen.push(service);
      };
      if (chosen.length < TOP_TASKS) add(await repo.findPublicServices(db, councilId, USUAL_TOP_TASKS));
      if (chosen.length < TOP_TASKS) add(await repo.listPublicServices(db, councilId));
      topTasksByCouncil.set(councilId, { at: now.getTime(), services: chosen });
      return chosen;
    },

    /** The active services the actor may raise a case for, by name: the "raise a case" picker. */
    async picker(actor: Actor, councilId?: string): Promise<repo.PickerService[]> {
      const council = councilOf(actor, councilId);
      servicePolicy.authorize(actor, 'pick', { councilId: council });
      return await repo.listActiveServicesForPicker(db, council);
    },

    /** The council's catalogue, for its administrators and team leaders. */
    async list(actor: Actor, filters: repo.ServiceFilters = {}, councilId?: string): Promise<repo.ServiceSummary[]> {
      const council = councilOf(actor, councilId);
      servicePolicy.authorize(actor, 'read', { councilId: council });
      return await repo.listServices(db, council, filters);
    },

    async get(actor: Actor, id: string): Promise<repo.ServiceRecord> {
      return await requireService(actor, id, 'read');
    },

    /** The teams that may own the council's services or receive its cases: its own, and its partners'. */
    async teams(actor: Actor, councilId?: string): Promise<repo.OwningTeam[]> {
      const council = councilOf(actor, councilId);
      servicePolicy.authorize(actor, 'read', { councilId: council });
      return (await repo.teamsServingCouncil(db, council)).filter((team) => team.active);
    },

    /** The council's active services with their questions, as GET /api/v1/services answers. */
    async listForApi(key: ApiKeyActor): Promise<{ items: ServiceApiView[]; next: null }> {
      servicePolicy.authorize(key, 'read', { councilId: key.councilId });
      const services = await repo.listActiveServices(db, key.councilId);
      return { items: services.map(apiView), next: null };
    },

    async create(actor: Actor, raw: Raw, councilId?: string): Promise<{ id: string; code: string }> {
      const council = councilOf(actor, councilId);
      servicePolicy.authorize(actor, 'manage', { councilId: council });
      const input = checked(checkService(raw));
      const team = await requireTeam(council, input.teamId, 'teamId');
      if (await repo.serviceCodeTaken(db, council, input.code))
        throw new Invalid([{ field: 'code', message: 'services.errors.codeTaken' }]);
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertService(trx, council, { ...input, organisationId: team.organisationId });
        await audit(trx, actor, { id, councilId: council, code: input.code }, 'service.create', {
          changes: changesBetween({}, input, ['code', ...SERVICE_FIELDS]),
        });
        return id;
      });
      return { id, code: input.code };
    },

    /** Changes a service; its code, by which cases and other systems know it, stays. */
    async update(actor: Actor, id: string, raw: Raw): Promise<void> {
      const service = await requireService(actor, id, 'manage');
      const input = checked(checkService({ ...raw, code: service.code }));
      const team = await requireTeam(service.councilId, input.teamId, 'teamId');
      await db.transaction().execute(async (trx) => {
        await repo.updateService(trx, service.id, { ...input, organisationId: team.organisationId });
        await audit(trx, actor, service, 'service.update', { changes: changesBetween(service, input, SERVICE_FIELDS) });
      });
    },

    /** Stops (or restarts) offering a service. Returns false when it was so already. */
    async setActive(actor: Actor, id: string, active: boolean): Promise<boolean> {
      const service = await requireService(actor, id, 'manage');
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.setServiceActive(trx, service.id, active))) return false;
        await audit(trx, actor, service, active ? 'service.reactivate' : 'service.deactivate');
        return true;
      });
    },

    async addQuestion(actor: Actor, serviceId: string, raw: Raw): Promise<string> {
      const service = await requireService(actor, serviceId, 'manage');
      const input = checked(checkQuestion(raw));
      if (service.questions.some((question) => question.code === input.code))
        throw new Invalid([{ field: 'code', message: 'services.errors.questionCodeTaken' }]);
      return await db.transaction().execute(async (trx) => {
        await lock(trx, service.id);
        const id = await repo.insertQuestion(trx, service.id, input);
        await audit(trx, actor, service, 'service.question.add', {
          changes: changesBetween({}, input, QUESTION_FIELDS),
          details: { id },
        });
        return id;
      });
    },

    async updateQuestion(actor: Actor, serviceId: string, questionId: string, raw: Raw): Promise<void> {
      const service = await requireService(actor, serviceId, 'manage');
      const question = service.questions.find((candidate) => candidate.id === questionId);
      if (!question) throw new NotFound('question');
      const input = checked(checkQuestion(raw));
      if (input.code !== question.code) {
        if (service.questions.some((other) => other.code === input.code))
          throw new Invalid([{ field: 'code', message: 'services.errors.questionCodeTaken' }]);
        if (service.routingRules.some((rule) => rule.questionCode === question.code))
          throw new Invalid([{ field: 'code', message: 'services.errors.questionCodeInUse' }]);
      }
      await db.transaction().execute(async (trx) => {
        await repo.updateQuestion(trx, question.id, input);
        await audit(trx, actor, service, 'service.question.update', {
          changes: changesBetween(question, input, QUESTION_FIELDS),
          details: { id: question.id },
        });
      });
    },

    async moveQuestion(actor: Actor, serviceId: string, questionId: string, direction: Direction): Promise<boolean> {
      return await move(actor, serviceId, questionId, direction, 'questions');
    },

    /** Removes a question no routing rule tests (cases keep the answers they were given). */
    async removeQuestion(actor: Actor, serviceId: string, questionId: string): Promise<void> {
      const service = await requireService(actor, serviceId, 'manage');
      const question = service.questions.find((candidate) => candidate.id === questionId);
      if (!question) throw new NotFound('question');
      await db.transaction().execute(async (trx) => {
        await lock(trx, service.id);
        if ((await repo.rulesOnQuestion(trx, service.id, question.code)) > 0) throw new Conflict('services.errors.questionInUse');
        await repo.deleteQuestion(trx, question.id);
        await audit(trx, actor, service, 'service.question.remove', { details: { id: question.id, question } });
      });
    },

    async addRule(actor: Actor, serviceId: string, raw: Raw): Promise<string> {
      const service = await requireService(actor, serviceId, 'manage');
      const input = checkRuleAgainst(service, checked(checkRule(raw)));
      if (input.teamId !== null) await requireTeam(service.councilId, input.teamId, 'teamId');
      return await db.transaction().execute(async (trx) => {
        await lock(trx, service.id);
        const id = await repo.insertRule(trx, service.id, input);
        await audit(trx, actor, service, 'service.rule.add', { details: { id, rule: input } });
        return id;
      });
    },

    async moveRule(actor: Actor, serviceId: string, ruleId: string, direction: Direction): Promise<boolean> {
      return await move(actor, serviceId, ruleId, direction, 'routingRules');
    },

    async removeRule(actor: Actor, serviceId: string, ruleId: string): Promise<void> {
      const service = await requireService(actor, serviceId, 'manage');
      const rule = service.routingRules.find((candidate) => candidate.id === ruleId);
      if (!rule) throw new NotFound('routing rule');
      await db.transaction().execute(async (trx) => {
        await repo.deleteRule(trx, rule.id);
        await audit(trx, actor, service, 'service.rule.remove', { details: { id: rule.id, rule } });
      });
    },
  };
}

export type ServicesService = ReturnType<typeof createServicesService>;
