// A form page's two answers to a post: the change made, or the same form again (400) with the
// GOV.UK error summary of what refused it, whether the form itself or the rule it was given to.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Invalid, type FieldError } from '../errors.ts';
import { pageErrors, type FormResult } from '../forms.ts';

export type Submission<R> = { ok: true; result: R } | { ok: false; errors: FieldError[]; values: Record<string, unknown> };

/**
 * Gives a form read without problems to `change`. Either what the change returned, or the problems
 * to show the form again with (the form's own, or those of an Invalid the change threw) and the
 * values to fill it with. Any other error is thrown on.
 */
export async function submitForm<T extends Record<string, unknown>, R>(
  form: FormResult<T>,
  change: (value: T) => Promise<R>,
): Promise<Submission<R>> {
  if (!form.ok) return form;
  try {
    return { ok: true, result: await change(form.value) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, errors: error.errors, values: form.value };
    throw error;
  }
}

/** Renders a form's `template`: as first shown when there are no `errors`, else again with them, answering 400. */
export async function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  errors: FieldError[] = [],
): Promise<FastifyReply> {
  if (errors.length === 0) return await reply.render(template, data);
  return await reply.render(template, { ...data, errors: pageErrors(request.t, errors) }, 400);
}
