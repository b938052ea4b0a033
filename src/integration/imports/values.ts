// Checks of single values shared by the imports, each saying what is wrong in a data officer's words.
import { normalisePostcode } from '../../customers/contactPoints.ts';

/** A value as quoted in a reason: shortened, so a runaway cell does not flood the report. */
export function quoted(value: string): string {
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

/** Adds a problem when a value is longer than the database keeps. */
export function checkLength(problems: string[], label: string, value: string, max: number): void {
  if (value.length > max) problems.push(`${label} is longer than ${max} characters`);
}

export function checkPostcode(problems: string[], value: string): string | undefined {
  const postcode = normalisePostcode(value);
  if (!postcode) problems.push(`postcode ${quoted(value)} is not a UK postcode`);
  return postcode;
}

/** A UPRN: a whole number of 1 to 12 digits, not zero. */
export function checkUprn(problems: string[], value: string): number | undefined {
  if (!/^\d{1,12}$/.test(value) || Number(value) === 0) {
    problems.push(`UPRN ${quoted(value)} is not a number of 1 to 12 digits`);
    return undefined;
  }
  return Number(value);
}
