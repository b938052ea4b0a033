// Bank holidays in GOV.UK's own format (https://www.gov.uk/bank-holidays.json): the whole file,
// `{"england-and-wales": {"division": ..., "events": [...]}, "scotland": ..., "northern-ireland": ...}`,
// or one division's object. OneDoor ships England and Wales's (bankHolidays.england-and-wales.json)
// and a council updates them with `onedoor import bank-holidays FILE.json`.
import fs from 'node:fs';
import { isCalendarDate } from '../platform/forms.ts';

export const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type Division = (typeof DIVISIONS)[number];

/** The division SLA clocks count: every council OneDoor serves is in England or Wales. */
export const SLA_DIVISION: Division = 'england-and-wales';

export const MAX_TITLE_LENGTH = 200;
/** GOV.UK's file holds about a decade; far more than that is not a bank holiday file. */
const MAX_EVENTS_PER_DIVISION = 1000;

export interface BankHoliday {
  date: string;
  title: string;
}

export interface DivisionHolidays {
  division: Division;
  /** In date order, each date once. */
  holidays: BankHoliday[];
}

/** A file that is not bank holidays as GOV.UK publishes them: every problem found, in words. */
export class BankHolidayFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'BankHolidayFileError';
  }
}

export function isDivision(value: unknown): value is Division {
  return typeof value === 'string' && (DIVISIONS as readonly string[]).includes(value);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function divisionFrom(
  value: unknown,
  where: string,
  expected: Division | undefined,
  problems: string[],
): DivisionHolidays | undefined {
  if (!isObject(value)) {
    problems.push(`${where} is not a division object ({"division": ..., "events": [...]})`);
    return undefined;
  }
  const division = value.division;
  if (!isDivision(division)) {
    problems.push(`${where}: division ${JSON.stringify(division)} is not one of ${DIVISIONS.join(', ')}`);
    return undefined;
  }
  if (expected !== undefined && division !== expected) {
    problems.push(`${where}: says it is the division "${division}"`);
    return undefined;
  }
  const events = value.events;
  if (!Array.isArray(events)) {
    problems.push(`${where}: events is not a list`);
    return undefined;
  }
  if (events.length === 0) problems.push(`${where}: events is empty`);
  if (events.length > MAX_EVENTS_PER_DIVISION) {
    problems.push(`${where}: has ${events.length} events, more than ${MAX_EVENTS_PER_DIVISION}`);
    return undefined;
  }
  const byDate = new Map<string, BankHoliday>();
  events.forEach((event: unknown, index) => {
    const at = `${where}.events[${index}]`;
    if (!isObject(event)) {
      problems.push(`${at} is not an event ({"title", "date", ...})`);
      return;
    }
    const eventProblems: string[] = [];
    const { date, title } = event;
    if (typeof date !== 'string' || !isCalendarDate(date))
      eventProblems.push(`date ${JSON.stringify(date)} is not a date (YYYY-MM-DD)`);
    const trimmed = typeof title === 'string' ? title.trim() : '';
    if (trimmed === '') eventProblems.push('title is missing');
    else if (trimmed.length > MAX_TITLE_LENGTH) eventProblems.push(`title is longer than ${MAX_TITLE_LENGTH} characters`);
    if (eventProblems.length > 0) {
      problems.push(`${at}: ${eventProblems.join('; ')}`);
      return;
    }
    if (byDate.has(date as string)) problems.push(`${at}: ${date as string} is listed twice`);
    byDate.set(date as string, { date: date as string, title: trimmed });
  });
  const holidays = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  return { division, holidays };
}

/** The divisions in a parsed GOV.UK bank holidays document; throws BankHolidayFileError. */
export function parseBankHolidays(document: unknown): DivisionHolidays[] {
  const problems: string[] = [];
  let divisions: (DivisionHolidays | undefined)[];
  if (isObject(document) && 'division' in document) {
    divisions = [divisionFrom(document, 'the division', undefined, problems)];
  } else if (isObject(document)) {
    const keys = Object.keys(document);
    const unknown = keys.filter((key) => !isDivision(key));
    if (unknown.length > 0) {
      problems.push(
        `unknown division ${unknown.map((key) => JSON.stringify(key)).join(', ')} (divisions: ${DIVISIONS.join(', ')})`,
      );
    }
    if (keys.length === 0) problems.push(`the file has no divisions (${DIVISIONS.join(', ')})`);
    divisions = keys.filter(isDivision).map((key) => divisionFrom(document[key], key, key, problems));
  } else {
    problems.push('the file is not a JSON object: expected GOV.UK’s bank-holidays.json or one division from it');
    divisions = [];
  }
  if (problems.length > 0) throw new BankHolidayFileError(problems);
  return divisions.filter((division): division is DivisionHolidays => division !== undefined);
}

/** Reads and checks a bank holidays file; throws BankHolidayFileError. */
export function readBankHolidaysFile(file: string | URL): DivisionHolidays[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BankHolidayFileError([
      `cannot read ${String(file)}: ${code === 'ENOENT' ? 'there is no such file' : (code ?? 'unreadable')}`,
    ]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new BankHolidayFileError([`the file is not JSON: ${(error as Error).message}`]);
  }
  return parseBankHolidays(document);
}

export const SHIPPED_BANK_HOLIDAYS = new URL('./bankHolidays.england-and-wales.json', import.meta.url);

/** England and Wales's bank holidays as shipped with OneDoor (loaded by migration 0006). */
export function shippedBankHolidays(): DivisionHolidays {
  const [division] = readBankHolidaysFile(SHIPPED_BANK_HOLIDAYS);
  if (division?.division !== SLA_DIVISION) throw new Error(`${SHIPPED_BANK_HOLIDAYS.pathname} is not England and Wales's`);
  return division;
}

// The names GOV.UK gives the usual bank holidays, so that pages can name them in Welsh too.
// Occasional ones (a coronation, a jubilee) are shown as GOV.UK titles them.
const USUAL_NAMES: Record<string, string> = {
  'New Year’s Day': 'newYearsDay',
  'Good Friday': 'goodFriday',
  'Easter Monday': 'easterMonday',
  'Early May bank holiday': 'earlyMay',
  'Spring bank holiday': 'spring',
  'Summer bank holiday': 'summer',
  'Christmas Day': 'christmasDay',
  'Boxing Day': 'boxingDay',
};
export const USUAL_NAME_KEYS = Object.values(USUAL_NAMES);

/** The i18n key (under calendar.bankHolidayNames) for a usual bank holiday's name, if it is one. */
export function usualNameKey(title: string): string | undefined {
  return USUAL_NAMES[title.replace(/'/g, '’')];
}
