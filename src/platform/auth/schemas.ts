// The sign-in, second-factor and password forms. Messages are i18n keys.
import { Type, type Static } from '@sinclair/typebox';
import { optionalText, password } from '../forms.ts';

export const SignInForm = Type.Object({
  email: Type.String({
    minLength: 1,
    maxLength: 320,
    errorMessages: { minLength: 'signIn.errors.emailMissing', maxLength: 'signIn.errors.refused' },
  }),
  password: password('signIn.errors.passwordMissing'),
  returnTo: optionalText('errors.invalid', 2000),
});
export type SignInInput = Static<typeof SignInForm>;

export const SecondFactorForm = Type.Object({
  code: Type.String({
    minLength: 1,
    pattern: '^\\d{3} ?\\d{3}$',
    errorMessages: { minLength: 'signIn.errors.codeMissing', pattern: 'signIn.errors.codeFormat' },
  }),
});

export const ChangePasswordForm = Type.Object({
  currentPassword: password('passwords.errors.currentMissing'),
  newPassword: password('passwords.errors.newMissing'),
  confirmPassword: password('passwords.errors.confirmMissing'),
});
export type ChangePasswordInput = Static<typeof ChangePasswordForm>;
