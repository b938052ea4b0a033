// An email as OneDoor reads it: the raw RFC 822 message parsed by mailparser into who sent it, what
// it says, when, what it answers, which case references it quotes, whether a machine sent it, and
// what was attached (names, types and sizes only: the files themselves are not kept).
import crypto from 'node:crypto';
import type { AddressObject, HeaderValue, ParsedMail } from 'mailparser';
import { Invalid } from '../../platform/errors.ts';
import { normaliseCaseReference } from '../../cases/reference.ts';

/** The largest message taken (a relay or the mailbox): 10 MB, attachments included. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** How much of a message's text is kept for staff to read. */
export const MAX_TEXT_LENGTH = 100_000;
/** Case references looked at in one message (a long thread quoting many is matched on the first few). */
const MAX_REFERENCES = 5;

/** Why a message is taken to be a machine's, not a person's (RFC 3834, RFC 3464, list mail). */
export type AutomaticReason = 'auto-submitted' | 'auto-reply' | 'bounce' | 'bulk';

export interface AttachmentFacts {
  fileName: string | null;
  contentType: string;
  sizeBytes: number;
}

export interface InboundMessage {
  /** The Message-ID without angle brackets, or `sha256:<hex>` of the content when it has none. */
  messageId: string;
  from: { address: string; name: string | null };
  subject: string | null;
  /** The text part, or the HTML part turned into text by mailparser. */
  text: string;
  /** The Date header, when it is a date. */
  sentAt: Date | null;
  inReplyTo: string | null;
  references: string[];
  /** Case references in the subject, then the (quoted) body, in their written form. */
  caseReferences: string[];
  automatic: AutomaticReason | null;
  attachments: AttachmentFacts[];
  sizeBytes: number;
  sha256: string;
}

/** ODR-7K4M-2Q9P, in any case, with a space or nothing for either dash. */
const REFERENCE_IN_TEXT = /\bODR[-\s]?([0-9A-Z]{4})[-\s]?([0-9A-Z]{4})\b/gi;

/** The distinct case references written in the subject, then in the body (including what it quotes). */
export function caseReferencesIn(subject: string | null, text: string | null): string[] {
  const found: string[] = [];
  for (const part of [subject ?? '', text ?? '']) {
    for (const match of part.matchAll(REFERENCE_IN_TEXT)) {
      const reference = normaliseCaseReference(`ODR${match[1]}${match[2]}`);
      if (reference && !found.includes(reference)) found.push(reference);
      if (found.length === MAX_REFERENCES) return found;
    }
  }
  return found;
}

/** A header's value as text: mailparser gives structured headers as objects with a `value`. */
function headerText(value: HeaderValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => headerText(item as HeaderValue)).join(', ');
  if (value instanceof Date) return value.toISOString();
  if ('value' in value && typeof value.value === 'string') return value.value;
  if ('text' in value && typeof value.text === 'string') return value.text;
  return '';
}

/**
 * Whether a machine sent the message (an out-of-office reply, a bounce, a mailing list), so that
 * it is kept for staff but never becomes a contact or a case update, and never gets an answer.
 */
export function automaticReason(headers: Map<string, HeaderValue>, fromAddress: string | null): AutomaticReason | null {
  const header = (name: string) => headerText(headers.get(name)).trim().toLowerCase();
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return 'auto-submitted';
  const local = (fromAddress ?? '').split('@')[0]?.toLowerCase() ?? '';
  if (/^(mailer-daemon|postmaster)$/.test(local) || header('content-type').startsWith('multipart/report')) return 'bounce';
  if (['yes', 'true'].includes(header('x-autoreply')) || header('x-autorespond') !== '' || header('x-auto-reply') !== '')
    return 'auto-reply';
  const precedence = header('precedence');
  if (precedence === 'auto_reply') return 'auto-reply';
  if (['bulk', 'junk', 'list'].includes(precedence) || header('list-id') !== '' || header('list-unsubscribe') !== '')
    return 'bulk';
  return null;
}

/**
 * mailparser turns HTML into text when the HTML is the message or stands beside a text part; an
 * HTML part alone inside multipart/mixed (with an attachment) it leaves. Its words are enough here:
 * the text is stored as given and escaped wherever it is shown.
 */
function roughText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_match, name: string) => entities[name] ?? '')
    .replace(/&#(\d{1,6});/g, (_match, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const unbracket = (value: string) =>
  value
    .trim()
    .replace(/^<+|>+$/g, '')
    .trim();

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } | undefined {
  const objects = from === undefined ? [] : Array.isArray(from) ? from : [from];
  for (const object of objects)
    for (const entry of object.value) {
      const address = entry.address?.trim();
      if (address) return { address: address.slice(0, 320), name: entry.name?.trim().slice(0, 300) || null };
    }
  return undefined;
}

/**
 * Reads a raw message. Invalid when it is not one (no sender address: nothing a mail relay would
 * pass on); the caller has already refused an empty or oversized body.
 */
export async function readMessage(raw: Buffer): Promise<InboundMessage> {
  // mailparser is loaded with the first message, not with every OneDoor process (about 0.25 s).
  const { simpleParser } = await import('mailparser');
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
  } catch {
    throw new Invalid([{ field: 'message', message: 'inboundEmail.errors.notAMessage' }]);
  }
  const from = firstAddress(parsed.from);
  if (!from) throw new Invalid([{ field: 'message', message: 'inboundEmail.errors.noSender' }]);
  const sha256 = crypto.createHash('sha256').update(raw).digest('hex');
  const messageId = parsed.messageId ? unbracket(parsed.messageId).slice(0, 998) : '';
  const subject = parsed.subject?.trim().slice(0, 998) || null;
  const text = (parsed.text?.trim() ? parsed.text : typeof parsed.html === 'string' ? roughText(parsed.html) : '').slice(
    0,
    MAX_TEXT_LENGTH,
  );
  const references = (Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : [])
    .map(unbracket)
    .filter(Boolean);
  const sentAt = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null;
  return {
    messageId: messageId === '' ? `sha256:${sha256}` : messageId,
    from,
    subject,
    text,
    sentAt,
    inReplyTo: parsed.inReplyTo ? unbracket(parsed.inReplyTo).slice(0, 998) : null,
    references,
    caseReferences: caseReferencesIn(subject, text),
    automatic: automaticReason(parsed.headers, from.address),
    attachments: parsed.attachments.map((attachment) => ({
      fileName: attachment.filename?.slice(0, 255) ?? null,
      contentType: attachment.contentType,
      sizeBytes: attachment.size,
    })),
    sizeBytes: raw.length,
    sha256,
  };
}
