// The words of every notification, per event and channel, in English and Welsh. They live in the
// locale files under notifications.templates.<event>.<channel>.{subject,body}, so translators see
// them beside every other string; `{name}` placeholders are filled from the personalisation.
import { isCompleteLanguage, loadMessages, lookUp, type CompleteLanguage } from '../i18n.ts';

export const CHANNELS = ['email', 'sms', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

const RESIDENT_CHANNELS: Channel[] = ['email', 'sms', 'letter'];

/**
 * Each event, the channels it can be sent by, and the personalisation its templates need. Cases,
 * complaints (and later appointments) pick the event; the templates say the rest.
 */
export const NOTIFICATION_EVENTS = {
  'case.received': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'serviceName', 'dueDate', 'trackingUrl'] },
  /** A public update: the resident sees its text. */
  'case.updated': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'serviceName', 'updateText', 'trackingUrl'] },
  'case.resolved': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'serviceName', 'updateText', 'trackingUrl'] },
  /** Asks how satisfied the resident is, with a link to answer. */
  'case.closed': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'serviceName', 'satisfactionUrl'] },
  'case.reopened': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'serviceName', 'dueDate', 'trackingUrl'] },
  /** Internal: to a team leader, about an overdue case, by email only. */
  'case.escalated': { channels: ['email'], keys: ['name', 'reference', 'serviceName', 'dueDate', 'caseUrl'] },
  /** A complaint recorded: when it will be acknowledged by. */
  'complaint.received': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'acknowledgeByDate'] },
  /** A compliment or comment recorded: thanks, and that it has been passed on. */
  'feedback.received': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference'] },
  /** Internal: a compliment or comment, passed to the team it is about. */
  'feedback.passed_on': { channels: ['email'], keys: ['name', 'reference', 'kind', 'feedbackText', 'complaintUrl'] },
  'complaint.acknowledged': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'stage', 'respondByDate'] },
  /** The answer will take longer: the new date and why. */
  'complaint.extended': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'stage', 'respondByDate', 'reason'] },
  /** The stage 1 answer, with how to ask for stage 2. */
  'complaint.stage_one_answered': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'responseText'] },
  /** The stage 2 answer, with how to go to the Ombudsman. */
  'complaint.stage_two_answered': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'responseText'] },
  /** Stage 2 asked for: when it will be acknowledged by. */
  'complaint.escalated': { channels: RESIDENT_CHANNELS, keys: ['name', 'reference', 'acknowledgeByDate'] },
  /** Internal: to whoever handles a complaint's stage, before its next deadline. */
  'complaint.deadline_soon': { channels: ['email'], keys: ['name', 'reference', 'stage', 'dueDate', 'complaintUrl'] },
  /** Internal: the deadline passed without the acknowledgement or answer. */
  'complaint.deadline_missed': { channels: ['email'], keys: ['name', 'reference', 'stage', 'dueDate', 'complaintUrl'] },
  /** An appointment booked: when and where, and the private link that changes or cancels it. */
  'appointment.booked': {
    channels: RESIDENT_CHANNELS,
    keys: ['name', 'reference', 'serviceName', 'siteName', 'appointmentDate', 'appointmentTime', 'manageUrl'],
  },
  'appointment.changed': {
    channels: RESIDENT_CHANNELS,
    keys: ['name', 'reference', 'serviceName', 'siteName', 'appointmentDate', 'appointmentTime', 'manageUrl'],
  },
  'appointment.cancelled': {
    channels: RESIDENT_CHANNELS,
    keys: ['name', 'reference', 'serviceName', 'appointmentDate', 'appointmentTime'],
  },
  /** The day before. */
  'appointment.reminder': {
    channels: RESIDENT_CHANNELS,
    keys: ['name', 'reference', 'serviceName', 'siteName', 'appointmentDate', 'appointmentTime', 'manageUrl'],
  },
  /** A resident's portal account: the link that confirms their email address (valid 24 hours). */
  'account.confirm_email': { channels: ['email'], keys: ['name', 'confirmUrl'] },
  /** Someone tried to register an address that already has an account: told to its owner, not to them. */
  'account.already_registered': { channels: ['email'], keys: ['name', 'signInUrl', 'resetUrl'] },
  /** The link that sets a new password (valid 1 hour). */
  'account.reset_password': { channels: ['email'], keys: ['name', 'resetUrl'] },
} as const satisfies Record<string, { channels: readonly Channel[]; keys: readonly string[] }>;

export type NotificationEvent = keyof typeof NOTIFICATION_EVENTS;
export const EVENTS = Object.keys(NOTIFICATION_EVENTS) as NotificationEvent[];

export type Personalisation = Record<string, string>;

export interface RenderedMessage {
  /** The template's key, e.g. `case.received.email`. */
  template: string;
  /** Null for a text message, which has none. */
  subject: string | null;
  body: string;
}

/** A template asked for a value the caller did not give, or there is no such template: a bug, not bad input. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function isNotificationEvent(value: unknown): value is NotificationEvent {
  return typeof value === 'string' && Object.hasOwn(NOTIFICATION_EVENTS, value);
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

let messages: ReturnType<typeof loadMessages> | undefined;

/** Renders the template for `event` on `channel` in `language`, or throws a TemplateError. */
export function renderNotification(
  event: NotificationEvent,
  channel: Channel,
  language: CompleteLanguage,
  personalisation: Personalisation,
): RenderedMessage {
  if (!isNotificationEvent(event)) throw new TemplateError(`There is no notification event "${String(event)}"`);
  if (!(NOTIFICATION_EVENTS[event].channels as readonly Channel[]).includes(channel)) {
    throw new TemplateError(`${event} is not sent by ${channel}`);
  }
  if (!isCompleteLanguage(language)) throw new TemplateError(`No templates in "${language}"`);
  messages ??= loadMessages();
  const template = `${event}.${channel}`;
  const part = (name: 'subject' | 'body'): string | null => {
    const text = lookUp(messages![language], `notifications.templates.${template}.${name}`);
    if (text !== undefined && typeof text !== 'string') throw new TemplateError(`${template}.${name} is not a message`);
    return text === undefined ? null : fill(text, personalisation, `${template} (${language})`);
  };
  const body = part('body');
  if (body === null) throw new TemplateError(`There is no ${language} template ${template}`);
  const subject = part('subject');
  if (channel !== 'sms' && subject === null) throw new TemplateError(`The ${language} template ${template} has no subject`);
  return { template, subject: channel === 'sms' ? null : subject, body };
}

/** Replaces each `{name}` with its value; a placeholder with no value is a programming error. */
export function fill(text: string, personalisation: Personalisation, what = 'template'): string {
  const missing = new Set<string>();
  const filled = text.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = Object.hasOwn(personalisation, name) ? personalisation[name] : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      missing.add(name);
      return '';
    }
    return value;
  });
  if (missing.size > 0) throw new TemplateError(`${what} needs personalisation ${[...missing].join(', ')}`);
  return filled;
}
