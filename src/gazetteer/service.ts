// The gazetteer: the addresses at a postcode (for the customer form's "find an address", with or
// without JavaScript) and a property by its UPRN. Imports and the demo write properties through
// saveProperties, inside the transaction of their batch.
import type { Db, Tx } from '../db/database.ts';
import { normalisePostcode } from '../customers/contactPoints.ts';
import type { Actor } from '../platform/actor.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { gazetteerPolicy } from './policy.ts';
import * as repo from './repo.ts';
import type { CouncilScope, NewProperty, PropertyRecord } from './repo.ts';

export type { NewProperty } from './repo.ts';

/** A property as the rest of OneDoor sees it. */
export interface Address {
  uprn: number;
  line1: string;
  line2: string | null;
  town: string;
  postcode: string;
  latitude: number | null;
  longitude: number | null;
  ward: string | null;
  /** The address on one line, as it is offered in a list: "12 Church Street, Oswestry, SY11 2AB". */
  label: string;
}

export interface AddressesAtPostcode {
  /** The postcode in its normal form. */
  postcode: string;
  /** Empty when the gazetteer has no property there (show gazetteer.noAddresses). */
  addresses: Address[];
}

/** How near a property of the council a point on the map must be to be in its area. */
export const POINT_IN_AREA_METRES = 1_000;

export function createGazetteerService(db: Db) {
  const centres = new Map<string, { centre: { lat: number; long: number } | undefined; until: number }>();

  /** The council whose gazetteer `actor` may read; OneDoor itself reads every council's. */
  function councilOf(actor: Actor): CouncilScope {
    if (actor.kind === 'system') return 'all';
    gazetteerPolicy.authorize(actor, 'lookUp', { councilId: actor.councilId });
    return actor.councilId;
  }

  async function addressesIn(council: CouncilScope, postcode: string): Promise<AddressesAtPostcode> {
    if (postcode.trim() === '') throw new Invalid([{ field: 'postcode', message: 'gazetteer.errors.postcodeMissing' }]);
    const normalised = normalisePostcode(postcode);
    if (!normalised) throw new Invalid([{ field: 'postcode', message: 'gazetteer.errors.postcodeFormat' }]);
    const properties = await repo.addressesAt(db, council, normalised);
    return { postcode: normalised, addresses: properties.map(presentAddress) };
  }

  return {
    /** Throws Invalid (field `postcode`) when the value is empty or is not a full UK postcode. */
    async addressesAt(actor: Actor, postcode: string): Promise<AddressesAtPostcode> {
      return await addressesIn(councilOf(actor), postcode);
    },

    /**
     * A point a resident placed on the map, if it is in the council's area (a property of the
     * council's within POINT_IN_AREA_METRES), with the nearest address to describe it by.
     */
    async publicPointIn(councilId: string, point: { lat: number; long: number }): Promise<{ near: string } | undefined> {
      if (!Number.isFinite(point.lat) || !Number.isFinite(point.long) || Math.abs(point.lat) > 90 || Math.abs(point.long) > 180)
        return undefined;
      const nearest = await repo.nearestProperty(db, councilId, point, POINT_IN_AREA_METRES);
      return nearest ? { near: presentAddress(nearest).label } : undefined;
    },

    /** Where the council's map opens: the middle of its properties, worked out once an hour. */
    async centreOf(councilId: string): Promise<{ lat: number; long: number } | undefined> {
      const known = centres.get(councilId);
      if (known && known.until > Date.now()) return known.centre;
      const centre = await repo.centreOfProperties(db, councilId);
      centres.set(councilId, { centre, until: Date.now() + 3_600_000 });
      return centre;
    },

    /** The same for anyone (the resident portal): a council's addresses are public. */
    async publicAddressesAt(councilId: string, postcode: string): Promise<AddressesAtPostcode> {
      return await addressesIn(councilId, postcode);
    },

    /** Throws NotFound when the UPRN is not one of the council's properties. */
    async property(actor: Actor, uprn: number | string): Promise<Address> {
      const council = councilOf(actor);
      const number = typeof uprn === 'number' ? uprn : /^\d{1,12}$/.test(uprn.trim()) ? Number(uprn.trim()) : NaN;
      const property = Number.isSafeInteger(number) ? await repo.findProperty(db, council, number) : undefined;
      if (!property) throw new NotFound('property');
      return presentAddress(property);
    },
  };
}

export type GazetteerService = ReturnType<typeof createGazetteerService>;

/**
 * Adds or updates the council's properties in the caller's transaction (an import batch, the
 * demo). Returns the UPRNs written: a UPRN that belongs to another council is not.
 */
export async function saveProperties(trx: Tx, councilId: string, properties: NewProperty[]): Promise<number[]> {
  return await repo.upsertProperties(trx, councilId, properties);
}

/** Where a case is: a UPRN's position and ward, or the ward of the property nearest a point (within 300 m). */
export async function placeOf(
  db: Db | Tx,
  councilId: string,
  location: { uprn: number } | { lat: number; long: number },
): Promise<{ uprn: number | null; lat: number; long: number; ward: string | null } | undefined> {
  if ('uprn' in location) {
    const property = await repo.findProperty(db, councilId, location.uprn);
    if (!property || property.latitude === null || property.longitude === null) return undefined;
    return { uprn: property.uprn, lat: property.latitude, long: property.longitude, ward: property.ward };
  }
  const nearest = await repo.nearestProperty(db, councilId, location, 300);
  return { uprn: null, lat: location.lat, long: location.long, ward: nearest?.ward ?? null };
}

/** Which of these UPRNs are the council's properties, by UPRN. */
export async function propertiesByUprn(trx: Db | Tx, councilId: string, uprns: number[]): Promise<Map<number, Address>> {
  const properties = await repo.findProperties(trx, councilId, [...new Set(uprns)]);
  return new Map(properties.map((property) => [property.uprn, presentAddress(property)]));
}

export function addressLabel(address: { line1: string; line2: string | null; town: string; postcode: string }): string {
  return [address.line1, address.line2, address.town, address.postcode].filter(Boolean).join(', ');
}

function presentAddress(property: PropertyRecord): Address {
  return {
    uprn: property.uprn,
    line1: property.line1,
    line2: property.line2,
    town: property.town,
    postcode: property.postcode,
    latitude: property.latitude,
    longitude: property.longitude,
    ward: property.ward,
    label: addressLabel(property),
  };
}
