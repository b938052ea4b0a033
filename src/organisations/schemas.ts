// The forms for organisations, teams and staff accounts. Messages are i18n keys.
import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../platform/actor.ts';
import { choices, emailAddress, optionalText, requiredText } from '../platform/forms.ts';

const uuid = (missing: string) => Type.String({ format: 'uuid', errorMessages: { format: missing, minLength: missing } });
const code = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,39}$',
  errorMessages: { pattern: 'organisations.errors.codeFormat' },
});

export const StaffUserForm = Type.Object({
  name: requiredText({ missing: 'users.errors.nameMissing', tooLong: 'users.errors.nameTooLong' }),
  email: emailAddress({ missing: 'users.errors.emailMissing', format: 'users.errors.emailFormat' }),
  organisationId: uuid('users.errors.organisationMissing'),
  roles: choices(ROLES, 'users.errors.rolesMissing'),
  teams: Type.Array(Type.String({ format: 'uuid' }), { errorMessages: { invalid: 'users.errors.teamsInvalid' } }),
});
export type StaffUserInput = Static<typeof StaffUserForm>;

export const TeamForm = Type.Object({
  organisationId: uuid('teams.errors.organisationMissing'),
  name: requiredText({ missing: 'teams.errors.nameMissing', tooLong: 'teams.errors.nameTooLong' }),
  nameCy: optionalText('teams.errors.nameTooLong'),
  code,
  email: Type.Optional(emailAddress({ missing: 'teams.errors.emailFormat', format: 'teams.errors.emailFormat' })),
});
export type TeamInput = Static<typeof TeamForm>;

export const TeamEditForm = Type.Omit(TeamForm, ['organisationId', 'code']);
export type TeamEditInput = Static<typeof TeamEditForm>;

export const PartnerForm = Type.Object({
  name: requiredText({ missing: 'organisations.errors.nameMissing', tooLong: 'organisations.errors.nameTooLong' }),
  nameCy: optionalText('organisations.errors.nameTooLong'),
  code,
});
export type PartnerInput = Static<typeof PartnerForm>;

export const SecuritySettingsForm = Type.Object({
  mfaRequired: Type.Array(Type.Union(ROLES.map((role) => Type.Literal(role)))),
});
