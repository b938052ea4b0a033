// Where a posted request says it is, and where its case is raised. A client may send a point
// (lat and long), a property (address_id, or FixMyStreet's hidden attribute[uprn]) and an
// address in words (address_string); at least one of them. The case is at the property when the
// gazetteer has it on the map, otherwise at the point; the words alone place it nowhere (they are
// kept beside the case and given back as its address).
import type { Point } from '../../platform/geography.ts';
import { UPRN_ATTRIBUTE } from './attributes.ts';
import { bad, numberOf, textOf, type Fields } from './fields.ts';

const MAX_ADDRESS_LENGTH = 1000;

export interface PostedPlace {
  point?: Point;
  uprn?: number;
  addressString?: string;
}

/** Where a case is raised, as the cases capability takes it. */
export type CaseLocation = { uprn: number } | Point;

function uprnOf(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,12}$/.test(text) || Number(text) < 1) throw bad(`${name} must be a UPRN (up to 12 digits)`);
  return Number(text);
}

/** The place a request names, each part checked; refused when it names none. */
export function postedPlace(fields: Fields, attributes: Record<string, string>): PostedPlace {
  const lat = numberOf(fields, 'lat', -90, 90);
  const long = numberOf(fields, 'long', -180, 180);
  if ((lat === undefined) !== (long === undefined)) throw bad('lat and long must be given together');
  const uprn =
    uprnOf(textOf(fields, 'address_id'), 'address_id') ??
    uprnOf(attributes[UPRN_ATTRIBUTE]?.trim() || undefined, 'attribute[uprn]');
  const addressString = textOf(fields, 'address_string');
  if (addressString && addressString.length > MAX_ADDRESS_LENGTH)
    throw bad(`address_string must be at most ${MAX_ADDRESS_LENGTH} characters`);
  if (lat === undefined && uprn === undefined && addressString === undefined)
    throw bad('A location is required: lat and long, address_string or address_id');
  return {
    ...(lat !== undefined && long !== undefined ? { point: { lat, long } } : {}),
    ...(uprn !== undefined ? { uprn } : {}),
    ...(addressString !== undefined ? { addressString } : {}),
  };
}

/**
 * Where the case is: the property the resident chose when the gazetteer has it on the map
 * (`propertyOnMap`), otherwise the point. A property the gazetteer cannot place, with no point
 * to fall back on, is refused; an address in words alone places the case nowhere (undefined).
 */
export function caseLocationOf(place: PostedPlace, propertyOnMap: boolean): CaseLocation | undefined {
  if (place.uprn !== undefined && propertyOnMap) return { uprn: place.uprn };
  if (place.point) return place.point;
  if (place.uprn !== undefined) throw bad(`address_id ${place.uprn} is not a property in the council’s gazetteer`);
  return undefined;
}
