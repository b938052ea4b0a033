// The appointments calls of the JSON API as TypeBox schemas: validation, types and OpenAPI in one.
// Dates and the service are checked by the service (422 with a message per field, in words).
import { Type } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';
import { NOTES_MAX_LENGTH, SLOT_SEARCH_MAX_DAYS, SLOT_SEARCH_MAX_RESULTS } from './service.ts';

export const APPOINTMENT_STATUSES = ['booked', 'cancelled', 'arrived', 'no_show'] as const;

export const SlotQuery = Type.Object({
  serviceCode: Type.String({
    minLength: 1,
    maxLength: 60,
    description: 'The code of a service that takes appointments, in GET /services',
    examples: ['register-birth'],
  }),
  from: Type.String({ description: 'The first day (YYYY-MM-DD, in UK time)', examples: ['2026-12-07'] }),
  to: Type.String({
    description: `The last day, inclusive (YYYY-MM-DD); at most ${SLOT_SEARCH_MAX_DAYS} days after from`,
    examples: ['2026-12-11'],
  }),
  siteId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the slots at this site' })),
});

export const FreeSlotItem = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Book it with POST /appointments' }),
  siteId: Type.String({ format: 'uuid' }),
  siteName: Type.String({ examples: ['Castle Street one-stop shop'] }),
  place: nullable(Type.String({ description: 'Where the mobile bus stops for this slot; null at a one-stop shop' })),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  remaining: Type.Integer({ minimum: 1, description: 'Places still free in the slot' }),
});

export const FreeSlotList = Type.Object({
  items: Type.Array(FreeSlotItem, {
    description: `Soonest first; at most ${SLOT_SEARCH_MAX_RESULTS} (ask for fewer days to see the rest)`,
  }),
  next: Type.Null({ description: 'Always null: narrow the dates to see more' }),
});

export const AppointmentCreateBody = Type.Object(
  {
    slotId: Type.String({ minLength: 1, maxLength: 60, description: 'A free slot from GET /appointment-slots' }),
    customerId: Type.String({ minLength: 1, maxLength: 60, description: 'The customer the appointment is for' }),
    notes: Type.Optional(
      Type.String({ maxLength: NOTES_MAX_LENGTH, description: 'What the resident needs, or adjustments they asked for' }),
    ),
  },
  { additionalProperties: false },
);

export const AppointmentCreated = Type.Object({
  reference: Type.String({ examples: ['APT-7K4M-2Q9P'] }),
  slotId: Type.String({ format: 'uuid' }),
  siteId: Type.String({ format: 'uuid' }),
  siteName: Type.String(),
  place: nullable(Type.String()),
  serviceName: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  status: Type.Union(
    APPOINTMENT_STATUSES.map((status) => Type.Literal(status)),
    { description: 'booked when made' },
  ),
});
