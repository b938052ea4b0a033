// The cases calls of the JSON API (CONTRACT.md): raise a case, read one with its updates, and add
// an update (public or internal, optionally moving its status on).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { slaState } from '../services/calendar.ts';
import { CaseCreateBody, CaseCreated, CaseReferenceParams, CaseUpdateBody, CaseUpdated, CaseView } from './schemas.ts';
import type { CasesService } from './service.ts';

type Viewed = Awaited<ReturnType<CasesService['view']>>;

function present({ record, events, linked }: Viewed, now: Date): Static<typeof CaseView> {
  return {
    reference: record.reference,
    status: record.status,
    priority: record.priority,
    serviceCode: record.service.code,
    serviceName: record.service.name,
    team: record.team.name,
    organisation: record.organisation.name,
    customerId: record.customer?.id ?? null,
    channel: record.channel,
    description: record.description,
    answers: record.answers,
    location: record.location,
    uprn: record.uprn,
    ward: record.ward,
    assignedTo: record.assignedTo?.name ?? null,
    receivedAt: record.receivedAt.toISOString(),
    dueAt: record.dueAt.toISOString(),
    slaState: slaState(record.dueAt, record.dueSoonAt, now, record.resolvedAt),
    resolvedAt: record.resolvedAt?.toISOString() ?? null,
    closedAt: record.closedAt?.toISOString() ?? null,
    linkedTo: record.linkedTo?.reference ?? null,
    linked: linked.map((follower) => follower.reference),
    updates: events.map((event) => ({
      kind: event.kind,
      visibility: event.visibility,
      text: event.body,
      statusFrom: event.statusFrom,
      statusTo: event.statusTo,
      by: event.actorLabel,
      at: event.occurredAt.toISOString(),
    })),
  };
}

export const casesApiRoutes: FastifyPluginAsyncTypebox<{ cases: CasesService }> = async (app, { cases }) => {
  app.post(
    '/cases',
    {
      preHandler: requireScope('cases:write'),
      schema: {
        operationId: 'createCase',
        tags: ['Cases'],
        summary: 'Raise a case',
        description:
          'Checks the answers against the service’s questions (422 with per-field errors), routes the case to the owning team, sets its due date in working days and tells the customer. Also answers with open cases of the same service nearby, which the resident may prefer to follow.',
        body: CaseCreateBody,
        response: { 201: CaseCreated },
      },
    },
    async (request, reply) => {
      const key = apiKeyOf(request);
      const body = request.body;
      const input = { ...body, channel: body.channel ?? 'web' };
      const created = await cases.raise(key, input);
      return reply.code(201).send({
        reference: created.reference,
        status: created.status,
        priority: created.priority,
        serviceCode: created.serviceCode,
        team: created.teamName,
        dueAt: created.dueAt.toISOString(),
        linkedTo: created.linkedTo,
        alreadyReported: created.alreadyReported.map((item) => ({
          reference: item.reference,
          status: item.status,
          receivedAt: item.receivedAt.toISOString(),
          distanceMetres: item.distanceMetres,
        })),
      });
    },
  );

  app.get(
    '/cases/:reference',
    {
      preHandler: requireScope('cases:read'),
      schema: {
        operationId: 'getCase',
        tags: ['Cases'],
        summary: 'One case, with its updates newest first',
        params: CaseReferenceParams,
        response: { 200: CaseView },
      },
    },
    async (request) => present(await cases.view(apiKeyOf(request), request.params.reference), new Date()),
  );

  app.post(
    '/cases/:reference/updates',
    {
      preHandler: requireScope('cases:write'),
      schema: {
        operationId: 'updateCase',
        tags: ['Cases'],
        summary: 'Add an update to a case, optionally moving its status on',
        description:
          'A public update is shown to the resident, who is told of it; an internal one is not. A status change the lifecycle does not allow is refused with 409 and the reason. Cases following this one as already reported get the same public update and status.',
        params: CaseReferenceParams,
        body: CaseUpdateBody,
        response: { 201: CaseUpdated },
      },
    },
    async (request, reply) => {
      const result = await cases.addUpdate(apiKeyOf(request), request.params.reference, request.body);
      return reply.code(201).send({ reference: request.params.reference, status: result.status, followers: result.followers });
    },
  );
};
