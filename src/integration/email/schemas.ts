// What the inbound email call takes and answers (TypeBox: validation, types and OpenAPI in one).
import { Type } from '@sinclair/typebox';
import { REFERENCE_PATTERN } from '../../cases/reference.ts';

export const INTAKE_OUTCOMES = ['case_update', 'contact', 'unmatched', 'duplicate'] as const;

/**
 * The raw message, as the mail relay received it (RFC 5322 / RFC 822, headers and body). Parsed
 * by the route's own content-type parser, so any value passes here; the schema is for OpenAPI.
 */
export const RawMessageBody = Type.Unknown({
  type: 'string',
  format: 'binary',
  description: 'The whole message as received (headers, blank line, body), at most 10 MB.',
});

export const InboundEmailTaken = Type.Object({
  id: Type.String({ format: 'uuid', description: 'The inbound message (the first one’s, for a duplicate)' }),
  outcome: Type.Union(
    INTAKE_OUTCOMES.map((value) => Type.Literal(value)),
    {
      description:
        'case_update: a reply from the case’s own customer, added to its timeline; contact: an email contact on the one ' +
        'customer with that address; unmatched: kept for staff to match; duplicate: this Message-ID was taken before.',
    },
  ),
  caseReference: Type.Optional(Type.String({ pattern: REFERENCE_PATTERN })),
  customerId: Type.Optional(Type.String({ format: 'uuid' })),
  automatic: Type.Optional(
    Type.Boolean({ description: 'An auto-reply, bounce or list mail: kept, never a contact, never answered' }),
  ),
});
