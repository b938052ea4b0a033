// Queueing a notification: rendered now, stored in the caller's transaction with the pg-boss job
// that will send it, so a change and the message about it commit together or not at all. Each
// message goes at most once to each recipient for each occurrence of an event (its dedupe key).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Queryable } from '../../db/database.ts';
import type { CompleteLanguage } from '../i18n.ts';
import { enqueue } from '../jobs.ts';
import { insertNotificationForSending } from './repo.ts';
import { renderNotification, type Channel, type NotificationEvent, type Personalisation } from './templates.ts';

/** The pg-boss queue that sends messages (see delivery.ts). */
export const SEND_QUEUE = 'notifications.send';

export interface NotificationRequest {
  /** The council on whose behalf it is sent (whose outbox shows it). */
  councilId: string;
  event: NotificationEvent;
  channel: Channel;
  /** An email address; a phone number (any UK or E.164 form); or a postal address, one line per line. */
  recipient: string;
  language: CompleteLanguage;
  personalisation: Personalisation;
  /** What it is about, e.g. `case` and `ODR-7K4M-2Q9P`. */
  recordType?: string;
  recordId?: string;
  /**
   * What tells one occurrence of the event on the record from another, where it can happen more
   * than once: the update's id for `case.updated`, the reopening's for `case.reopened`. Omit it
   * for events that happen once (`case.received`).
   */
  occurrence?: string;
}

/** A recipient in the one form it is stored, sent and deduplicated in; throws if it is not usable on the channel. */
export function normaliseRecipient(channel: Channel, recipient: string): string {
  const text = recipient.trim();
  switch (channel) {
    case 'email': {
      // The domain is not case-sensitive, and no UK mail system treats the local part so either.
      const address = text.toLowerCase();
      if (address.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) throw new RecipientError(channel);
      return address;
    }
    case 'sms': {
      const phone = parsePhoneNumberFromString(text, 'GB');
      if (!phone?.isValid()) throw new RecipientError(channel);
      return phone.number;
    }
    case 'letter': {
      // GOV.UK Notify's rule: 3 to 7 lines, the last the postcode (or country).
      const lines = text
        .split(/\r?\n/)
        .map((line) => line.trim().replace(/\s+/g, ' '))
        .filter(Boolean);
      if (lines.length < 3 || lines.length > 7) throw new RecipientError(channel);
      return lines.join('\n');
    }
  }
}

export class RecipientError extends Error {
  constructor(readonly channel: Channel) {
    super(
      channel === 'letter'
        ? 'A letter needs a postal address of 3 to 7 lines, the last the postcode'
        : `Not a usable ${channel === 'sms' ? 'phone number for a text message' : 'email address'}`,
    );
    this.name = 'RecipientError';
  }
}

/**
 * The "at most once" key: event, record, occurrence, channel and recipient, e.g.
 * `case.received:ODR-7K4M-2Q9P:email:someone@example.com`. Postal addresses count the same
 * whatever their capitals and spacing.
 */
export function dedupeKey(
  request: Pick<NotificationRequest, 'event' | 'recordId' | 'occurrence' | 'channel'>,
  recipient: string,
): string {
  const who = request.channel === 'letter' ? recipient.toLowerCase().split('\n').join(' | ') : recipient;
  const what = [request.event, request.recordId ?? '-', ...(request.occurrence ? [request.occurrence] : [])];
  return [...what, request.channel, who].join(':');
}

/**
 * Renders the message and queues it, with its sending job, on `trx` — the transaction of the
 * change it tells of. Returns its id, or undefined if this message was queued before (by this
 * change retried, or by the same event told twice). A missing personalisation value or an
 * unusable recipient throws: a bug in the caller, which rolls its change back.
 */
export async function queueNotification(trx: Queryable, request: NotificationRequest): Promise<{ id: string } | undefined> {
  const recipient = normaliseRecipient(request.channel, request.recipient);
  const rendered = renderNotification(request.event, request.channel, request.language, request.personalisation);
  const inserted = await insertNotificationForSending(trx, {
    councilId: request.councilId,
    event: request.event,
    channel: request.channel,
    recipient,
    language: request.language,
    template: rendered.template,
    personalisation: request.personalisation,
    subject: rendered.subject,
    body: rendered.body,
    recordType: request.recordType ?? null,
    recordId: request.recordId ?? null,
    dedupeKey: dedupeKey(request, recipient),
  });
  if (inserted === undefined) return undefined;
  const { id, jobTablesPresent } = inserted;
  // The job's id is the message's: the sweep that re-enqueues waiting messages adds no second job.
  await enqueue(trx, SEND_QUEUE, { notificationId: id }, { id, jobTablesPresent });
  return { id };
}
