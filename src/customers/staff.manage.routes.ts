// The staff pages that maintain one customer's record, each reached from the single view:
// details and needs, contact details, moving address (a postcode look-up that works without
// JavaScript), vulnerability flags, consent to share with a partner, and merging a duplicate.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { GazetteerService } from '../gazetteer/service.ts';
import type { OrganisationsService } from '../organisations/service.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { choice, choices, isCalendarDate, optionalText, pageErrors, parseForm, requiredText } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import type { Translate } from '../platform/i18n.ts';
import { formatPhone } from './contactPoints.ts';
import { CUSTOMER_PARTS, customerPolicy } from './policy.ts';
import { CONTACT_METHODS, FLAG_REASONS, NEEDS, type CustomersService, type CustomerView } from './service.ts';

const view = (name: string) => `customers/views/manage/${name}.njk`;

type Params = { id: string };
type Body = Record<string, unknown>;

/** Languages offered first for a customer's preferred language; any other ISO 639 code is kept. */
export const OFFERED_LANGUAGES = [
  'en',
  'cy',
  'pl',
  'ro',
  'pa',
  'ur',
  'ar',
  'pt',
  'lt',
  'bn',
  'gu',
  'hi',
  'ta',
  'zh',
  'so',
  'ti',
  'ku',
  'fa',
  'ps',
  'tr',
  'bg',
  'hu',
  'cs',
  'sk',
  'lv',
  'uk',
  'ru',
  'es',
  'it',
  'fr',
  'de',
  'ne',
  'am',
] as const;

const text = (missing: string, tooLong: string, maxLength: number) => requiredText({ missing, tooLong }, maxLength);
const errorKey = (name: string) => `customerRecord.errors.${name}`;

const DetailsFields = {
  title: optionalText(errorKey('titleTooLong'), 20),
  preferredLanguage: Type.String({ pattern: '^[a-z]{2,3}$', errorMessages: { pattern: errorKey('languageFormat') } }),
  preferredContactMethod: Type.Optional(choice(CONTACT_METHODS, errorKey('contactMethodInvalid'))),
  needs: Type.Array(Type.Union(NEEDS.map((need) => Type.Literal(need))), { errorMessages: { enum: errorKey('needsInvalid') } }),
  interpreterLanguage: optionalText(errorKey('interpreterLanguageTooLong'), 100),
  adjustments: optionalText(errorKey('adjustmentsTooLong'), 2000),
};
const PersonDetailsForm = Type.Object({
  givenName: text(errorKey('givenNameMissing'), errorKey('nameTooLong'), 100),
  familyName: text(errorKey('familyNameMissing'), errorKey('nameTooLong'), 100),
  ...DetailsFields,
});
const OrganisationDetailsForm = Type.Object({
  organisationName: text(errorKey('organisationNameMissing'), errorKey('organisationNameTooLong'), 200),
  ...DetailsFields,
});

const EmailForm = Type.Object({
  email: Type.String({
    minLength: 1,
    maxLength: 254,
    format: 'email',
    errorMessages: { minLength: errorKey('emailMissing'), format: errorKey('emailFormat'), maxLength: errorKey('emailFormat') },
  }),
  emailPrimary: Type.Optional(Type.Literal('yes')),
});
const PhoneForm = Type.Object({
  phone: text(errorKey('phoneMissing'), errorKey('phoneFormat'), 40),
  phonePrimary: Type.Optional(Type.Literal('yes')),
});
const RemoveForm = Type.Object({
  kind: choice(['email', 'phone'] as const, errorKey('removeInvalid')),
  pointId: Type.String({ format: 'uuid', errorMessages: { format: errorKey('removeInvalid') } }),
});

const PostcodeForm = Type.Object({ postcode: text(errorKey('postcodeMissing'), errorKey('postcodeFormat'), 16) });
const ChooseAddressForm = Type.Object({
  postcode: text(errorKey('postcodeMissing'), errorKey('postcodeFormat'), 16),
  uprn: Type.String({ pattern: '^(\\d{1,12}|manual)$', errorMessages: { pattern: errorKey('addressNotChosen') } }),
});
const ManualAddressForm = Type.Object({
  line1: text(errorKey('addressLine1Missing'), errorKey('addressTooLong'), 200),
  line2: optionalText(errorKey('addressTooLong'), 200),
  town: text(errorKey('townMissing'), errorKey('addressTooLong'), 100),
  postcode: text(errorKey('postcodeMissing'), errorKey('postcodeFormat'), 16),
});

const FlagForm = Type.Object({
  reason: choice(FLAG_REASONS, errorKey('flagReasonMissing')),
  details: optionalText(errorKey('flagDetailsTooLong'), 1000),
});

const ConsentForm = Type.Object({
  organisationId: Type.String({
    format: 'uuid',
    errorMessages: { format: errorKey('partnerMissing'), minLength: errorKey('partnerMissing') },
  }),
  shares: choices(CUSTOMER_PARTS, errorKey('sharesMissing')),
  purpose: optionalText(errorKey('purposeTooLong'), 500),
});

// Date inputs (day, month, year) are read apart from the schemas: one field, three boxes.

interface DateParts {
  day: string;
  month: string;
  year: string;
}

function datePartsOf(body: Body, name: string): DateParts {
  const part = (suffix: string) => {
    const value = body[`${name}-${suffix}`];
    return typeof value === 'string' ? value.trim() : '';
  };
  return { day: part('day'), month: part('month'), year: part('year') };
}

function datePartsFrom(value: string | null | undefined): DateParts {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  return match
    ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! }
    : { day: '', month: '', year: '' };
}

/** The ISO date given in three boxes; undefined when all are empty; or the i18n key of what is wrong. */
function readDate(parts: DateParts, field: string): { date?: string; error?: FieldError } {
  const { day, month, year } = parts;
  if (!day && !month && !year) return {};
  if (!day || !month || !year) return { error: { field, message: errorKey(`${field}Incomplete`) } };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year))
    return { error: { field, message: errorKey(`${field}Invalid`) } };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isCalendarDate(date)) return { error: { field, message: errorKey(`${field}Invalid`) } };
  return { date };
}

/** Today in the council's time zone, as an ISO date. */
export function today(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now);
}

/** Errors in the order of the fields on the page. */
function inFormOrder(errors: FieldError[], order: string[]): FieldError[] {
  const position = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return [...errors].sort((a, b) => position(a.field) - position(b.field));
}

/** The service's messages belong to other sections; these pages carry their own words for them. */
function ownMessages(errors: FieldError[]): FieldError[] {
  return errors.map((error) =>
    /^(customers|gazetteer)\.errors\./.test(error.message)
      ? { ...error, message: errorKey(error.message.split('.').pop()!) }
      : error,
  );
}

/** A date input's error links to its first box, as the GOV.UK error summary expects. */
function errorsForPage(t: Translate, errors: FieldError[], dateFields: string[] = []) {
  const own = ownMessages(errors);
  const page = pageErrors(t, own);
  page.list = page.list.map((item, index) => {
    const field = own[index]!.field;
    return dateFields.includes(field) ? { ...item, href: `#${field}-day` } : item;
  });
  return page;
}

/** Each language by its own name, and in the reader's language where that differs: "Polski (Polish)". */
function languageItems(readerLanguage: string, current: string) {
  const codes: string[] = OFFERED_LANGUAGES.includes(current as (typeof OFFERED_LANGUAGES)[number])
    ? [...OFFERED_LANGUAGES]
    : [...OFFERED_LANGUAGES, current];
  const inReaderLanguage = new Intl.DisplayNames([readerLanguage], { type: 'language', fallback: 'code' });
  return codes.map((code) => {
    let own = code;
    try {
      own = new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
    } catch {
      // An unusual code with no name of its own is shown as the code.
    }
    const reader = inReaderLanguage.of(code) ?? code;
    const name = own.charAt(0).toLocaleUpperCase(code) + own.slice(1);
    return {
      value: code,
      text: name.toLowerCase() === reader.toLowerCase() ? name : `${name} (${reader})`,
      selected: code === current,
      attributes: { lang: code },
    };
  });
}

/** Phone numbers as UK staff read them. */
function withNationalPhones(customer: CustomerView) {
  return { ...customer, phones: customer.phones.map((phone) => ({ ...phone, national: formatPhone(phone.number) })) };
}

export const customerRecordStaffRoutes: FastifyPluginAsync<{
  customers: CustomersService;
  gazetteer: GazetteerService;
  organisations: OrganisationsService;
}> = async (app, { customers, gazetteer, organisations }) => {
  app.addHook('preHandler', requireStaff());

  /**
   * The customer as `actor` may see them, when `actor` may also take `action` on the record. A
   * merged record sends the person on to the same page of the record it became.
   */
  async function customerFor(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    action: 'update' | 'merge' | 'recordConsent',
  ): Promise<CustomerView | undefined> {
    const actor = staffOf(request);
    const found = await customers.view(actor, request.params.id);
    if ('mergedInto' in found) {
      const rest = new URL(request.url, 'http://localhost').pathname.split('/').slice(4).join('/');
      await reply.redirect(`/staff/customers/${found.mergedInto}/${rest}`, 303);
      return undefined;
    }
    customerPolicy.authorize(actor, action, { councilId: found.customer.councilId, sharedWith: [] });
    return found.customer;
  }

  const back = (customer: { id: string }) => `/staff/customers/${customer.id}`;

  /** Back to the single view with a one-off message. */
  function saved(request: FastifyRequest, reply: FastifyReply, customer: { id: string }, flash: string) {
    request.session.set('flash', `customerRecord.flash.${flash}`);
    return reply.redirect(back(customer), 303);
  }

  /** The field errors of a refused change (400), or the conflict that stopped it (409); else rethrows. */
  function refusal(error: unknown): { errors: FieldError[]; status: number } {
    if (error instanceof Invalid) return { errors: error.errors, status: 400 };
    if (error instanceof Conflict) return { errors: [{ field: '', message: error.reason }], status: 409 };
    throw error;
  }

  // 1. Details, language, contact preference and accessibility needs

  const DETAILS_ORDER = [
    'title',
    'givenName',
    'familyName',
    'organisationName',
    'dateOfBirth',
    'preferredLanguage',
    'preferredContactMethod',
    'needs',
    'interpreterLanguage',
    'adjustments',
  ];

  function renderDetails(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = errors.length > 0 ? 400 : 200,
  ) {
    return reply.render(
      view('details'),
      {
        customer,
        values,
        needs: NEEDS,
        contactMethods: CONTACT_METHODS,
        languages: languageItems(request.language, String(values.preferredLanguage ?? 'en')),
        ...(errors.length > 0 ? { errors: errorsForPage(request.t, inFormOrder(errors, DETAILS_ORDER), ['dateOfBirth']) } : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>('/staff/customers/:id/details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return renderDetails(request, reply, customer, {
      title: customer.title,
      givenName: customer.givenName,
      familyName: customer.familyName,
      organisationName: customer.organisationName,
      dateOfBirth: datePartsFrom(customer.dateOfBirth),
      preferredLanguage: customer.preferredLanguage,
      preferredContactMethod: customer.preferredContactMethod,
      needs: customer.needs,
      interpreterLanguage: customer.interpreterLanguage,
      adjustments: customer.adjustments,
    });
  });

  app.post<{ Params: Params }>('/staff/customers/:id/details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const body = (request.body ?? {}) as Body;
    const person = customer.kind === 'person';
    const form = person ? parseForm(PersonDetailsForm, body) : parseForm(OrganisationDetailsForm, body);
    const values: Record<string, unknown> = form.ok ? { ...form.value } : { ...form.values };
    const errors = form.ok ? [] : [...form.errors];

    const dateParts = datePartsOf(body, 'dateOfBirth');
    values.dateOfBirth = dateParts;
    const born = readDate(dateParts, 'dateOfBirth');
    if (born.error) errors.push(born.error);
    else if (born.date && born.date > today()) errors.push({ field: 'dateOfBirth', message: errorKey('dateOfBirthFuture') });
    else if (born.date && born.date < '1880-01-01')
      errors.push({ field: 'dateOfBirth', message: errorKey('dateOfBirthInvalid') });

    const needs = (values.needs as string[] | undefined) ?? [];
    const interpreterLanguage = typeof values.interpreterLanguage === 'string' ? values.interpreterLanguage : undefined;
    if (needs.includes('interpreter') && !interpreterLanguage)
      errors.push({ field: 'interpreterLanguage', message: errorKey('interpreterLanguageMissing') });

    if (!form.ok || errors.length > 0) return renderDetails(request, reply, customer, values, errors);
    const value = form.value as Record<string, string | string[] | undefined>;
    try {
      await customers.updateDetails(staffOf(request), customer.id, {
        title: (value.title as string | undefined) ?? null,
        ...(person
          ? { givenName: value.givenName as string, familyName: value.familyName as string }
          : { organisationName: value.organisationName as string }),
        dateOfBirth: born.date ?? null,
        preferredLanguage: value.preferredLanguage as string,
        preferredContactMethod: (value.preferredContactMethod as (typeof CONTACT_METHODS)[number] | undefined) ?? null,
        needs,
        // The interpreter's language means nothing once no interpreter is needed.
        interpreterLanguage: needs.includes('interpreter') ? (interpreterLanguage ?? null) : null,
        adjustments: (value.adjustments as string | undefined) ?? null,
      });
    } catch (error) {
      const refused = refusal(error);
      return renderDetails(request, reply, customer, values, refused.errors, refused.status);
    }
    return saved(request, reply, customer, 'detailsSaved');
  });

  // 2. Email addresses and phone numbers

  function renderContactDetails(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    values: Record<string, unknown> = {},
    errors: FieldError[] = [],
    status = errors.length > 0 ? 400 : 200,
  ) {
    return reply.render(
      view('contact-details'),
      {
        customer,
        values,
        phones: withNationalPhones(customer).phones,
        ...(errors.length > 0 ? { errors: errorsForPage(request.t, errors) } : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>('/staff/customers/:id/contact-details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return renderContactDetails(request, reply, customer);
  });

  app.post<{ Params: Params }>('/staff/customers/:id/contact-details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const action = body.action;
    try {
      if (action === 'add-email') {
        const form = parseForm(EmailForm, body);
        if (!form.ok) return renderContactDetails(request, reply, customer, form.values, form.errors);
        await customers.addEmail(actor, customer.id, form.value.email, form.value.emailPrimary === 'yes').catch((error) => {
          throw withValues(error, form.value);
        });
        return saved(request, reply, customer, 'emailAdded');
      }
      if (action === 'add-phone') {
        const form = parseForm(PhoneForm, body);
        if (!form.ok) return renderContactDetails(request, reply, customer, form.values, form.errors);
        await customers.addPhone(actor, customer.id, form.value.phone, form.value.phonePrimary === 'yes').catch((error) => {
          throw withValues(error, form.value);
        });
        return saved(request, reply, customer, 'phoneAdded');
      }
      if (action === 'remove') {
        const form = parseForm(RemoveForm, body);
        if (!form.ok) return renderContactDetails(request, reply, customer, {}, form.errors);
        await customers.removeContactPoint(actor, customer.id, form.value.kind, form.value.pointId);
        return saved(request, reply, customer, form.value.kind === 'email' ? 'emailRemoved' : 'phoneRemoved');
      }
    } catch (error) {
      const values = (error as { formValues?: Record<string, unknown> }).formValues ?? {};
      const refused = refusal(error);
      return renderContactDetails(request, reply, customer, values, refused.errors, refused.status);
    }
    return renderContactDetails(request, reply, customer, {}, [{ field: '', message: errorKey('actionUnknown') }]);
  });

  /** Keeps what was typed with a refused change, so the page shows it again. */
  function withValues(error: unknown, values: Record<string, unknown>): unknown {
    if (error instanceof Error) Object.assign(error, { formValues: values });
    return error;
  }

  // 3. Moving to a new address, found by postcode or typed in

  type AddressStep = 'postcode' | 'choose' | 'manual';

  async function renderAddress(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    step: AddressStep,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = errors.length > 0 ? 400 : 200,
  ) {
    let addresses: { value: string; text: string }[] = [];
    if (step === 'choose') {
      try {
        const found = await gazetteer.addressesAt(staffOf(request), String(values.postcode ?? ''));
        addresses = found.addresses.map((address) => ({ value: String(address.uprn), text: address.label }));
      } catch (error) {
        // A postcode that is not one goes back to the first step, saying so.
        const refused = refusal(error);
        return renderAddress(request, reply, customer, 'postcode', values, refused.errors, refused.status);
      }
    }
    return reply.render(
      view('address'),
      {
        customer,
        step,
        values: { movedOn: datePartsFrom(today()), ...values },
        addresses,
        current: customer.addresses.find((address) => address.isCurrent),
        past: customer.addresses.filter((address) => !address.isCurrent),
        ...(errors.length > 0
          ? {
              errors: errorsForPage(request.t, inFormOrder(errors, ['postcode', 'uprn', 'line1', 'line2', 'town', 'movedOn']), [
                'movedOn',
              ]),
            }
          : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>('/staff/customers/:id/address', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const manual = (request.query as Record<string, unknown>).manual === 'yes';
    return renderAddress(request, reply, customer, manual ? 'manual' : 'postcode', {});
  });

  app.post<{ Params: Params }>('/staff/customers/:id/address', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const action = body.action;

    if (action === 'find') {
      const form = parseForm(PostcodeForm, body);
      if (!form.ok) return renderAddress(request, reply, customer, 'postcode', form.values, form.errors);
      try {
        const found = await gazetteer.addressesAt(actor, form.value.postcode);
        // Nothing known at the postcode: straight to typing the address in, with the postcode kept.
        if (found.addresses.length === 0)
          return renderAddress(request, reply, customer, 'manual', { postcode: found.postcode, notFound: true });
        return renderAddress(request, reply, customer, 'choose', { postcode: found.postcode });
      } catch (error) {
        const refused = refusal(error);
        return renderAddress(request, reply, customer, 'postcode', form.value, refused.errors, refused.status);
      }
    }

    const movedOnParts = datePartsOf(body, 'movedOn');
    const movedOn = readDate(movedOnParts, 'movedOn');
    const dateErrors: FieldError[] = [];
    if (movedOn.error) dateErrors.push(movedOn.error);
    else if (!movedOn.date) dateErrors.push({ field: 'movedOn', message: errorKey('movedOnMissing') });
    else if (movedOn.date > today()) dateErrors.push({ field: 'movedOn', message: errorKey('movedOnFuture') });

    if (action === 'choose') {
      const form = parseForm(ChooseAddressForm, body);
      const values = { ...(form.ok ? form.value : form.values), movedOn: movedOnParts };
      if (!form.ok && form.errors.some((error) => error.field === 'postcode'))
        return renderAddress(request, reply, customer, 'postcode', values, form.errors);
      if (form.ok && form.value.uprn === 'manual')
        return renderAddress(request, reply, customer, 'manual', { postcode: form.value.postcode, movedOn: movedOnParts });
      const errors = [...(form.ok ? [] : form.errors), ...dateErrors];
      if (!form.ok || errors.length > 0) return renderAddress(request, reply, customer, 'choose', values, errors);
      try {
        const property = await gazetteer.property(actor, form.value.uprn);
        await customers.moveTo(
          actor,
          customer.id,
          {
            uprn: property.uprn,
            line1: property.line1,
            line2: property.line2 ?? undefined,
            town: property.town,
            postcode: property.postcode,
          },
          movedOn.date,
        );
      } catch (error) {
        // An address no longer in the gazetteer is one to choose again.
        const refused =
          error instanceof NotFound
            ? { errors: [{ field: 'uprn', message: errorKey('addressNotChosen') }], status: 400 }
            : refusal(error);
        return renderAddress(request, reply, customer, 'choose', values, refused.errors, refused.status);
      }
      return saved(request, reply, customer, 'addressChanged');
    }

    if (action === 'manual') {
      const form = parseForm(ManualAddressForm, body);
      const values = { ...(form.ok ? form.value : form.values), movedOn: movedOnParts };
      const errors = [...(form.ok ? [] : form.errors), ...dateErrors];
      if (!form.ok || errors.length > 0) return renderAddress(request, reply, customer, 'manual', values, errors);
      try {
        await customers.moveTo(actor, customer.id, form.value, movedOn.date);
      } catch (error) {
        const refused = refusal(error);
        return renderAddress(request, reply, customer, 'manual', values, refused.errors, refused.status);
      }
      return saved(request, reply, customer, 'addressChanged');
    }
    return renderAddress(request, reply, customer, 'postcode', {}, [{ field: '', message: errorKey('actionUnknown') }]);
  });

  // 4. A vulnerability flag

  function renderFlag(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = errors.length > 0 ? 400 : 200,
  ) {
    return reply.render(
      view('flag-form'),
      {
        customer,
        values,
        reasons: FLAG_REASONS,
        ...(errors.length > 0
          ? { errors: errorsForPage(request.t, inFormOrder(errors, ['reason', 'details', 'reviewOn']), ['reviewOn']) }
          : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>('/staff/customers/:id/flags/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return renderFlag(request, reply, customer, { reviewOn: datePartsFrom(undefined) });
  });

  app.post<{ Params: Params }>('/staff/customers/:id/flags/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const body = (request.body ?? {}) as Body;
    const form = parseForm(FlagForm, body);
    const reviewParts = datePartsOf(body, 'reviewOn');
    const values = { ...(form.ok ? form.value : form.values), reviewOn: reviewParts };
    const errors = form.ok ? [] : [...form.errors];
    const review = readDate(reviewParts, 'reviewOn');
    if (review.error) errors.push(review.error);
    else if (!review.date) errors.push({ field: 'reviewOn', message: errorKey('reviewOnMissing') });
    else if (review.date < today()) errors.push({ field: 'reviewOn', message: errorKey('reviewOnPast') });
    if (!form.ok || errors.length > 0 || !review.date) return renderFlag(request, reply, customer, values, errors);
    try {
      await customers.addFlag(staffOf(request), customer.id, {
        reason: form.value.reason,
        ...(form.value.details ? { details: form.value.details } : {}),
        reviewOn: review.date,
      });
    } catch (error) {
      const refused = refusal(error);
      return renderFlag(request, reply, customer, values, refused.errors, refused.status);
    }
    return saved(request, reply, customer, 'flagAdded');
  });

  // 5. Consent to share with a partner organisation

  /**
   * The active partner organisations of the actor's council. Everyone who records consent may
   * see their names, though listOrganisations shows non-administrators only their own
   * organisation, so the list is read as OneDoor and kept to the actor's council.
   */
  async function partnersOf(actor: StaffActor) {
    const all = await organisations.listOrganisations(systemActor('customer-record.partners'));
    return all.filter(
      (organisation) => organisation.kind === 'partner' && organisation.active && organisation.councilId === actor.councilId,
    );
  }

  async function renderConsent(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status = errors.length > 0 ? 400 : 200,
  ) {
    const partners = await partnersOf(staffOf(request));
    return reply.render(
      view('consent-form'),
      {
        customer,
        values,
        partners: partners.map((partner) => ({
          id: partner.id,
          name: (request.language === 'cy' && partner.nameCy) || partner.name,
        })),
        parts: CUSTOMER_PARTS,
        ...(errors.length > 0
          ? {
              errors: errorsForPage(request.t, inFormOrder(errors, ['organisationId', 'shares', 'purpose', 'givenOn']), [
                'givenOn',
              ]),
            }
          : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>('/staff/customers/:id/consents/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'recordConsent');
    if (!customer) return reply;
    return renderConsent(request, reply, customer, { shares: [], givenOn: datePartsFrom(today()) });
  });

  app.post<{ Params: Params }>('/staff/customers/:id/consents/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'recordConsent');
    if (!customer) return reply;
    const body = (request.body ?? {}) as Body;
    const form = parseForm(ConsentForm, body);
    const givenParts = datePartsOf(body, 'givenOn');
    const values = { ...(form.ok ? form.value : form.values), givenOn: givenParts };
    const errors = form.ok ? [] : [...form.errors];
    const given = readDate(givenParts, 'givenOn');
    if (given.error) errors.push(given.error);
    else if (!given.date) errors.push({ field: 'givenOn', message: errorKey('givenOnMissing') });
    else if (given.date > today()) errors.push({ field: 'givenOn', message: errorKey('givenOnFuture') });
    if (!form.ok || errors.length > 0 || !given.date) return renderConsent(request, reply, customer, values, errors);
    const actor = staffOf(request);
    try {
      // Only the council's own partners: an id from elsewhere is refused as no choice at all.
      if (!(await partnersOf(actor)).some((partner) => partner.id === form.value.organisationId))
        throw new Invalid([{ field: 'organisationId', message: errorKey('partnerMissing') }]);
      await customers.addConsent(actor, customer.id, {
        organisationId: form.value.organisationId,
        shares: form.value.shares,
        ...(form.value.purpose ? { purpose: form.value.purpose } : {}),
        givenOn: given.date,
      });
    } catch (error) {
      const refused = refusal(error);
      return renderConsent(request, reply, customer, values, refused.errors, refused.status);
    }
    return saved(request, reply, customer, 'consentAdded');
  });

  // 6. Merging a duplicate record into this one

  app.get<{ Params: Params }>('/staff/customers/:id/merge', async (request, reply) => {
    const customer = await customerFor(request, reply, 'merge');
    if (!customer) return reply;
    const q = String((request.query as Record<string, unknown>).q ?? '')
      .trim()
      .slice(0, 200);
    const found = q ? await customers.search(staffOf(request), q) : { hits: [], recognised: false };
    const hits = found.hits.filter((hit) => hit.id !== customer.id && !hit.mergedInto);
    return reply.render(view('merge-search'), { customer, q, searched: q !== '', hits });
  });

  async function renderMerge(
    request: FastifyRequest<{ Params: Params & { otherId: string } }>,
    reply: FastifyReply,
    customer: CustomerView,
    error?: unknown,
  ) {
    const actor = staffOf(request);
    const otherId = request.params.otherId;
    let refused = error === undefined ? undefined : refusal(error);
    let other: CustomerView | undefined;
    if (otherId === customer.id) refused ??= refusal(new Conflict('customers.errors.mergeSelf'));
    else {
      const found = await customers.view(actor, otherId);
      if ('mergedInto' in found) refused ??= refusal(new Conflict('customers.errors.merged'));
      else other = found.customer;
    }
    return reply.render(
      view('merge-confirm'),
      {
        customer: withNationalPhones(customer),
        other: other && withNationalPhones(other),
        ...(refused ? { errors: errorsForPage(request.t, refused.errors), refused: true } : {}),
      },
      refused?.status ?? 200,
    );
  }

  app.get<{ Params: Params & { otherId: string } }>('/staff/customers/:id/merge/:otherId', async (request, reply) => {
    const customer = await customerFor(request, reply, 'merge');
    if (!customer) return reply;
    return renderMerge(request, reply, customer);
  });

  app.post<{ Params: Params & { otherId: string } }>('/staff/customers/:id/merge/:otherId', async (request, reply) => {
    const customer = await customerFor(request, reply, 'merge');
    if (!customer) return reply;
    try {
      await customers.merge(staffOf(request), customer.id, request.params.otherId);
    } catch (error) {
      if (error instanceof Conflict) return renderMerge(request, reply, customer, error);
      throw error;
    }
    return saved(request, reply, customer, 'merged');
  });
};
