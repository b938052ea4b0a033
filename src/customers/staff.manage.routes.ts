// The staff pages that maintain one customer's record, each reached from the single view:
// details and needs, contact details, moving address (a postcode look-up that works without
// JavaScript), vulnerability flags, consent to share with a partner, and merging a duplicate.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { GazetteerService } from '../gazetteer/service.ts';
import type { OrganisationsService } from '../organisations/service.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import {
  choice,
  choices,
  isCalendarDate,
  optionalText,
  pageErrors,
  parseForm,
  requiredText,
  todayInLondon,
} from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import type { Translate } from '../platform/i18n.ts';
import { formatPhone } from './contactPoints.ts';
import { languageItems } from './languages.ts';
import { CUSTOMER_PARTS, customerPolicy } from './policy.ts';
import { CONTACT_METHODS, FLAG_REASONS, NEEDS, type CustomersService, type CustomerView } from './service.ts';

const view = (name: string) => `customers/views/manage/${name}.njk`;

type Params = { id: string };
type Body = Record<string, unknown>;

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

/**
 * The date given in three boxes as `field`: its parts, to show again, and the ISO date when it is
 * one. What is wrong with it goes into `errors`: the boxes not making a date, none given when it is
 * `required` (`<field>Missing`), or the error key `check` returns for a date the page does not take.
 */
function dateFrom(
  body: Body,
  field: string,
  errors: FieldError[],
  rules: { required?: boolean; check?: (date: string) => string | undefined },
): { parts: DateParts; date: string | undefined } {
  const parts = datePartsOf(body, field);
  const { date, error } = readDate(parts, field);
  const problem = error ? undefined : date ? rules.check?.(date) : rules.required ? `${field}Missing` : undefined;
  if (error) errors.push(error);
  if (problem) errors.push({ field, message: errorKey(problem) });
  return { parts, date };
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
  return pageErrors(t, ownMessages(errors), { dateFields });
}

/** Each language by its own name, and in the reader's language where that differs: "Polski (Polish)". */

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

  /** What a form page shows besides the customer and what was typed. */
  type PageData = Record<string, unknown>;

  interface FormPage {
    /** Its template, under views/manage. */
    template: string;
    /** Its fields in the order it shows them, so that the error summary lists them alike. */
    fieldOrder?: string[];
    /** Its fields entered as a date in three boxes. */
    dateFields?: string[];
    /** What else it shows, given what was typed (a `values` here replaces what was typed). */
    data?: (request: FastifyRequest, customer: CustomerView, values: Record<string, unknown>) => PageData | Promise<PageData>;
  }

  /**
   * One of these form pages, for one request about one customer: `show` it with what was typed and
   * any errors (400 unless said), or `save` a change, back to the single view saying `flash`, and
   * the page again with the reason when the service refuses it.
   */
  function formPage(page: FormPage, request: FastifyRequest, reply: FastifyReply, customer: CustomerView) {
    async function show(values: Record<string, unknown> = {}, errors: FieldError[] = [], status = errors.length > 0 ? 400 : 200) {
      return reply.render(
        view(page.template),
        {
          customer,
          values,
          ...(await page.data?.(request, customer, values)),
          ...(errors.length > 0
            ? { errors: errorsForPage(request.t, inFormOrder(errors, page.fieldOrder ?? []), page.dateFields) }
            : {}),
        },
        status,
      );
    }
    async function save(values: Record<string, unknown>, flash: string, change: () => Promise<unknown>) {
      try {
        await change();
      } catch (error) {
        const refused = refusal(error);
        return show(values, refused.errors, refused.status);
      }
      return saved(request, reply, customer, flash);
    }
    return { show, save };
  }

  // 1. Details, language, contact preference and accessibility needs

  const DETAILS_PAGE: FormPage = {
    template: 'details',
    fieldOrder: [
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
    ],
    dateFields: ['dateOfBirth'],
    data: (request, _customer, values) => ({
      needs: NEEDS,
      contactMethods: CONTACT_METHODS,
      languages: languageItems(request.language, String(values.preferredLanguage ?? 'en')),
    }),
  };

  app.get<{ Params: Params }>('/staff/customers/:id/details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return formPage(DETAILS_PAGE, request, reply, customer).show({
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
    const page = formPage(DETAILS_PAGE, request, reply, customer);
    const body = (request.body ?? {}) as Body;
    const person = customer.kind === 'person';
    const form = person ? parseForm(PersonDetailsForm, body) : parseForm(OrganisationDetailsForm, body);
    const values: Record<string, unknown> = form.ok ? { ...form.value } : { ...form.values };
    const errors = form.ok ? [] : [...form.errors];

    const born = dateFrom(body, 'dateOfBirth', errors, {
      check: (date) => (date > todayInLondon() ? 'dateOfBirthFuture' : date < '1880-01-01' ? 'dateOfBirthInvalid' : undefined),
    });
    values.dateOfBirth = born.parts;

    const needs = (values.needs as string[] | undefined) ?? [];
    const interpreterLanguage = typeof values.interpreterLanguage === 'string' ? values.interpreterLanguage : undefined;
    if (needs.includes('interpreter') && !interpreterLanguage)
      errors.push({ field: 'interpreterLanguage', message: errorKey('interpreterLanguageMissing') });

    if (!form.ok || errors.length > 0) return page.show(values, errors);
    const value = form.value as Record<string, string | string[] | undefined>;
    return page.save(values, 'detailsSaved', () =>
      customers.updateDetails(staffOf(request), customer.id, {
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
      }),
    );
  });

  // 2. Email addresses and phone numbers

  const CONTACT_DETAILS_PAGE: FormPage = {
    template: 'contact-details',
    data: (_request, customer) => ({ phones: withNationalPhones(customer).phones }),
  };

  app.get<{ Params: Params }>('/staff/customers/:id/contact-details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return formPage(CONTACT_DETAILS_PAGE, request, reply, customer).show();
  });

  app.post<{ Params: Params }>('/staff/customers/:id/contact-details', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const page = formPage(CONTACT_DETAILS_PAGE, request, reply, customer);
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const action = body.action;
    if (action === 'add-email') {
      const form = parseForm(EmailForm, body);
      if (!form.ok) return page.show(form.values, form.errors);
      const { email, emailPrimary } = form.value;
      return page.save(form.value, 'emailAdded', () => customers.addEmail(actor, customer.id, email, emailPrimary === 'yes'));
    }
    if (action === 'add-phone') {
      const form = parseForm(PhoneForm, body);
      if (!form.ok) return page.show(form.values, form.errors);
      const { phone, phonePrimary } = form.value;
      return page.save(form.value, 'phoneAdded', () => customers.addPhone(actor, customer.id, phone, phonePrimary === 'yes'));
    }
    if (action === 'remove') {
      const form = parseForm(RemoveForm, body);
      if (!form.ok) return page.show({}, form.errors);
      const { kind, pointId } = form.value;
      return page.save({}, kind === 'email' ? 'emailRemoved' : 'phoneRemoved', () =>
        customers.removeContactPoint(actor, customer.id, kind, pointId),
      );
    }
    return page.show({}, [{ field: '', message: errorKey('actionUnknown') }]);
  });

  // 3. Moving to a new address, found by postcode or typed in

  type AddressStep = 'postcode' | 'choose' | 'manual';

  /** The address page at `step`, with the addresses to choose from there. */
  const addressPage = (step: AddressStep, addresses: { value: string; text: string }[] = []): FormPage => ({
    template: 'address',
    fieldOrder: ['postcode', 'uprn', 'line1', 'line2', 'town', 'movedOn'],
    dateFields: ['movedOn'],
    data: (_request, customer, values) => ({
      step,
      values: { movedOn: datePartsFrom(todayInLondon()), ...values },
      addresses,
      current: customer.addresses.find((address) => address.isCurrent),
      past: customer.addresses.filter((address) => !address.isCurrent),
    }),
  });

  /** The address page at `step`; choosing at a postcode that is not one goes back to asking for it. */
  async function showAddress(
    request: FastifyRequest,
    reply: FastifyReply,
    customer: CustomerView,
    step: AddressStep,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
    status?: number,
  ): Promise<FastifyReply> {
    let addresses: { value: string; text: string }[] = [];
    if (step === 'choose') {
      try {
        const found = await gazetteer.addressesAt(staffOf(request), String(values.postcode ?? ''));
        addresses = found.addresses.map((address) => ({ value: String(address.uprn), text: address.label }));
      } catch (error) {
        const refused = refusal(error);
        return showAddress(request, reply, customer, 'postcode', values, refused.errors, refused.status);
      }
    }
    return formPage(addressPage(step, addresses), request, reply, customer).show(values, errors, status);
  }

  app.get<{ Params: Params }>('/staff/customers/:id/address', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const manual = (request.query as Record<string, unknown>).manual === 'yes';
    return showAddress(request, reply, customer, manual ? 'manual' : 'postcode', {});
  });

  app.post<{ Params: Params }>('/staff/customers/:id/address', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const action = body.action;
    const show = (step: AddressStep, values: Record<string, unknown>, errors?: FieldError[], status?: number) =>
      showAddress(request, reply, customer, step, values, errors, status);

    if (action === 'find') {
      const form = parseForm(PostcodeForm, body);
      if (!form.ok) return show('postcode', form.values, form.errors);
      try {
        const found = await gazetteer.addressesAt(actor, form.value.postcode);
        // Nothing known at the postcode: straight to typing the address in, with the postcode kept.
        if (found.addresses.length === 0) return show('manual', { postcode: found.postcode, notFound: true });
        return show('choose', { postcode: found.postcode });
      } catch (error) {
        const refused = refusal(error);
        return show('postcode', form.value, refused.errors, refused.status);
      }
    }

    const dateErrors: FieldError[] = [];
    const movedOn = dateFrom(body, 'movedOn', dateErrors, {
      required: true,
      check: (date) => (date > todayInLondon() ? 'movedOnFuture' : undefined),
    });

    if (action === 'choose') {
      const form = parseForm(ChooseAddressForm, body);
      const values = { ...(form.ok ? form.value : form.values), movedOn: movedOn.parts };
      if (!form.ok && form.errors.some((error) => error.field === 'postcode')) return show('postcode', values, form.errors);
      if (form.ok && form.value.uprn === 'manual')
        return show('manual', { postcode: form.value.postcode, movedOn: movedOn.parts });
      const errors = [...(form.ok ? [] : form.errors), ...dateErrors];
      if (!form.ok || errors.length > 0) return show('choose', values, errors);
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
        return show('choose', values, refused.errors, refused.status);
      }
      return saved(request, reply, customer, 'addressChanged');
    }

    if (action === 'manual') {
      const form = parseForm(ManualAddressForm, body);
      const values = { ...(form.ok ? form.value : form.values), movedOn: movedOn.parts };
      const errors = [...(form.ok ? [] : form.errors), ...dateErrors];
      if (!form.ok || errors.length > 0) return show('manual', values, errors);
      return formPage(addressPage('manual'), request, reply, customer).save(values, 'addressChanged', () =>
        customers.moveTo(actor, customer.id, form.value, movedOn.date),
      );
    }
    return show('postcode', {}, [{ field: '', message: errorKey('actionUnknown') }]);
  });

  // 4. A vulnerability flag

  const FLAG_PAGE: FormPage = {
    template: 'flag-form',
    fieldOrder: ['reason', 'details', 'reviewOn'],
    dateFields: ['reviewOn'],
    data: () => ({ reasons: FLAG_REASONS }),
  };

  app.get<{ Params: Params }>('/staff/customers/:id/flags/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    return formPage(FLAG_PAGE, request, reply, customer).show({ reviewOn: datePartsFrom(undefined) });
  });

  app.post<{ Params: Params }>('/staff/customers/:id/flags/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'update');
    if (!customer) return reply;
    const page = formPage(FLAG_PAGE, request, reply, customer);
    const body = (request.body ?? {}) as Body;
    const form = parseForm(FlagForm, body);
    const errors = form.ok ? [] : [...form.errors];
    const reviewOn = dateFrom(body, 'reviewOn', errors, {
      required: true,
      check: (date) => (date < todayInLondon() ? 'reviewOnPast' : undefined),
    });
    const values = { ...(form.ok ? form.value : form.values), reviewOn: reviewOn.parts };
    if (!form.ok || errors.length > 0 || !reviewOn.date) return page.show(values, errors);
    const { reason, details } = form.value;
    const reviewDate = reviewOn.date;
    return page.save(values, 'flagAdded', () =>
      customers.addFlag(staffOf(request), customer.id, { reason, ...(details ? { details } : {}), reviewOn: reviewDate }),
    );
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

  const CONSENT_PAGE: FormPage = {
    template: 'consent-form',
    fieldOrder: ['organisationId', 'shares', 'purpose', 'givenOn'],
    dateFields: ['givenOn'],
    data: async (request) => ({
      partners: (await partnersOf(staffOf(request))).map((partner) => ({
        id: partner.id,
        name: (request.language === 'cy' && partner.nameCy) || partner.name,
      })),
      parts: CUSTOMER_PARTS,
    }),
  };

  app.get<{ Params: Params }>('/staff/customers/:id/consents/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'recordConsent');
    if (!customer) return reply;
    return formPage(CONSENT_PAGE, request, reply, customer).show({ shares: [], givenOn: datePartsFrom(todayInLondon()) });
  });

  app.post<{ Params: Params }>('/staff/customers/:id/consents/new', async (request, reply) => {
    const customer = await customerFor(request, reply, 'recordConsent');
    if (!customer) return reply;
    const page = formPage(CONSENT_PAGE, request, reply, customer);
    const body = (request.body ?? {}) as Body;
    const form = parseForm(ConsentForm, body);
    const errors = form.ok ? [] : [...form.errors];
    const givenOn = dateFrom(body, 'givenOn', errors, {
      required: true,
      check: (date) => (date > todayInLondon() ? 'givenOnFuture' : undefined),
    });
    const values = { ...(form.ok ? form.value : form.values), givenOn: givenOn.parts };
    if (!form.ok || errors.length > 0 || !givenOn.date) return page.show(values, errors);
    const actor = staffOf(request);
    const { organisationId, shares, purpose } = form.value;
    const givenDate = givenOn.date;
    return page.save(values, 'consentAdded', async () => {
      // Only the council's own partners: an id from elsewhere is refused as no choice at all.
      if (!(await partnersOf(actor)).some((partner) => partner.id === organisationId))
        throw new Invalid([{ field: 'organisationId', message: errorKey('partnerMissing') }]);
      await customers.addConsent(actor, customer.id, {
        organisationId,
        shares,
        ...(purpose ? { purpose } : {}),
        givenOn: givenDate,
      });
    });
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
