// Reading the one search box. An advisor types whatever the caller gives them — a name with a
// typo, a phone number in any format, an email, a postcode, part of an address, a UPRN, a date of
// birth, a case reference — and each kind is recognised here so that the database can use an
// exact index for it; only names are matched by similarity (see search.ts).
import { normaliseCaseReference } from '../cases/reference.ts';
import { isEmail, normaliseOutcode, normalisePostcode, parsePhone, postcodeKey } from './contactPoints.ts';

export interface SearchQuery {
  email?: string;
  /** E.164. */
  phone?: string;
  /** The postcode key (upper case, no spaces) of a full postcode. */
  postcode?: string;
  /** An outward code on its own (SY11), when no full postcode was given. */
  outcode?: string;
  uprn?: number;
  dateOfBirth?: string;
  caseReference?: string;
  /** Words that look like a name, lower case, in the order typed. */
  nameWords: string[];
  /** The text that may be part of an address ("12 church street"), lower case. */
  addressText?: string;
}

// A case reference is recognised only with its ODR prefix: eight letters and digits alone could be a
// name ("JOHNSTON" reads as a reference once O is taken for 0). It may be typed in lower case,
// with spaces or dashes anywhere, or with O for 0 and I or L for 1 (normaliseCaseReference).
const CASE_REFERENCE = /(?:^|\s)(ODR[\s-]*[0-9A-Z]{4}[\s-]*[0-9A-Z]{4})(?=\s|$)/i;
const DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseSearchQuery(input: string): SearchQuery {
  let rest = input.normalize('NFC').replace(/\s+/g, ' ').trim().slice(0, 200);
  const query: SearchQuery = { nameWords: [] };

  // First, before its digits can be read as a phone number or a UPRN.
  const reference = CASE_REFERENCE.exec(rest);
  const caseReference = reference ? normaliseCaseReference(reference[1]!) : undefined;
  if (reference && caseReference) {
    query.caseReference = caseReference;
    rest = `${rest.slice(0, reference.index)} ${rest.slice(reference.index + reference[0].length)}`.trim();
  }

  const email = rest.split(' ').find((word) => word.includes('@'));
  if (email && isEmail(email.replace(/[,;]$/, ''))) {
    query.email = email.replace(/[,;]$/, '').toLowerCase();
    rest = rest.replace(email, ' ');
  }

  // A postcode may be typed with or without its space: try each pair of words, then each word.
  const words = rest.split(' ').filter(Boolean);
  for (let i = 0; i < words.length && !query.postcode; i++) {
    const pair = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : undefined;
    const postcode = (pair && normalisePostcode(pair)) || normalisePostcode(words[i]!);
    if (postcode) {
      query.postcode = postcodeKey(postcode);
      words.splice(i, pair && normalisePostcode(pair) ? 2 : 1);
    }
  }

  // A phone number is digits with spaces, brackets, dashes or a leading +: join the run of such words.
  const phoneRun = /(?:^|\s)(\+?[\d()\- ]{10,20}\d)(?=\s|$)/.exec(words.join(' '));
  if (phoneRun) {
    const phone = parsePhone(phoneRun[1]!);
    if (phone) {
      query.phone = phone.number;
      const digits = phoneRun[1]!.trim().split(' ');
      words.splice(words.indexOf(digits[0]!), digits.length);
    }
  }

  const remaining: string[] = [];
  for (const word of words) {
    const date = DATE.exec(word) ?? ISO_DATE.exec(word);
    if (date && !query.dateOfBirth && calendarDate(date)) {
      query.dateOfBirth = calendarDate(date);
    } else if (/^\d{6,12}$/.test(word) && query.uprn === undefined && words.length === 1) {
      query.uprn = Number(word);
    } else if (!query.postcode && !query.outcode && normaliseOutcode(word) && /\d/.test(word)) {
      query.outcode = normaliseOutcode(word);
    } else {
      remaining.push(word);
    }
  }

  const text = remaining.join(' ').toLowerCase();
  // Digits among the words ("12 church street") mean an address; otherwise the words are a name,
  // which may also be a street ("church street"): search.ts tries both.
  if (/\d/.test(text)) {
    query.addressText = text;
  } else if (text) {
    query.nameWords = text
      .split(/[\s,]+/)
      .map((word) => word.replace(/[^\p{L}'-]/gu, ''))
      .filter((word) => word.length > 0)
      .slice(0, 4);
    if (query.nameWords.length > 1) query.addressText = text;
  }
  return query;
}

function calendarDate(match: RegExpExecArray): string | undefined {
  const [year, month, day] =
    match[0].includes('-') && match[1]!.length === 4 ? [match[1], match[2], match[3]] : [match[3], match[2], match[1]];
  const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}

/** True when the query asks for nothing the search can use. */
export function isEmptyQuery(query: SearchQuery): boolean {
  return (
    !query.email &&
    !query.phone &&
    !query.postcode &&
    !query.outcode &&
    query.uprn === undefined &&
    !query.dateOfBirth &&
    !query.caseReference &&
    query.nameWords.length === 0 &&
    !query.addressText
  );
}
