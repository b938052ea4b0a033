// The JSON API's shapes for customers (CONTRACT.md): validation, types and OpenAPI in one.
// Field names are camelCase; times are ISO 8601. Add fields freely, remove none.
import { Type, type Static } from '@sinclair/typebox';
import { nullable } from '../platform/schemas.ts';

const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const CustomerAddressBody = Type.Object(
  {
    line1: text(200),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    town: text(100),
    postcode: Type.String({
      minLength: 1,
      maxLength: 10,
      description: 'A full UK postcode, in any case, with or without its space',
    }),
    uprn: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 999_999_999_999 }), Type.String({ pattern: '^[0-9]{1,12}$' })], {
        description: 'The property in the council’s gazetteer, if known',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CustomerCreateBody = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('organisation')], { default: 'person' })),
    title: Type.Optional(Type.String({ maxLength: 20 })),
    givenName: Type.Optional(text(100, 'Required for a person')),
    familyName: Type.Optional(text(100, 'Required for a person')),
    organisationName: Type.Optional(text(200, 'Required for an organisation')),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 30, description: 'A UK phone number in any format' })),
    dateOfBirth: Type.Optional(Type.String({ format: 'date' })),
    preferredLanguage: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{2,3}$', description: 'ISO 639 code, e.g. en, cy, pl' })),
    preferredContactMethod: Type.Optional(
      Type.Union([Type.Literal('email'), Type.Literal('phone'), Type.Literal('sms'), Type.Literal('letter')]),
    ),
    address: Type.Optional(CustomerAddressBody),
  },
  { additionalProperties: false },
);
export type CustomerCreateBodyInput = Static<typeof CustomerCreateBody>;

export const CustomerSearchQuery = Type.Object({
  q: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'Name (typos allowed), phone, email, postcode, address, UPRN, date of birth or case reference (ODR-7K4M-2Q9P)',
  }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

const MATCH_REASONS = [
  'email',
  'phone',
  'postcode',
  'pastPostcode',
  'uprn',
  'dateOfBirth',
  'name',
  'similarName',
  'previousName',
  'organisationName',
  'address',
  'caseReference',
] as const;

export const CustomerSummaryView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('person'), Type.Literal('organisation')]),
  givenName: nullable(Type.String()),
  familyName: nullable(Type.String()),
  organisationName: nullable(Type.String()),
  displayName: Type.String(),
  dateOfBirth: nullable(Type.String({ format: 'date' })),
  email: nullable(Type.String()),
  phone: nullable(Type.String({ description: 'E.164' })),
  addressLine1: nullable(Type.String()),
  postcode: nullable(Type.String()),
  vulnerable: Type.Boolean({ description: 'True while any vulnerability flag is current' }),
  matchedOn: Type.Optional(Type.Array(Type.Union(MATCH_REASONS.map((reason) => Type.Literal(reason))))),
});

export const CustomerList = Type.Object({
  items: Type.Array(CustomerSummaryView),
  next: Type.Null({ description: 'Search answers one page, best match first' }),
});

export const CustomerCreated = Type.Composite([
  CustomerSummaryView,
  Type.Object({
    likelyDuplicates: Type.Array(CustomerSummaryView, {
      description:
        'Records that may be the same customer (same email or phone, or a similar name with the same date of birth or postcode)',
    }),
  }),
]);

export const ContactView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  channel: Type.String(),
  outcome: Type.String(),
  serviceCode: nullable(Type.String()),
  avoidableReason: nullable(Type.String()),
  notes: nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
});

export const CustomerView = Type.Composite([
  CustomerSummaryView,
  Type.Object({
    title: nullable(Type.String()),
    preferredLanguage: Type.String(),
    preferredContactMethod: nullable(Type.String()),
    needs: Type.Array(Type.String()),
    emails: Type.Array(Type.Object({ email: Type.String(), primary: Type.Boolean() })),
    phones: Type.Array(
      Type.Object({ number: Type.String({ description: 'E.164' }), kind: Type.String(), primary: Type.Boolean() }),
    ),
    addresses: Type.Array(
      Type.Object({
        uprn: nullable(Type.Integer()),
        line1: Type.String(),
        line2: nullable(Type.String()),
        town: Type.String(),
        postcode: Type.String(),
        current: Type.Boolean(),
      }),
    ),
    flags: Type.Array(Type.Object({ reason: Type.String(), reviewOn: Type.String({ format: 'date' }) })),
    contacts: Type.Array(ContactView, { description: 'The newest 25, newest first' }),
    cases: Type.Array(
      Type.Object({
        reference: Type.String(),
        status: Type.String(),
        serviceCode: Type.String(),
        serviceName: Type.String(),
        receivedAt: Type.String({ format: 'date-time' }),
        dueAt: Type.String({ format: 'date-time' }),
      }),
      { description: 'The newest 50, newest first' },
    ),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  }),
]);
