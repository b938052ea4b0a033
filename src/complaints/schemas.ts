// The complaints calls of the JSON API as TypeBox schemas: validation, types and OpenAPI in one.
import { Type } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';
import {
  ADJUSTMENTS_MAX_LENGTH,
  CHANNELS,
  DESCRIPTION_MAX_LENGTH,
  OUTCOME_WANTED_MAX_LENGTH,
  RECEIVED_AT_MOST_DAYS_AGO,
} from './service.ts';
import { CATEGORIES, COMPLAINT_KINDS, STATUSES } from './workflow.ts';

const literals = <V extends string>(values: readonly V[], options: object = {}) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  );

export const ComplaintCreateBody = Type.Object(
  {
    description: Type.String({
      minLength: 1,
      maxLength: DESCRIPTION_MAX_LENGTH,
      description: 'What the person said, as they said it',
    }),
    kind: Type.Optional(
      literals(COMPLAINT_KINDS, {
        default: 'complaint',
        description: 'A complaint runs through the Complaint Handling Code’s stages; a compliment or comment goes to the team',
      }),
    ),
    customerId: Type.Optional(Type.String({ format: 'uuid', description: 'The customer it is from; omit when not known' })),
    serviceCode: Type.Optional(
      Type.String({ minLength: 1, maxLength: 60, description: 'The code of the service it is about, in GET /services' }),
    ),
    category: Type.Optional(literals(CATEGORIES)),
    outcomeWanted: Type.Optional(
      Type.String({ maxLength: OUTCOME_WANTED_MAX_LENGTH, description: 'What the complainant would like to happen' }),
    ),
    adjustments: Type.Optional(
      Type.String({ maxLength: ADJUSTMENTS_MAX_LENGTH, description: 'Reasonable adjustments the complainant asked for' }),
    ),
    channel: Type.Optional(literals(CHANNELS, { default: 'web', description: 'How it reached the council' })),
    ombudsmanScheme: Type.Optional(
      literals(['lgsco', 'housing'] as const, {
        default: 'lgsco',
        description: 'The Ombudsman it may go to: the Housing Ombudsman for landlord complaints, else the LGSCO',
      }),
    ),
    receivedAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: `When the council received it, if before now: not in the future, nor more than ${RECEIVED_AT_MOST_DAYS_AGO} days ago. Its deadlines count from this.`,
        examples: ['2026-11-23T09:15:00Z'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const ComplaintCreated = Type.Object({
  reference: Type.String({ examples: ['CMP-7K4M-2Q9P'] }),
  kind: literals(COMPLAINT_KINDS),
  stage: nullable(Type.Integer({ minimum: 1, maximum: 2, description: 'Null for a compliment or a comment' })),
  status: literals(STATUSES),
  acknowledgeBy: nullable(
    Type.String({ format: 'date-time', description: 'The end of the last working day to acknowledge it by' }),
  ),
  respondBy: nullable(
    Type.String({
      format: 'date-time',
      description: 'The latest the stage 1 answer may be due; counted from the acknowledgement once there is one',
    }),
  ),
  team: nullable(Type.String({ description: 'The name of the team answering for the service it is about' })),
});
