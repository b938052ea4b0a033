// How a queued message leaves OneDoor: by default it does not (the outbox sender records it as
// sent, for staff to read at /staff/outbox); or as a file in a directory; or through GOV.UK
// Notify; or by email over SMTP.
// A sender throws PermanentDeliveryError when trying again cannot help, anything else to be retried.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { NotificationSettings } from '../../config.ts';
import type { Channel } from './templates.ts';

export interface OutgoingMessage {
  /** The notification's id: given to the provider as its reference. */
  id: string;
  channel: Channel;
  /** Email address, E.164 phone number, or postal address lines joined by newlines. */
  recipient: string;
  subject: string | null;
  body: string;
}

export interface NotificationSender {
  /** Recorded as the message's provider: `outbox`, `directory`, `notify` or `smtp`. */
  readonly name: string;
  /**
   * Whether sending one message (the same id) twice delivers it once. Then a message left
   * `sending` by a process that died is sent again; otherwise it is left for staff to check,
   * since OneDoor cannot know whether the provider had it.
   */
  readonly idempotent: boolean;
  send(message: OutgoingMessage): Promise<{ providerReference: string | null }>;
}

/** Retrying will not help (refused address, bad template, a channel the sender cannot use). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The default: delivery is recording the message as sent to the local outbox. Nothing leaves the machine. */
export const outboxSender: NotificationSender = {
  name: 'outbox',
  idempotent: true,
  send: () => Promise.resolve({ providerReference: null }),
};

/**
 * A local sink: each message is written to `<directory>/<id>.json` (channel, recipient, subject,
 * body), for a print room, a mail relay that picks files up, or to watch what would be sent. A
 * message's file is made whole under another name and then linked to its own, which fails if it
 * is there already: sending a message twice delivers it once.
 */
export function directorySender(directory: string, options: { delayMs?: number } = {}): NotificationSender {
  return {
    name: 'directory',
    idempotent: true,
    async send(message) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      await fs.mkdir(directory, { recursive: true });
      const final = path.join(directory, `${message.id}.json`);
      const partial = path.join(directory, `.${message.id}.${process.pid}.${Date.now()}.partial`);
      const content = {
        id: message.id,
        channel: message.channel,
        recipient: message.recipient,
        subject: message.subject,
        body: message.body,
      };
      await fs.writeFile(partial, `${JSON.stringify(content, null, 2)}\n`);
      try {
        await fs.link(partial, final);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        await fs.rm(partial, { force: true });
      }
      return { providerReference: `${message.id}.json` };
    },
  };
}

/** The part of GOV.UK Notify's client this uses (passed in by tests; the real one by default). */
export interface NotifyApi {
  sendEmail(templateId: string, emailAddress: string, options: NotifyOptions): Promise<{ data: { id: string } }>;
  sendSms(templateId: string, phoneNumber: string, options: NotifyOptions): Promise<{ data: { id: string } }>;
  sendLetter(templateId: string, options: NotifyOptions): Promise<{ data: { id: string } }>;
}

interface NotifyOptions {
  personalisation: Record<string, string>;
  reference: string;
}

export interface NotifyTemplateIds {
  email: string;
  sms: string;
  letter: string;
}

/**
 * GOV.UK Notify, the usual way councils use it: one generic template per channel, whose
 * ((subject)) and ((body)) are filled with OneDoor's rendered words (the SMS template uses only
 * ((body))). A letter's address goes in address_line_1 to address_line_7.
 */
export function notifySender(apiKey: string, templateIds: NotifyTemplateIds, given?: NotifyApi): NotificationSender {
  // Notify's client is loaded with the first message, not with every OneDoor process.
  let client: Promise<NotifyApi> | undefined;
  const notify = () =>
    (client ??= given
      ? Promise.resolve(given)
      : import('notifications-node-client').then(({ NotifyClient }) => new NotifyClient(apiKey) as unknown as NotifyApi));
  return {
    name: 'notify',
    idempotent: false,
    async send(message) {
      const personalisation = { subject: message.subject ?? '', body: message.body };
      try {
        const api = await notify();
        const { data } = await (() => {
          switch (message.channel) {
            case 'email':
              return api.sendEmail(templateIds.email, message.recipient, { personalisation, reference: message.id });
            case 'sms':
              return api.sendSms(templateIds.sms, message.recipient, {
                personalisation: { body: message.body },
                reference: message.id,
              });
            case 'letter': {
              const address = Object.fromEntries(
                message.recipient.split('\n').map((line, index) => [`address_line_${index + 1}`, line]),
              );
              return api.sendLetter(templateIds.letter, {
                personalisation: { ...address, ...personalisation },
                reference: message.id,
              });
            }
          }
        })();
        return { providerReference: data.id };
      } catch (error) {
        throw notifyFailure(error);
      }
    },
  };
}

/** Notify's refusals (400 bad request, 403 bad key) are permanent; rate limits, its own errors and the network are not. */
function notifyFailure(error: unknown): Error {
  const response = (error as { response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } } })
    .response;
  if (response?.status === undefined) return new Error(`GOV.UK Notify could not be reached: ${(error as Error).message}`);
  const reasons = (response.data?.errors ?? []).map((item) => [item.error, item.message].filter(Boolean).join(': '));
  const text = `GOV.UK Notify answered ${response.status}${reasons.length ? `: ${reasons.join('; ')}` : ''}`;
  return response.status === 400 || response.status === 403 ? new PermanentDeliveryError(text) : new Error(text);
}

/** The part of a nodemailer transport this uses. */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<{ messageId?: string }>;
}

/** Email over SMTP, e.g. the council's own relay. Text messages and letters it cannot send. */
export function smtpSender(url: string, from: string, given?: MailTransport): NotificationSender {
  // nodemailer is loaded with the first message, not with every OneDoor process.
  let transport: Promise<MailTransport> | undefined;
  const smtp = () =>
    (transport ??= given
      ? Promise.resolve(given)
      : import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(url)));
  return {
    name: 'smtp',
    idempotent: false,
    async send(message) {
      if (message.channel !== 'email') {
        throw new PermanentDeliveryError(
          `The SMTP sender sends email only, not ${message.channel === 'sms' ? 'text messages' : 'letters'}: use GOV.UK Notify (NOTIFICATIONS_SENDER=notify) for those`,
        );
      }
      const mail = await smtp();
      try {
        const info = await mail.sendMail({
          from,
          to: message.recipient,
          subject: message.subject ?? '',
          text: message.body,
        });
        return { providerReference: info.messageId ?? null };
      } catch (error) {
        // 5xx is the server's final word on this message (no such mailbox, refused); the rest may pass.
        const code = (error as { responseCode?: number }).responseCode;
        const text = `The mail server refused the message: ${(error as Error).message}`;
        throw code !== undefined && code >= 500 && code < 600 ? new PermanentDeliveryError(text) : new Error(text);
      }
    },
  };
}

/** The sender the settings choose (NOTIFICATIONS_SENDER). */
export function senderFor(settings: NotificationSettings): NotificationSender {
  switch (settings.sender) {
    case 'outbox':
      return outboxSender;
    case 'directory':
      return directorySender(settings.directory);
    case 'notify':
      return notifySender(settings.apiKey, settings.templates);
    case 'smtp':
      return smtpSender(settings.url, settings.from);
  }
}
