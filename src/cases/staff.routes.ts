// A case's pages on the staff desktop: raising one (for a customer or for nobody in particular),
// and working one: its summary, answers and timeline, public updates kept apart from internal
// notes, status, assignment and attachments. Everything works without JavaScript: finding an
// address is a button that posts the form back with the addresses listed.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Address, GazetteerService } from '../gazetteer/service.ts';
import type { StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { ACCEPT_ATTRIBUTE } from '../platform/files/checkUpload.ts';
import type { FileStore } from '../platform/files/store.ts';
import { fieldText, pageErrors, readDateInput } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import { readUploadForm, type FormFields, type UploadedFile } from '../platform/http/uploads.ts';
import { isUuid } from '../platform/ids.ts';
import { lastDueDay, slaState } from '../services/calendar.ts';
import type { Question } from '../services/schemas.ts';
import type { ServicesService } from '../services/service.ts';
import { isCaseStatus, isOpen } from './lifecycle.ts';
import { CHANNELS, type CasesService, type RaiseCaseInput } from './service.ts';

const view = (name: string) => `cases/views/${name}.njk`;

/** What the raise form needs to know of a customer the actor may name on a case. */
export type FindCustomer = (
  actor: StaffActor,
  id: string,
) => Promise<{ id: string; councilId: string; displayName: string } | undefined>;

/** Published knowledge articles for a service, shown beside the raise form (none until configured). */
export type ArticlesFor = (
  actor: StaffActor,
  service: { id: string; code: string },
) => Promise<{ href: string; title: string }[]>;

interface Options {
  cases: CasesService;
  services: Pick<ServicesService, 'picker' | 'forCase'>;
  gazetteer: Pick<GazetteerService, 'addressesAt'>;
  findCustomer: FindCustomer;
  files: FileStore;
  articlesFor?: ArticlesFor;
}

type Params = { reference: string };

/** The answers a form gives, by question code, from its fields named `answers.<code>`. */
function answersFrom(questions: readonly Question[], fields: FormFields, files: UploadedFile[]) {
  const answers: Record<string, unknown> = {};
  for (const question of questions) {
    const name = `answers.${question.code}`;
    if (question.kind === 'location') {
      const uprn = fieldText(fields[`${name}.uprn`]).trim();
      if (uprn !== '') answers[question.code] = { uprn };
    } else if (question.kind === 'file') {
      const file = files.find((candidate) => candidate.fieldName === name && candidate.ok);
      if (file?.ok) answers[question.code] = file.stored.key;
    } else if (question.kind === 'date') {
      const date = readDateInput(fields, name);
      // An incomplete or malformed date is passed on as typed, for the form's check to refuse.
      if (date.state !== 'empty')
        answers[question.code] = date.date ?? `${date.parts.year}-${date.parts.month}-${date.parts.day}`;
    } else {
      const value = fieldText(fields[name]);
      if (value.trim() !== '') answers[question.code] = value;
    }
  }
  return answers;
}

export const casesStaffRoutes: FastifyPluginAsync<Options> = async (app, options) => {
  const { cases, services, gazetteer, findCustomer, files } = options;
  app.addHook('preHandler', requireStaff());

  // Raising a case

  interface RaiseState {
    values: FormFields;
    serviceCode: string;
    customer?: { id: string; displayName: string };
    errors?: FieldError[];
    /** Addresses found by postcode, for each location question that looked one up. */
    addresses?: Record<string, Address[]>;
    alreadyReported?: Awaited<ReturnType<CasesService['alreadyReported']>>;
  }

  async function renderRaise(request: FastifyRequest, reply: FastifyReply, state: RaiseState, status = 200) {
    const actor = staffOf(request);
    const [picker, service] = await Promise.all([
      services.picker(actor),
      state.serviceCode ? services.forCase(actor.councilId, state.serviceCode) : undefined,
    ]);
    const articles = service && options.articlesFor ? await options.articlesFor(actor, service) : [];
    return reply.render(
      view('raise'),
      {
        picker,
        service,
        customer: state.customer,
        values: state.values,
        addresses: state.addresses ?? {},
        alreadyReported: state.alreadyReported ?? [],
        articles,
        channels: CHANNELS,
        accept: ACCEPT_ATTRIBUTE,
        ...(state.errors ? { errors: pageErrors(request.t, state.errors) } : {}),
      },
      status,
    );
  }

  async function customerFor(actor: StaffActor, id: string) {
    if (id === '') return undefined;
    const customer = isUuid(id) ? await findCustomer(actor, id) : undefined;
    if (!customer) throw new NotFound('customer');
    return { id: customer.id, displayName: customer.displayName };
  }

  app.get('/staff/cases/new', async (request, reply) => {
    const actor = staffOf(request);
    const query = request.query as Record<string, string | undefined>;
    const customer = await customerFor(actor, query.customer ?? '');
    const serviceCode = query.service ?? '';
    if (serviceCode !== '' && !(await services.forCase(actor.councilId, serviceCode)))
      return renderRaise(
        request,
        reply,
        { values: {}, serviceCode: '', customer, errors: [{ field: 'service', message: 'cases.errors.serviceUnknown' }] },
        400,
      );
    return renderRaise(request, reply, { values: { channel: 'phone' }, serviceCode, customer });
  });

  app.post('/staff/cases', async (request, reply) => {
    const actor = staffOf(request);
    const form = await readUploadForm(request, { store: files, maxFiles: 5 });
    const fields = form.fields;
    const serviceCode = fieldText(fields.serviceCode);
    const state: RaiseState = { values: fields, serviceCode, customer: await customerFor(actor, fieldText(fields.customerId)) };
    const service = await services.forCase(actor.councilId, serviceCode);
    if (!service) {
      await form.discard();
      return renderRaise(
        request,
        reply,
        { ...state, serviceCode: '', errors: [{ field: 'service', message: 'cases.errors.serviceUnknown' }] },
        400,
      );
    }

    // "Find address" for a location question: list the addresses at the postcode, keep the rest.
    const lookup = fieldText(fields.action).match(/^find-address:([a-z][a-z0-9_]{0,39})$/);
    if (lookup) {
      await form.discard();
      const code = lookup[1]!;
      try {
        const found = await gazetteer.addressesAt(actor, fieldText(fields[`answers.${code}.postcode`]));
        return renderRaise(request, reply, { ...state, addresses: { [code]: found.addresses } });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const errors = error.errors.map((problem) => ({ ...problem, field: `answers.${code}` }));
        return renderRaise(request, reply, { ...state, errors }, 400);
      }
    }

    const refusedFiles: FieldError[] = form.files.flatMap((file) =>
      file.ok ? [] : [{ field: file.fieldName, message: file.reason, params: file.params }],
    );
    const answers = answersFrom(service.questions, fields, form.files);
    const input: RaiseCaseInput = {
      serviceCode: service.code,
      description: fieldText(fields.description),
      channel: fieldText(fields.channel) as RaiseCaseInput['channel'],
      answers,
      ...(state.customer ? { customerId: state.customer.id } : {}),
    };
    const linkChoice = fieldText(fields.alreadyReported);
    if (linkChoice !== '' && linkChoice !== 'new') input.linkTo = linkChoice;

    // Before raising a case at a place, offer the open cases of the same service already there.
    const location = service.questions.find((question) => question.kind === 'location');
    const place = location ? answers[location.code] : undefined;
    if (refusedFiles.length === 0 && place && linkChoice === '') {
      const nearby = await cases.alreadyReported(actor, service.code, place as { uprn: number });
      if (nearby.length > 0) {
        await form.discard();
        return renderRaise(request, reply, { ...state, alreadyReported: nearby });
      }
    }

    try {
      if (refusedFiles.length > 0) throw new Invalid(refusedFiles);
      const raised = await cases.raise(actor, input);
      for (const file of form.files)
        if (file.ok)
          await cases.attach(
            actor,
            raised.reference,
            { ...file.stored, fileName: file.originalName, sizeBytes: file.stored.size },
            'internal',
          );
      request.session.set('flash', raised.linkedTo ? 'cases.page.raisedLinked' : 'cases.page.raised');
      return reply.redirect(`/staff/cases/${raised.reference}`, 303);
    } catch (error) {
      await form.discard();
      if (!(error instanceof Invalid)) throw error;
      // A place the gazetteer does not know is the location question's problem on this form.
      const errors = error.errors.map((problem) =>
        problem.field === 'location' && location ? { ...problem, field: `answers.${location.code}` } : problem,
      );
      return renderRaise(request, reply, { ...state, errors }, 400);
    }
  });

  // Working a case

  async function renderCase(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    extra: { errors?: FieldError[]; values?: FormFields } = {},
    status = 200,
  ) {
    const actor = staffOf(request);
    const result = await cases.view(actor, request.params.reference);
    const answers = result.questions
      .filter((question) => Object.hasOwn(result.record.answers, question.code))
      .map((question) => ({ question, value: result.record.answers[question.code] }));
    return reply.render(
      view('case'),
      {
        ...result,
        answers,
        dueDay: lastDueDay(result.record.dueAt),
        slaState: isOpen(result.record.status) ? slaState(result.record.dueAt, result.record.dueSoonAt, new Date()) : null,
        values: extra.values ?? { visibility: 'internal' },
        accept: ACCEPT_ATTRIBUTE,
        ...(extra.errors ? { errors: pageErrors(request.t, extra.errors) } : {}),
      },
      status,
    );
  }

  /** Shows the page again with what was refused: 400 for a problem with the form, 409 for a move the case cannot make. */
  async function refused(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, error: unknown, values: FormFields) {
    if (error instanceof Invalid) return renderCase(request, reply, { errors: error.errors, values }, 400);
    if (error instanceof Conflict)
      return renderCase(request, reply, { errors: [{ field: 'status', message: error.reason }], values }, 409);
    throw error;
  }

  app.get<{ Params: Params }>('/staff/cases/:reference', async (request, reply) => renderCase(request, reply));

  app.post<{ Params: Params }>('/staff/cases/:reference/updates', async (request, reply) => {
    const actor = staffOf(request);
    const body = (request.body ?? {}) as FormFields;
    const status = fieldText(body.status);
    try {
      await cases.addUpdate(actor, request.params.reference, {
        text: fieldText(body.text),
        visibility: fieldText(body.visibility) as 'public' | 'internal',
        ...(isCaseStatus(status) ? { status } : {}),
      });
    } catch (error) {
      return refused(request, reply, error, body);
    }
    request.session.set('flash', fieldText(body.visibility) === 'public' ? 'cases.page.updateAdded' : 'cases.page.noteAdded');
    return reply.redirect(`/staff/cases/${request.params.reference}#timeline`, 303);
  });

  app.post<{ Params: Params }>('/staff/cases/:reference/take', async (request, reply) => {
    await cases.take(staffOf(request), request.params.reference);
    request.session.set('flash', 'cases.page.taken');
    return reply.redirect(`/staff/cases/${request.params.reference}`, 303);
  });

  app.post<{ Params: Params }>('/staff/cases/:reference/assign', async (request, reply) => {
    const body = (request.body ?? {}) as FormFields;
    const assignee = fieldText(body.assignee);
    try {
      await cases.assign(staffOf(request), request.params.reference, assignee === '' ? null : assignee);
    } catch (error) {
      return refused(request, reply, error, body);
    }
    request.session.set('flash', assignee === '' ? 'cases.page.unassigned' : 'cases.page.assigned');
    return reply.redirect(`/staff/cases/${request.params.reference}`, 303);
  });

  app.post<{ Params: Params }>('/staff/cases/:reference/attachments', async (request, reply) => {
    const actor = staffOf(request);
    const form = await readUploadForm(request, { store: files, maxFiles: 1 });
    const visibility = fieldText(form.fields.attachmentVisibility) === 'public' ? 'public' : 'internal';
    const [file] = form.files;
    try {
      if (!file) throw new Invalid([{ field: 'attachment', message: 'cases.errors.fileMissing' }]);
      if (!file.ok) throw new Invalid([{ field: 'attachment', message: file.reason, params: file.params }]);
      await cases.attach(
        actor,
        request.params.reference,
        { ...file.stored, fileName: file.originalName, sizeBytes: file.stored.size },
        visibility,
      );
    } catch (error) {
      await form.discard();
      return refused(request, reply, error, { ...form.fields, visibility: 'internal' });
    }
    request.session.set('flash', 'cases.page.attached');
    return reply.redirect(`/staff/cases/${request.params.reference}#attachments`, 303);
  });

  app.get<{ Params: Params & { id: string } }>('/staff/cases/:reference/attachments/:id', async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFound('attachment');
    const attachment = await cases.attachment(staffOf(request), request.params.reference, request.params.id);
    return sendDownload(reply, {
      stream: await files.open(attachment.fileKey),
      contentType: attachment.contentType,
      size: attachment.sizeBytes,
      fileName: attachment.fileName,
    });
  });
};
