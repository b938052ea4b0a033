// The cases calls of the JSON API as TypeBox schemas: validation, types and OpenAPI in one.
import { Type } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';
import { CASE_STATUSES } from './lifecycle.ts';
import { REFERENCE_PATTERN } from './reference.ts';
import { CHANNELS, DESCRIPTION_MAX_LENGTH, UPDATE_MAX_LENGTH } from './service.ts';

const Status = Type.Union(CASE_STATUSES.map((status) => Type.Literal(status)));
const Reference = Type.String({ pattern: REFERENCE_PATTERN, examples: ['ODR-7K4M-2Q9P'] });

export const Location = Type.Union([
  Type.Object(
    { lat: Type.Number({ minimum: -90, maximum: 90 }), long: Type.Number({ minimum: -180, maximum: 180 }) },
    { additionalProperties: false },
  ),
  Type.Object({ uprn: Type.Integer({ minimum: 1, maximum: 999_999_999_999 }) }, { additionalProperties: false }),
]);

export const CaseCreateBody = Type.Object(
  {
    serviceCode: Type.String({ minLength: 1, maxLength: 60, description: 'The code of a service in GET /services' }),
    description: Type.String({ minLength: 1, maxLength: DESCRIPTION_MAX_LENGTH }),
    customerId: Type.Optional(Type.String({ format: 'uuid' })),
    channel: Type.Optional(
      Type.Union(
        CHANNELS.map((channel) => Type.Literal(channel)),
        { default: 'web' },
      ),
    ),
    location: Type.Optional(Location),
    answers: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Answers to the service’s questions, by question code' }),
    ),
    linkTo: Type.Optional(Type.String({ description: 'The reference of an open case this one was already reported as' })),
  },
  { additionalProperties: false },
);

const NearbyCase = Type.Object({
  reference: Type.String(),
  status: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  distanceMetres: Type.Integer(),
});

export const CaseCreated = Type.Object({
  reference: Type.String(),
  status: Status,
  priority: Type.String(),
  serviceCode: Type.String(),
  team: Type.String({ description: 'The owning team’s name' }),
  dueAt: Type.String({ format: 'date-time' }),
  linkedTo: nullable(Type.String()),
  alreadyReported: Type.Array(NearbyCase, {
    description:
      'Open cases of the same service within 50 m reported in the last 14 days: offer the resident to follow one instead (POST again with linkTo)',
  }),
});

export const CaseUpdateView = Type.Object({
  kind: Type.String(),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('internal')]),
  text: nullable(Type.String()),
  statusFrom: nullable(Status),
  statusTo: nullable(Status),
  by: nullable(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

export const CaseView = Type.Object({
  reference: Type.String(),
  status: Status,
  priority: Type.String(),
  serviceCode: Type.String(),
  serviceName: Type.String(),
  team: Type.String(),
  organisation: Type.String(),
  customerId: nullable(Type.String({ format: 'uuid' })),
  channel: Type.String(),
  description: Type.String(),
  answers: Type.Record(Type.String(), Type.Unknown()),
  location: nullable(Type.Object({ lat: Type.Number(), long: Type.Number() })),
  uprn: nullable(Type.Integer()),
  ward: nullable(Type.String()),
  assignedTo: nullable(Type.String()),
  receivedAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  slaState: Type.Union([Type.Literal('on_track'), Type.Literal('due_soon'), Type.Literal('overdue')]),
  resolvedAt: nullable(Type.String({ format: 'date-time' })),
  closedAt: nullable(Type.String({ format: 'date-time' })),
  linkedTo: nullable(Type.String()),
  linked: Type.Array(Type.String(), { description: 'Cases following this one as already reported' }),
  updates: Type.Array(CaseUpdateView, { description: 'Newest first' }),
});

export const CaseReferenceParams = Type.Object({ reference: Reference });

export const CaseUpdateBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: UPDATE_MAX_LENGTH }),
    visibility: Type.Union([Type.Literal('public'), Type.Literal('internal')], {
      description: 'public: the resident sees it and is told; internal: staff only',
    }),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);

export const CaseUpdated = Type.Object({ reference: Type.String(), status: Status, followers: Type.Array(Type.String()) });
