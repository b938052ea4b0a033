// A resident's contact details as the portal's public forms ask for them (a request, a
// complaint): a name, and an email address or a phone number to tell them about progress. What
// they typed is checked here and becomes a customer record when what they send is recorded.
import { Type } from '@sinclair/typebox';
import type { NewCustomerInput } from '../cases/service.ts';
import { parsePhone } from '../customers/contactPoints.ts';
import type { FieldError } from '../platform/errors.ts';
import { emailAddress, optionalText, parseForm, requiredText } from '../platform/forms.ts';
import type { Language } from '../platform/i18n.ts';

export interface ContactDetails {
  givenName: string;
  familyName: string;
  email?: string;
  phone?: string;
}

const ContactForm = Type.Object({
  givenName: requiredText(
    { missing: 'journey.contact.errors.givenNameMissing', tooLong: 'journey.contact.errors.nameTooLong' },
    100,
  ),
  familyName: requiredText(
    { missing: 'journey.contact.errors.familyNameMissing', tooLong: 'journey.contact.errors.nameTooLong' },
    100,
  ),
  email: Type.Optional(
    emailAddress({ missing: 'journey.contact.errors.emailFormat', format: 'journey.contact.errors.emailFormat' }),
  ),
  phone: optionalText('journey.contact.errors.phoneFormat', 40),
});

const FIELD_ORDER = ['givenName', 'familyName', 'email', 'phone'];

/** The contact details form as sent: the details, or each problem (in form order) with what was typed. */
export function readContactDetails(
  body: unknown,
): { ok: true; value: ContactDetails } | { ok: false; errors: FieldError[]; values: Partial<ContactDetails> } {
  const form = parseForm(ContactForm, body);
  const errors: FieldError[] = form.ok ? [] : [...form.errors];
  const values = (form.ok ? form.value : form.values) as Partial<ContactDetails>;
  if (values.phone && !errors.some((error) => error.field === 'phone') && !parsePhone(values.phone))
    errors.push({ field: 'phone', message: 'journey.contact.errors.phoneFormat' });
  if (!values.email && !values.phone && !errors.some((error) => error.field === 'email'))
    errors.push({ field: 'email', message: 'journey.contact.errors.emailOrPhone' });
  if (errors.length === 0) return { ok: true, value: values as ContactDetails };
  errors.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
  return { ok: false, errors, values };
}

/** The customer record the details become, in the language the resident was reading. */
export function newCustomerFrom(contact: ContactDetails, language: Language): NewCustomerInput {
  return {
    givenName: contact.givenName,
    familyName: contact.familyName,
    ...(contact.email ? { email: contact.email } : {}),
    ...(contact.phone ? { phone: contact.phone } : {}),
    preferredLanguage: language,
  };
}

/** The contact details as check your answers shows them: the signed-in resident's, or those typed. */
export function contactSummary(
  resident: { name: string; email: string } | undefined,
  contact: ContactDetails | undefined,
): { name: string; email: string; phone: string } | undefined {
  if (resident) return { name: resident.name, email: resident.email, phone: '' };
  if (!contact) return undefined;
  return { name: `${contact.givenName} ${contact.familyName}`, email: contact.email ?? '', phone: contact.phone ?? '' };
}
