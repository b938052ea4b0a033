// The administrators' form for a new subscription. Messages are i18n keys.
import { Type, type Static } from '@sinclair/typebox';
import { choices, parseForm, requiredText, type FormResult } from '../../platform/forms.ts';
import { EVENT_TYPES } from '../../platform/events/events.ts';
import { webhookUrlProblem } from './rules.ts';

export const MAX_NAME_LENGTH = 100;
export const MAX_URL_LENGTH = 2000;

export const SubscriptionForm = Type.Object({
  name: requiredText({ missing: 'webhooks.errors.nameMissing', tooLong: 'webhooks.errors.nameTooLong' }, MAX_NAME_LENGTH),
  url: requiredText({ missing: 'webhooks.errors.urlMissing', tooLong: 'webhooks.errors.urlTooLong' }, MAX_URL_LENGTH),
  organisationId: Type.String({
    format: 'uuid',
    errorMessages: { format: 'webhooks.errors.organisationMissing', minLength: 'webhooks.errors.organisationMissing' },
  }),
  eventTypes: choices(EVENT_TYPES, 'webhooks.errors.eventTypesMissing'),
});
export type SubscriptionInput = Static<typeof SubscriptionForm>;

/** The form read against its schema and the address rule, so that every problem is listed at once. */
export function parseSubscriptionForm(body: unknown): FormResult<SubscriptionInput> {
  const form = parseForm(SubscriptionForm, body);
  const url = form.ok ? form.value.url : typeof form.values.url === 'string' ? form.values.url : '';
  const problem = url === '' ? undefined : webhookUrlProblem(url);
  if (!problem) return form;
  const errors = form.ok ? [] : form.errors.filter((error) => error.field !== 'url');
  const order = Object.keys(SubscriptionForm.properties);
  errors.push({ field: 'url', message: problem });
  errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
  return { ok: false, errors, values: form.ok ? { ...form.value } : form.values };
}
