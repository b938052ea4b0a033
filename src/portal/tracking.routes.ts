// A resident's private tracking link (sent in every email about their request): where the request
// has got to, its public timeline and files, and — once it is closed — how satisfied they are.
// The token in the address is the only key to the page, so these pages are never cached, indexed
// or passed on in a Referer header; an unknown token is the ordinary "Page not found".
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { CaseEvent, CasesService } from '../cases/service.ts';
import { Conflict, NotFound } from '../platform/errors.ts';
import type { FileStore } from '../platform/files/store.ts';
import { caughtInHoneypot, choice, pageErrors, parseForm } from '../platform/forms.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import { inLanguage, type Language, type Translate } from '../platform/i18n.ts';
import { isUuid } from '../platform/ids.ts';

export interface TrackingOptions {
  cases: Pick<CasesService, 'track' | 'recordSatisfaction'>;
  files: Pick<FileStore, 'open'>;
}

/** The satisfaction scale as the resident reads it, most satisfied first. */
export const SATISFACTION_SCORES = ['5', '4', '3', '2', '1'] as const;
export const COMMENT_MAX_LENGTH = 2000;
/** Anonymous answers: a person needs one; a script gets few. */
const SATISFACTION_LIMIT = { max: 10, timeWindow: '1 minute' };

const SatisfactionForm = Type.Object({
  score: choice(SATISFACTION_SCORES, 'tracking.satisfaction.errors.scoreMissing'),
  comment: Type.Optional(
    Type.String({
      maxLength: COMMENT_MAX_LENGTH,
      errorMessages: { maxLength: 'tracking.satisfaction.errors.commentTooLong' },
    }),
  ),
});

type Params = { token: string };
type Tracked = Awaited<ReturnType<CasesService['track']>>;

/** The tag colour of each status, so that a glance says open, waiting for you, or done. */
export const STATUS_TAGS: Record<string, string> = {
  submitted: 'govuk-tag--light-blue',
  in_progress: 'govuk-tag--blue',
  awaiting_customer: 'govuk-tag--yellow',
  resolved: 'govuk-tag--green',
  closed: 'govuk-tag--grey',
};

export const trackingRoutes: FastifyPluginAsync<TrackingOptions> = async (app, { cases, files }) => {
  const view = (name: string) => `portal/views/tracking/${name}.njk`;

  // Whatever the answer, including "Page not found" for a wrong token.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex');
  });

  app.get<{ Params: Params }>('/track/:token', async (request, reply) => {
    const tracked = await cases.track(request.params.token);
    return reply.render(view('case'), { ...casePage(tracked, request.t, request.language), token: request.params.token });
  });

  app.get<{ Params: Params & { id: string } }>('/track/:token/attachments/:id', async (request, reply) => {
    const tracked = await cases.track(request.params.token);
    // Only a public file of this very case: any other id is not found.
    const attachment = isUuid(request.params.id) ? tracked.attachments.find((file) => file.id === request.params.id) : undefined;
    if (!attachment) throw new NotFound('attachment');
    return sendDownload(reply, {
      stream: await files.open(attachment.fileKey),
      contentType: attachment.contentType,
      size: attachment.sizeBytes,
      fileName: attachment.fileName,
    });
  });

  app.get<{ Params: Params }>('/track/:token/satisfaction', async (request, reply) => {
    const tracked = await cases.track(request.params.token);
    const explanation = cannotAnswer(tracked);
    if (explanation) return renderExplanation(request, reply, tracked, explanation, 200);
    return reply.render(view('satisfaction'), satisfactionPage(tracked, request, { values: {} }));
  });

  app.post<{ Params: Params }>(
    '/track/:token/satisfaction',
    { config: { rateLimit: SATISFACTION_LIMIT } },
    async (request, reply) => {
      const tracked = await cases.track(request.params.token);
      const explanation = cannotAnswer(tracked);
      if (explanation) return renderExplanation(request, reply, tracked, explanation, 409);
      const thanks = `/track/${request.params.token}/satisfaction/thank-you`;
      if (caughtInHoneypot(request.body)) return reply.redirect(thanks, 303);
      const form = parseForm(SatisfactionForm, request.body);
      if (!form.ok)
        return reply.render(
          view('satisfaction'),
          satisfactionPage(tracked, request, { values: form.values, errors: pageErrors(request.t, form.errors) }),
          400,
        );
      try {
        await cases.recordSatisfaction(request.params.token, {
          score: Number(form.value.score),
          ...(form.value.comment ? { comment: form.value.comment } : {}),
        });
      } catch (error) {
        // Closed or answered between reading the case and recording: say so, as the page would have.
        if (error instanceof Conflict)
          return renderExplanation(
            request,
            reply,
            tracked,
            error.reason === 'cases.errors.satisfactionGiven' ? 'alreadyGiven' : 'notClosed',
            409,
          );
        throw error;
      }
      return reply.redirect(thanks, 303);
    },
  );

  app.get<{ Params: Params }>('/track/:token/satisfaction/thank-you', async (request, reply) => {
    const tracked = await cases.track(request.params.token);
    if (tracked.record.satisfaction === null) return reply.redirect(`/track/${request.params.token}/satisfaction`, 303);
    return reply.render(view('satisfaction-thanks'), {
      token: request.params.token,
      reference: tracked.record.reference,
    });
  });

  function renderExplanation(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    tracked: Tracked,
    explanation: 'notClosed' | 'alreadyGiven',
    status: number,
  ) {
    return reply.render(
      view('satisfaction-unavailable'),
      { token: request.params.token, reference: tracked.record.reference, explanation },
      status,
    );
  }

  function satisfactionPage(tracked: Tracked, request: FastifyRequest<{ Params: Params }>, form: Record<string, unknown>) {
    return {
      ...form,
      token: request.params.token,
      reference: tracked.record.reference,
      requestService: inLanguage(tracked.record.service.name, tracked.record.service.nameCy, request.language),
      commentMaxLength: COMMENT_MAX_LENGTH,
      scoreItems: SATISFACTION_SCORES.map((score) => ({
        value: score,
        text: request.t(`tracking.satisfaction.scores.${score}`),
      })),
    };
  }
};

function cannotAnswer(tracked: Tracked): 'notClosed' | 'alreadyGiven' | undefined {
  if (tracked.record.satisfaction !== null) return 'alreadyGiven';
  if (tracked.record.status !== 'closed') return 'notClosed';
  return undefined;
}

/**
 * What the tracking page shows: nothing a resident should not see, and no member of staff by name.
 * A signed-in resident's request page (src/portal/accounts) shows the same.
 */
export function casePage(tracked: Tracked, t: Translate, language: Language) {
  const { record } = tracked;
  const team = inLanguage(record.team.name, record.team.nameCy, language);
  const attachments = new Map(tracked.attachments.map((file) => [file.id, file]));
  return {
    reference: record.reference,
    requestService: inLanguage(record.service.name, record.service.nameCy, language),
    status: record.status,
    statusTag: STATUS_TAGS[record.status] ?? 'govuk-tag--grey',
    open: record.status !== 'resolved' && record.status !== 'closed',
    receivedAt: record.receivedAt,
    dueAt: record.dueAt,
    resolvedAt: record.resolvedAt,
    closedAt: record.closedAt,
    address: tracked.address,
    location: tracked.address ? null : record.location,
    askSatisfaction: record.status === 'closed' && record.satisfaction === null,
    timeline: tracked.events.flatMap((event) => timelineItem(event, { t, team, attachments })),
    attachments: tracked.attachments.map((file) => ({
      id: file.id,
      fileName: file.fileName,
      sizeKb: Math.max(1, Math.ceil(file.sizeBytes / 1024)),
    })),
  };
}

interface TimelineItem {
  title: string;
  byline: string | null;
  at: Date;
  text: string | null;
  attachment?: { id: string; fileName: string };
}

/** One entry of the public timeline, or none for a kind of event a resident is not shown. */
function timelineItem(
  event: CaseEvent,
  context: { t: Translate; team: string; attachments: Map<string, { id: string; fileName: string }> },
): TimelineItem[] {
  const { t } = context;
  const team = t('tracking.timeline.by', { team: context.team });
  if (event.visibility !== 'public') return [];
  const item = (title: string, byline: string | null, text: string | null = event.body) => [
    { title, byline, at: event.occurredAt, text },
  ];
  switch (event.kind) {
    case 'received':
      return item(t('tracking.timeline.received'), null, null);
    case 'public_update':
      return item(t('tracking.timeline.update'), team);
    case 'status_changed': {
      const to = event.statusTo;
      if (to === 'resolved') return item(t('tracking.timeline.resolved'), team);
      if (to === 'closed') return item(t('tracking.timeline.closed'), team);
      if (to === 'in_progress' && (event.statusFrom === 'resolved' || event.statusFrom === 'closed'))
        return item(t('tracking.timeline.reopened'), team);
      return item(t('tracking.timeline.statusChanged', { status: to ? t(`tracking.statuses.${to}`) : '' }), team);
    }
    case 'linked':
      return item(t('tracking.timeline.linked'), null, t('tracking.timeline.linkedText'));
    case 'attachment_added': {
      const id = typeof event.details?.attachmentId === 'string' ? event.details.attachmentId : undefined;
      const attachment = id ? context.attachments.get(id) : undefined;
      if (!attachment) return [];
      return [{ title: t('tracking.timeline.attachment'), byline: team, at: event.occurredAt, text: null, attachment }];
    }
    default:
      return [];
  }
}
