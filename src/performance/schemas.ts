// The performance call of the JSON API as TypeBox schemas: validation, types and OpenAPI in one.
import { Type } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';
import { DIRECTIONS, RAGS, UNITS } from './indicators.ts';
import { MAX_PERIOD_DAYS } from './service.ts';

export const IndicatorQuery = Type.Object({
  from: Type.String({ description: 'The first day of the period (YYYY-MM-DD, in UK time)', examples: ['2026-04-01'] }),
  to: Type.String({
    description: `The last day of the period, inclusive (YYYY-MM-DD); at most ${MAX_PERIOD_DAYS} days after from`,
    examples: ['2026-07-31'],
  }),
});

const Part = Type.Object({
  key: Type.String({
    description: 'A channel, a reason for avoidable contact, a complaint stage, an age band',
    examples: ['phone'],
  }),
  value: nullable(Type.Number()),
  numerator: Type.Number(),
  denominator: Type.Number(),
});

const Indicator = Type.Object({
  code: Type.String({ examples: ['first_contact_resolution'] }),
  name: Type.String({ examples: ['First-contact resolution'] }),
  kind: Type.String({ enum: ['computed', 'manual'], description: 'Counted by OneDoor, or entered by the council' }),
  unit: Type.String({ enum: [...UNITS] }),
  direction: Type.String({ enum: [...DIRECTIONS], description: 'Whether higher or lower is better' }),
  value: nullable(Type.Number({ description: 'The actual for the period (so far, while it runs); null when not known' })),
  numerator: nullable(Type.Number()),
  denominator: nullable(Type.Number()),
  breakdown: Type.Array(Part),
  target: nullable(Type.Number()),
  tolerance: nullable(Type.Number({ description: 'How far short of the target is still amber' })),
  benchmark: nullable(Type.Number({ description: 'The top-quartile benchmark' })),
  previousActual: nullable(Type.Number()),
  estimatedOutturn: nullable(Type.Number()),
  rag: Type.String({
    enum: [...RAGS],
    description: 'green meets the target, amber is within the tolerance, red is not; not_known without a value or a target',
  }),
  owner: nullable(Type.String()),
  comment: nullable(Type.String()),
});

export const IndicatorList = Type.Object({
  from: Type.String(),
  to: Type.String({ description: 'The last day counted' }),
  running: Type.Boolean({ description: 'The period has not ended: values are so far' }),
  counts: Type.Object({ green: Type.Number(), amber: Type.Number(), red: Type.Number(), not_known: Type.Number() }),
  items: Type.Array(Indicator),
  next: Type.Null(),
});
