// `onedoor import customers FILE.csv`: people, each with an email, a phone and an address where
// known. Columns (CONTRACT.md): given_name,family_name,email,phone,address_line1,town,postcode,
// uprn,date_of_birth,preferred_language; only the two names are required. A UPRN must be one of
// the council's properties; given alone, the address is the property's.
import { isEmail, parsePhone } from '../../customers/contactPoints.ts';
import { insertCustomerRecords, type NewCustomerRecord } from '../../customers/importRepo.ts';
import type { Db } from '../../db/database.ts';
import { todayInLondon } from '../../platform/forms.ts';
import { propertiesByUprn } from '../../gazetteer/service.ts';
import { importCsv, type ImportDefinition, type ImportOptions, type ImportResult, type RowCheck } from './csv.ts';
import { checkLength, checkPostcode, checkUprn, quoted } from './values.ts';

export const CUSTOMER_COLUMNS = [
  'given_name',
  'family_name',
  'email',
  'phone',
  'address_line1',
  'town',
  'postcode',
  'uprn',
  'date_of_birth',
  'preferred_language',
] as const;
const REQUIRED = ['given_name', 'family_name'] as const;

const EARLIEST_BIRTH = '1880-01-01';

/** A row checked on its own: the record, and its UPRN still to be found in the gazetteer. */
export interface ImportedCustomer {
  record: NewCustomerRecord;
  uprn?: number;
}

export function checkCustomerRow(values: Record<string, string>, today = todayInLondon()): RowCheck<ImportedCustomer> {
  const problems: string[] = [];
  const v = (column: (typeof CUSTOMER_COLUMNS)[number]) => values[column] ?? '';

  const givenName = v('given_name');
  if (givenName === '') problems.push('given name is missing');
  checkLength(problems, 'given name', givenName, 100);
  const familyName = v('family_name');
  if (familyName === '') problems.push('family name is missing');
  checkLength(problems, 'family name', familyName, 100);

  const email = v('email');
  if (email !== '' && !isEmail(email)) problems.push(`email ${quoted(email)} is not an email address`);

  const phoneText = v('phone');
  const phone = phoneText === '' ? undefined : parsePhone(phoneText);
  if (phoneText !== '' && !phone) problems.push(`phone ${quoted(phoneText)} is not a UK phone number`);

  const uprn = v('uprn') === '' ? undefined : checkUprn(problems, v('uprn'));
  const line1 = v('address_line1');
  checkLength(problems, 'address line 1', line1, 200);
  const town = v('town');
  checkLength(problems, 'town', town, 100);
  const postcode = v('postcode') === '' ? undefined : checkPostcode(problems, v('postcode'));
  const given = { 'address line 1': line1 !== '', town: town !== '', postcode: v('postcode') !== '' };
  const absent = Object.entries(given)
    .filter(([, present]) => !present)
    .map(([label]) => label);
  if (absent.length > 0 && absent.length < 3) {
    problems.push(`the address has no ${absent.join(' or ')}: an address needs address line 1, town and postcode`);
  }

  const dateOfBirth = v('date_of_birth') === '' ? undefined : checkDateOfBirth(problems, v('date_of_birth'), today);

  const language = v('preferred_language').toLowerCase();
  if (language !== '' && !/^[a-z]{2,3}$/.test(language)) {
    problems.push(`preferred language ${quoted(v('preferred_language'))} is not a language code like en or cy`);
  }

  if (problems.length > 0) return { problems };
  return {
    value: {
      uprn,
      record: {
        kind: 'person',
        givenName,
        familyName,
        dateOfBirth,
        preferredLanguage: language || 'en',
        emails: email ? [email] : [],
        phones: phone ? [{ number: phone.number, kind: phone.kind }] : [],
        // With a UPRN alone, prepare() gives the property's address.
        address: absent.length === 0 ? { uprn, line1, town, postcode: postcode! } : undefined,
      },
    },
  };
}

/** A date of birth written 1990-01-31 or 31/01/1990: a real day, not in the future, not before 1880. */
function checkDateOfBirth(problems: string[], value: string, today: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const british = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const parts = iso ? [iso[1]!, iso[2]!, iso[3]!] : british ? [british[3]!, british[2]!, british[1]!] : undefined;
  if (!parts) {
    problems.push(`date of birth ${quoted(value)} is not a date like 1990-01-31 or 31/01/1990`);
    return undefined;
  }
  const [year, month, day] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    problems.push(`date of birth ${quoted(value)} is not a real date`);
    return undefined;
  }
  const text = date.toISOString().slice(0, 10);
  if (text > today) {
    problems.push(`date of birth ${quoted(value)} is in the future`);
    return undefined;
  }
  if (text < EARLIEST_BIRTH) {
    problems.push(`date of birth ${quoted(value)} is before 1880`);
    return undefined;
  }
  return text;
}

/** Today's date in the UK, YYYY-MM-DD. */

export const customersImport: ImportDefinition<ImportedCustomer> = {
  action: 'import.customers',
  columns: CUSTOMER_COLUMNS,
  required: REQUIRED,
  check: (values) => checkCustomerRow(values),
  async prepare(db, councilId, rows) {
    const uprns = rows.flatMap((row) => (row.uprn === undefined ? [] : [row.uprn]));
    const properties = await propertiesByUprn(db, councilId, uprns);
    return rows.map((row) => {
      if (row.uprn === undefined) return { value: row };
      const property = properties.get(row.uprn);
      if (!property) return { problems: [`UPRN ${row.uprn} is not in the council's gazetteer`] };
      if (row.record.address) return { value: row };
      const { uprn, line1, line2, town, postcode } = property;
      return {
        value: { ...row, record: { ...row.record, address: { uprn, line1, line2: line2 ?? undefined, town, postcode } } },
      };
    });
  },
  async write(trx, councilId, rows) {
    await insertCustomerRecords(
      trx,
      councilId,
      rows.map((row) => row.record),
    );
  },
};

export async function importCustomers(db: Db, options: ImportOptions): Promise<ImportResult> {
  return await importCsv(db, customersImport, options);
}
