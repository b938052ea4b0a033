// What the API says about a key, and the administrators' form for a new one. Messages are i18n keys.
import { Type, type Static } from '@sinclair/typebox';
import { choices, requiredText } from '../forms.ts';
import { SCOPES, type Scope } from './scopes.ts';

export const MAX_NAME_LENGTH = 100;

// One enum rather than a union of literals: the OpenAPI description reads as a list.
const ScopeSchema = Type.Unsafe<Scope>(
  Type.String({ enum: [...SCOPES], description: 'What the key may do: `<resource>:read` or `<resource>:write`.' }),
);

/** GET /api/v1/api-key: the calling key, for an integrator checking their set-up. */
export const ApiKeyView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ description: 'What the organisation called the key.' }),
    prefix: Type.String({ description: 'The public part of the key, shown in the administrators’ list.' }),
    organisation: Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), name: Type.String() }),
    scopes: Type.Array(ScopeSchema),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the key was last used, to the minute.',
    }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'ApiKey', description: 'The key that made the call.' },
);
export type ApiKeyViewData = Static<typeof ApiKeyView>;

export const ApiKeyForm = Type.Object({
  name: requiredText({ missing: 'apiKeys.errors.nameMissing', tooLong: 'apiKeys.errors.nameTooLong' }, MAX_NAME_LENGTH),
  organisationId: Type.String({
    format: 'uuid',
    errorMessages: { format: 'apiKeys.errors.organisationMissing', minLength: 'apiKeys.errors.organisationMissing' },
  }),
  scopes: choices(SCOPES, 'apiKeys.errors.scopesMissing'),
});
export type ApiKeyInput = Static<typeof ApiKeyForm>;
