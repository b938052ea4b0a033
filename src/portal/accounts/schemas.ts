// The account forms. Messages are i18n keys under residentAccount.errors.
import { Type } from '@sinclair/typebox';
import { emailAddress, optionalText, password } from '../../platform/forms.ts';
import { NAME_MAX_LENGTH } from './names.ts';

const email = () =>
  emailAddress({ missing: 'residentAccount.errors.emailMissing', format: 'residentAccount.errors.emailFormat' });

const fullName = () =>
  Type.String({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    errorMessages: { minLength: 'residentAccount.errors.nameMissing', maxLength: 'residentAccount.errors.nameTooLong' },
  });

export const RegisterForm = Type.Object({
  name: fullName(),
  email: email(),
  password: password('residentAccount.errors.newPasswordMissing'),
  confirmPassword: password('residentAccount.errors.confirmMissing'),
});

export const SignInForm = Type.Object({
  email: Type.String({
    minLength: 1,
    maxLength: 320,
    errorMessages: { minLength: 'residentAccount.errors.emailMissing', maxLength: 'residentAccount.errors.refused' },
  }),
  password: password('residentAccount.errors.passwordMissing'),
  returnTo: optionalText('errors.invalid', 2000),
});

export const ResetRequestForm = Type.Object({ email: email() });

export const NewPasswordForm = Type.Object({
  password: password('residentAccount.errors.newPasswordMissing'),
  confirmPassword: password('residentAccount.errors.confirmMissing'),
});

/** The one question for a resident new to OneDoor who signed in with GOV.UK One Login. */
export const OneLoginNameForm = Type.Object({ name: fullName() });
