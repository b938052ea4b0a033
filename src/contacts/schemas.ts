// What a contact is: its channel, outcome and avoidable-contact reason (fixed by the contacts
// table's checks, shared with the views and the API), the staff form and the API body.
import { Type, type Static } from '@sinclair/typebox';
import { choice, optionalText } from '../platform/forms.ts';
import { nullable } from '../platform/schemas.ts';

export const CHANNELS = ['phone', 'face_to_face', 'web', 'email', 'kiosk', 'mobile_bus', 'letter', 'social', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];

export const OUTCOMES = ['resolved_first_contact', 'case_raised', 'transferred', 'signposted', 'abandoned'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const AVOIDABLE_REASONS = [
  'chasing_progress',
  'repeat',
  'wrong_place',
  'unclear_information',
  'service_not_delivered',
] as const;
export type AvoidableReason = (typeof AVOIDABLE_REASONS)[number];

/** Channels where the person is in front of us, so the place they came to is recorded. */
export const CHANNELS_AT_A_SITE: readonly Channel[] = ['face_to_face', 'kiosk', 'mobile_bus'];

export const SERVICE_CODE_PATTERN = '^[a-z0-9][a-z0-9-]{1,59}$';
export const REASON_MAX_LENGTH = 200;
export const NOTES_MAX_LENGTH = 5000;
/** An ISO 8601 time with its offset, e.g. 2026-11-23T13:04:33.123Z. */
const ISO_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:\\d{2})$';

const uuid = (message: string) =>
  Type.Optional(Type.String({ format: 'uuid', errorMessages: { format: message, minLength: message } }));

/** The staff page. `startedAt` was set when the page was drawn; the end is when it is sent. */
export const ContactForm = Type.Object({
  customerId: uuid('contacts.errors.customerInvalid'),
  channel: choice(CHANNELS, 'contacts.errors.channelMissing'),
  serviceCode: Type.Optional(
    Type.String({ pattern: SERVICE_CODE_PATTERN, errorMessages: { pattern: 'contacts.errors.serviceCodeFormat' } }),
  ),
  reason: optionalText('contacts.errors.reasonTooLong', REASON_MAX_LENGTH),
  outcome: choice(OUTCOMES, 'contacts.errors.outcomeMissing'),
  signpostedTo: uuid('contacts.errors.signpostedToMissing'),
  avoidableReason: Type.Optional(choice(AVOIDABLE_REASONS, 'contacts.errors.avoidableReasonInvalid')),
  siteId: uuid('contacts.errors.siteMissing'),
  notes: optionalText('contacts.errors.notesTooLong', NOTES_MAX_LENGTH),
  startedAt: Type.String({
    minLength: 1,
    pattern: ISO_TIME_PATTERN,
    errorMessages: { minLength: 'contacts.errors.startedAtInvalid', pattern: 'contacts.errors.startedAtInvalid' },
  }),
});
export type ContactFormInput = Static<typeof ContactForm>;

const isoTime = (description: string) =>
  Type.String({ format: 'date-time', pattern: ISO_TIME_PATTERN, description, examples: ['2026-11-23T09:15:00Z'] });

/** `POST /api/v1/contacts` (CONTRACT.md). Times default to now; outcome to resolved at first contact. */
export const ContactApiBody = Type.Object(
  {
    channel: Type.Union(
      CHANNELS.map((value) => Type.Literal(value)),
      { description: 'How the person got in touch' },
    ),
    customerId: Type.Optional(Type.String({ format: 'uuid', description: 'Omit for an anonymous contact' })),
    serviceCode: Type.Optional(Type.String({ pattern: SERVICE_CODE_PATTERN, description: 'What it was about' })),
    reason: Type.Optional(Type.String({ maxLength: REASON_MAX_LENGTH })),
    outcome: Type.Optional(
      Type.Union(
        OUTCOMES.map((value) => Type.Literal(value)),
        { default: 'resolved_first_contact' },
      ),
    ),
    signpostedTo: Type.Optional(
      Type.String({ format: 'uuid', description: 'The partner organisation signposted to (needed for `signposted`)' }),
    ),
    avoidableReason: Type.Optional(Type.Union(AVOIDABLE_REASONS.map((value) => Type.Literal(value)))),
    siteId: Type.Optional(Type.String({ format: 'uuid', description: 'Needed for face_to_face, kiosk and mobile_bus' })),
    notes: Type.Optional(Type.String({ maxLength: NOTES_MAX_LENGTH })),
    startedAt: Type.Optional(isoTime('When the contact began; defaults to endedAt, or now')),
    endedAt: Type.Optional(isoTime('When it ended; defaults to now')),
  },
  { additionalProperties: false },
);
export type ContactApiBodyInput = Static<typeof ContactApiBody>;

/** A contact as the API answers it. */
export const ContactLogged = Type.Object({
  id: Type.String({ format: 'uuid' }),
  customerId: nullable(Type.String({ format: 'uuid' })),
  channel: Type.String(),
  serviceCode: nullable(Type.String()),
  reason: nullable(Type.String()),
  outcome: Type.String(),
  avoidableReason: nullable(Type.String()),
  signpostedTo: nullable(Type.String({ format: 'uuid' })),
  siteId: nullable(Type.String({ format: 'uuid' })),
  notes: nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Type.String({ format: 'date-time' }),
  handlingSeconds: Type.Integer({ minimum: 0 }),
});

/** What the rules take, from a page or the API. Times are instants. */
export interface ContactInput {
  channel: Channel;
  customerId?: string;
  serviceCode?: string;
  reason?: string;
  outcome: Outcome;
  avoidableReason?: AvoidableReason;
  signpostedTo?: string;
  siteId?: string;
  notes?: string;
  startedAt: Date;
  endedAt: Date;
}

export const isChannel = (value: unknown): value is Channel => (CHANNELS as readonly unknown[]).includes(value);
export const isOutcome = (value: unknown): value is Outcome => (OUTCOMES as readonly unknown[]).includes(value);
export const isAvoidableReason = (value: unknown): value is AvoidableReason =>
  (AVOIDABLE_REASONS as readonly unknown[]).includes(value);
