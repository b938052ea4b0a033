// A resident gives their full name as they write it; the customer record behind their account
// keeps a given and a family name (staff search and match on both). The last word is taken as
// the family name, the rest as the given names; the account keeps the name as typed.
export const NAME_MAX_LENGTH = 200;
const PART_MAX_LENGTH = 100;

export function customerNamesOf(fullName: string): { givenName: string; familyName: string } | undefined {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return undefined;
  const familyName = words[words.length - 1]!;
  const givenName = words.slice(0, -1).join(' ');
  if (givenName.length > PART_MAX_LENGTH || familyName.length > PART_MAX_LENGTH) return undefined;
  return { givenName, familyName };
}
