// The team queue on the staff desktop: a team's open cases with the MOJ filter (status, service,
// SLA state, ward, assigned to me, unassigned), sorted and paged in the database. Every choice is
// a GET query parameter, so links, the back button and pages without JavaScript all work. A team
// leader shares cases out from the same page: tick them, choose a person, "Assign".
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { formFields, pageErrors, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import { lastDueDay } from '../services/calendar.ts';
import type { CaseStatus } from './lifecycle.ts';
import { caseQueuePolicy, caseRaisingPolicy } from './policy.ts';
import { QUEUE_PAGE_SIZE, QUEUE_SORTS, type CasesService, type QueueSort, type SlaState } from './service.ts';

const view = (name: string) => `cases/views/${name}.njk`;
const BASE = '/staff/cases';
/** What a queue may be narrowed to: closed cases have left the queue. */
const FILTER_STATUSES: CaseStatus[] = ['submitted', 'in_progress', 'awaiting_customer', 'resolved'];
const SLA_STATES: SlaState[] = ['on_track', 'due_soon', 'overdue'];
/** The sorts read in this direction; the others newest first. */
const ASCENDING: QueueSort[] = ['due', 'priority'];
const NOBODY = 'nobody';
/** SLA states as GOV.UK tags: the words say it, the colour repeats it. */
const SLA_TAG_CLASSES: Record<SlaState, string> = {
  overdue: 'govuk-tag--red',
  due_soon: 'govuk-tag--yellow',
  on_track: 'govuk-tag--green',
};

/** A queue as the query string describes it, after checking each value. */
export interface QueueQuery {
  team?: string;
  status: CaseStatus[];
  service: string[];
  sla: SlaState[];
  ward: string[];
  mine: boolean;
  unassigned: boolean;
  sort: QueueSort;
  page: number;
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is string => typeof item === 'string' && item !== '' && item.length <= 100,
  );
const among = <V extends string>(allowed: readonly V[], value: unknown): V[] => [
  ...new Set(listOf(value).filter((item): item is V => (allowed as readonly string[]).includes(item))),
];

export function readQueueQuery(query: Record<string, unknown>): QueueQuery {
  const page = Number(query.page);
  const team = typeof query.team === 'string' && isUuid(query.team) ? query.team : undefined;
  return {
    ...(team ? { team } : {}),
    status: among(FILTER_STATUSES, query.status),
    service: [...new Set(listOf(query.service).filter(isUuid))],
    sla: among(SLA_STATES, query.sla),
    ward: [...new Set(listOf(query.ward))].slice(0, 50),
    mine: query.mine === 'yes',
    unassigned: query.unassigned === 'yes',
    sort: among(QUEUE_SORTS, query.sort)[0] ?? 'due',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The queue's address for `query`, leaving out what is already the default. */
export function queueHref(query: QueueQuery): string {
  const search = new URLSearchParams();
  if (query.team) search.set('team', query.team);
  for (const status of query.status) search.append('status', status);
  for (const service of query.service) search.append('service', service);
  for (const state of query.sla) search.append('sla', state);
  for (const ward of query.ward) search.append('ward', ward);
  if (query.mine) search.set('mine', 'yes');
  if (query.unassigned) search.set('unassigned', 'yes');
  if (query.sort !== 'due') search.set('sort', query.sort);
  if (query.page > 1) search.set('page', String(query.page));
  const text = search.toString();
  return text ? `${BASE}?${text}` : BASE;
}

/** The queue address to go back to after assigning: only the queue itself, never elsewhere. */
function returnQueryOf(value: unknown): QueueQuery {
  if (typeof value !== 'string' || !/^\/staff\/cases(\?|$)/.test(value)) return readQueueQuery({});
  const url = new URL(value, 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
  for (const single of ['team', 'mine', 'unassigned', 'sort', 'page']) {
    const first = url.searchParams.get(single);
    if (first !== null) query[single] = first;
  }
  return readQueueQuery(query);
}

export const casesQueueStaffRoutes: FastifyPluginAsync<{ cases: CasesService }> = async (app, { cases }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) caseQueuePolicy.authorize(request.staff, 'open', { organisationId: request.staff.organisationId });
  });

  async function renderQueue(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    query: QueueQuery,
    extra: { errors?: PageErrors; chosen?: string[]; assignee?: string } = {},
    status = 200,
  ) {
    let queue;
    try {
      queue = await cases.queue(actor, {
        teamId: query.team,
        statuses: query.status,
        serviceIds: query.service,
        slaStates: query.sla,
        wards: query.ward,
        assignedToMe: query.mine,
        unassigned: query.unassigned,
        sort: query.sort,
        page: query.page,
      });
    } catch (error) {
      // An organisation with no teams yet has no queue to show.
      if (error instanceof NotFound && error.what === 'team') return reply.render(view('queue'), { noTeams: true }, status);
      throw error;
    }
    const t = request.t;
    // The team shown, named in the address so that every link keeps to it.
    const shown: QueueQuery = { ...query, team: queue.team.id, page: queue.page };
    const href = (changes: Partial<QueueQuery>) => queueHref({ ...shown, page: 1, ...changes });
    const without = <K extends 'status' | 'service' | 'sla' | 'ward'>(key: K, value: string) =>
      href({ [key]: (shown[key] as string[]).filter((item) => item !== value) } as Partial<QueueQuery>);
    const serviceName = (service: { name: string; name_cy: string | null }) =>
      request.language === 'cy' && service.name_cy ? service.name_cy : service.name;

    const selected = [
      {
        heading: t('cases.queue.filter.status'),
        items: shown.status.map((value) => ({ text: t(`cases.statuses.${value}`), href: without('status', value) })),
      },
      {
        heading: t('cases.queue.filter.service'),
        items: shown.service.map((id) => {
          const service = queue.facets.services.find((candidate) => candidate.id === id);
          return { text: service ? serviceName(service) : t('cases.queue.filter.unknownService'), href: without('service', id) };
        }),
      },
      {
        heading: t('cases.queue.filter.sla'),
        items: shown.sla.map((value) => ({ text: t(`cases.slaStates.${value}`), href: without('sla', value) })),
      },
      { heading: t('cases.queue.filter.ward'), items: shown.ward.map((ward) => ({ text: ward, href: without('ward', ward) })) },
      {
        heading: t('cases.queue.filter.assignment'),
        items: [
          ...(shown.mine ? [{ text: t('cases.queue.filter.mine'), href: href({ mine: false }) }] : []),
          ...(shown.unassigned ? [{ text: t('cases.queue.filter.unassigned'), href: href({ unassigned: false }) }] : []),
        ],
      },
    ].filter((group) => group.items.length > 0);

    const lastPage = Math.max(1, Math.ceil(queue.total / QUEUE_PAGE_SIZE));
    // Column headings that sort: links (no JavaScript needed) saying how the table is sorted now.
    const sortable = (sort: QueueSort) => ({
      href: href({ sort }),
      ariaSort: shown.sort === sort ? (ASCENDING.includes(sort) ? 'ascending' : 'descending') : 'none',
    });

    return reply.render(
      view('queue'),
      {
        queue,
        canRaise: caseRaisingPolicy.can(actor, 'raise', { councilId: actor.councilId }),
        dueDay: lastDueDay,
        query: shown,
        selected,
        clearHref: queueHref({ ...readQueueQuery({}), team: queue.team.id }),
        filtered: selected.length > 0,
        statusOptions: FILTER_STATUSES,
        slaOptions: SLA_STATES,
        serviceLabel: serviceName,
        lastPage,
        // Formatted for reading ("10,000"); plural forms still follow the number.
        countText: queue.total.toLocaleString(request.language === 'cy' ? 'cy-GB' : 'en-GB'),
        slaTagClasses: SLA_TAG_CLASSES,
        pageHref: (page: number) => queueHref({ ...shown, page }),
        sortHeads: { received: sortable('received'), due: sortable('due'), priority: sortable('priority') },
        returnTo: queueHref(shown),
        chosen: extra.chosen ?? [],
        assignee: extra.assignee ?? '',
        nobody: NOBODY,
        ...(extra.errors ? { errors: extra.errors } : {}),
      },
      status,
    );
  }

  app.get(BASE, async (request, reply) => {
    return renderQueue(request, reply, staffOf(request), readQueueQuery(request.query as Record<string, unknown>));
  });

  app.post(`${BASE}/assign`, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    const query = returnQueryOf(body.returnTo);
    const chosen = listOf(body.cases);
    const assignee = typeof body.assignee === 'string' ? body.assignee : '';
    const teamId = typeof body.team === 'string' && isUuid(body.team) ? body.team : undefined;
    const problems: FieldError[] = [];
    if (chosen.length === 0) problems.push({ field: 'cases', message: 'cases.errors.noneChosen' });
    if (assignee === '') problems.push({ field: 'assignee', message: 'cases.queue.errors.assigneeMissing' });
    try {
      if (problems.length > 0) throw new Invalid(problems);
      if (!teamId) throw new NotFound('team');
      const result = await cases.bulkAssign(actor, teamId, chosen, assignee === NOBODY ? null : assignee);
      request.session.set(
        'flash',
        result.assignee
          ? { key: 'cases.queue.assigned', params: { count: result.assigned.length, name: result.assignee.name } }
          : { key: 'cases.queue.unassignedDone', params: { count: result.assigned.length } },
      );
      return reply.redirect(queueHref({ ...query, team: teamId }), 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const errors = pageErrors(request.t, error.errors);
      return renderQueue(
        request,
        reply,
        actor,
        { ...query, ...(teamId ? { team: teamId } : {}) },
        { errors, chosen, assignee },
        400,
      );
    }
  });
};
