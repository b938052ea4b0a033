// The closure days page: an organisation's days off the SLA clock, coming ones first, a form to
// add one (a GOV.UK date input and a reason), a button to remove one not yet passed, and the
// bank holidays of the next twelve months beneath. Administrators change; team leaders read.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, Invalid, type FieldError } from '../platform/errors.ts';
import { pageErrors, readDateInput, type DateInput } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { closurePolicy } from './calendarPolicy.ts';
import type { CalendarService } from './calendarService.ts';

const PAGE = '/staff/admin/closures';
const TEMPLATE = 'services/views/calendar/closures.njk';

type Body = Record<string, unknown>;
type Params = { id: string };

interface Options {
  calendar: Pick<CalendarService, 'closures' | 'addClosure' | 'removeClosure' | 'upcomingBankHolidays'>;
}

function text(body: Body, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The date input's boxes as the service should judge them, or what is wrong with the boxes themselves. */
function closureDate(body: Body): { parts: DateInput['parts']; date?: string; error?: FieldError } {
  const input = readDateInput(body, 'date');
  if (input.state === 'incomplete')
    return { parts: input.parts, error: { field: 'date', message: 'calendar.errors.dateIncomplete' } };
  if (input.state === 'invalid') return { parts: input.parts, error: { field: 'date', message: 'calendar.errors.dateInvalid' } };
  return { parts: input.parts, date: input.date ?? '' };
}

export const calendarStaffRoutes: FastifyPluginAsync<Options> = async (app, { calendar }) => {
  app.addHook('preHandler', requireStaff());
  // The page is for those who may read their organisation's closure days; what they may change follows.
  app.addHook('preHandler', async (request) => {
    if (request.staff) closurePolicy.authorize(request.staff, 'read', { organisationId: request.staff.organisationId });
  });

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, unknown>; errors?: FieldError[]; status?: number } = {},
  ) {
    const actor = staffOf(request);
    const [closures, bankHolidays] = await Promise.all([calendar.closures(actor), calendar.upcomingBankHolidays(12)]);
    const errors = form.errors && form.errors.length > 0 ? pageErrors(request.t, form.errors) : undefined;
    // The date input's error links to its first box, as the GOV.UK error summary expects.
    if (errors) errors.list = errors.list.map((item) => (item.href === '#date' ? { ...item, href: '#date-day' } : item));
    return reply.render(
      TEMPLATE,
      {
        upcoming: closures.filter((closure) => closure.upcoming),
        past: closures.filter((closure) => !closure.upcoming),
        bankHolidays,
        mayChange: closurePolicy.can(actor, 'add', { organisationId: actor.organisationId }),
        values: form.values ?? {},
        errors,
      },
      form.status ?? (errors ? 400 : 200),
    );
  }

  app.get(PAGE, async (request, reply) => await showPage(request, reply));

  app.post(PAGE, async (request, reply) => {
    const actor = staffOf(request);
    closurePolicy.authorize(actor, 'add', { organisationId: actor.organisationId });
    const body = (request.body ?? {}) as Body;
    const reason = text(body, 'reason');
    const date = closureDate(body);
    const values = { date: date.parts, reason };
    try {
      // Boxes that do not make a date are sent as none, so that the service still judges the reason.
      await calendar.addClosure(actor, { date: date.date ?? '', reason });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      // The boxes' own problem is the one to fix first; the service says what else is wrong.
      const errors = date.error ? [date.error, ...error.errors.filter((problem) => problem.field !== 'date')] : error.errors;
      return await showPage(request, reply, { values, errors: inFormOrder(errors) });
    }
    request.session.set('flash', 'calendar.added');
    return reply.redirect(PAGE, 303);
  });

  app.post<{ Params: Params }>(`${PAGE}/:id/remove`, async (request, reply) => {
    try {
      await calendar.removeClosure(staffOf(request), request.params.id);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return await showPage(request, reply, { errors: [{ field: '', message: error.reason }], status: 409 });
    }
    request.session.set('flash', 'calendar.removed');
    return reply.redirect(PAGE, 303);
  });
};

function inFormOrder(errors: FieldError[]): FieldError[] {
  const order = ['date', 'reason'];
  return [...errors].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
}
