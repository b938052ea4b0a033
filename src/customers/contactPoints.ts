// How emails, UK phone numbers and postcodes are checked and stored, so that however a caller
// or a form writes one, it is stored, and found, the same way.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import * as postcodes from 'postcode';
import { EMAIL_PATTERN } from '../platform/forms.ts';

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_PATTERN.test(value);
}

export interface Phone {
  /** E.164, e.g. +441691123456: how it is stored and matched. */
  number: string;
  kind: 'mobile' | 'landline' | 'other';
  /** As a person in the UK writes it, e.g. 01691 123456. */
  national: string;
}

/** A phone number written any way ("01691 123456", "+44 1691 123456", "(01691) 123456"), or undefined if it is not one. */
export function parsePhone(value: string): Phone | undefined {
  const parsed = parsePhoneNumberFromString(value.trim(), 'GB');
  if (!parsed?.isValid()) return undefined;
  const type = parsed.getType();
  const kind = type === 'MOBILE' ? 'mobile' : type === 'FIXED_LINE' || type === 'FIXED_LINE_OR_MOBILE' ? 'landline' : 'other';
  return {
    number: parsed.number,
    kind,
    national: parsed.countryCallingCode === '44' ? parsed.formatNational() : parsed.formatInternational(),
  };
}

/** An E.164 number as it is shown to UK staff. */
export function formatPhone(number: string): string {
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed) return number;
  return parsed.countryCallingCode === '44' ? parsed.formatNational() : parsed.formatInternational();
}

/** A full UK postcode in its normal form ("sy112ab" -> "SY11 2AB"), or undefined if it is not one. */
export function normalisePostcode(value: string): string | undefined {
  const trimmed = value.trim();
  return postcodes.isValid(trimmed) ? (postcodes.toNormalised(trimmed) ?? undefined) : undefined;
}

/** An outward code on its own ("SY11"), normalised, or undefined. */
export function normaliseOutcode(value: string): string | undefined {
  const trimmed = value.trim().toUpperCase();
  return postcodes.validOutcode(trimmed) ? trimmed : undefined;
}

/** The key postcodes are matched on in the database: upper case, no spaces (see postcode_key()). */
export function postcodeKey(value: string): string {
  return value.replace(/\s/g, '').toUpperCase();
}
