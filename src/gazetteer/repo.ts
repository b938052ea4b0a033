// SQL for the gazetteer: the council's properties, each with its UPRN.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { postcodeKey } from '../customers/contactPoints.ts';
import { boundingBox, longitudeScale } from '../platform/geography.ts';

export interface PropertyRecord {
  uprn: number;
  councilId: string;
  line1: string;
  line2: string | null;
  town: string;
  postcode: string;
  latitude: number | null;
  longitude: number | null;
  ward: string | null;
}

export interface NewProperty {
  uprn: number;
  line1: string;
  line2?: string | null;
  town: string;
  /** In its normal form ("SY11 2AB"). */
  postcode: string;
  latitude?: number | null;
  longitude?: number | null;
  ward?: string | null;
}

/** Every council, for OneDoor itself (the CLI, jobs); people always see their own council's. */
export type CouncilScope = string | 'all';

const columns = [
  'uprn',
  'council_id as councilId',
  'address_line1 as line1',
  'address_line2 as line2',
  'town',
  'postcode',
  'latitude',
  'longitude',
  'ward',
] as const;

/**
 * Adds the properties, or updates those already known (by UPRN), in one statement. The rows
 * travel as one array per column (unnest), so 20,000 of them cost nine parameters, not 180,000.
 * A UPRN held by another council is left alone: the UPRNs returned are those written.
 */
export async function upsertProperties(db: Queryable, councilId: string, properties: NewProperty[]): Promise<number[]> {
  if (properties.length === 0) return [];
  const column = <T>(value: (property: NewProperty) => T) => properties.map(value);
  const result = await sql<{ uprn: number }>`
    insert into properties (uprn, council_id, address_line1, address_line2, town, postcode, latitude, longitude, ward)
    select p.uprn, ${councilId}::uuid, p.line1, p.line2, p.town, p.postcode, p.latitude, p.longitude, p.ward
    from unnest(
      ${column((p) => p.uprn)}::bigint[], ${column((p) => p.line1)}::text[], ${column((p) => p.line2 ?? null)}::text[],
      ${column((p) => p.town)}::text[], ${column((p) => p.postcode)}::text[],
      ${column((p) => p.latitude ?? null)}::double precision[], ${column((p) => p.longitude ?? null)}::double precision[],
      ${column((p) => p.ward ?? null)}::text[]
    ) as p (uprn, line1, line2, town, postcode, latitude, longitude, ward)
    on conflict (uprn) do update set
      address_line1 = excluded.address_line1, address_line2 = excluded.address_line2, town = excluded.town,
      postcode = excluded.postcode, latitude = excluded.latitude, longitude = excluded.longitude, ward = excluded.ward
      where properties.council_id = excluded.council_id
    returning uprn
  `.execute(db);
  return result.rows.map((row) => row.uprn);
}

/**
 * The properties at a postcode, however it is written, in the order a person reads a street:
 * by house (or flat) number, then by name. Uses properties_postcode_idx.
 */
export async function addressesAt(db: Queryable, council: CouncilScope, postcode: string): Promise<PropertyRecord[]> {
  let query = db
    .selectFrom('properties')
    .select(columns)
    .where(sql<string>`postcode_key(postcode)`, '=', postcodeKey(postcode));
  if (council !== 'all') query = query.where('council_id', '=', council);
  return await query
    .orderBy(sql`substring(address_line1 from '[0-9]{1,9}')::int nulls last`)
    .orderBy('address_line1')
    .orderBy(sql`address_line2 nulls first`)
    .orderBy('uprn')
    .execute();
}

export async function findProperty(db: Queryable, council: CouncilScope, uprn: number): Promise<PropertyRecord | undefined> {
  let query = db.selectFrom('properties').select(columns).where('uprn', '=', uprn);
  if (council !== 'all') query = query.where('council_id', '=', council);
  return await query.executeTakeFirst();
}

/** Which of these UPRNs the council's gazetteer holds, with their addresses. */
export async function findProperties(db: Queryable, councilId: string, uprns: number[]): Promise<PropertyRecord[]> {
  if (uprns.length === 0) return [];
  return await db
    .selectFrom('properties')
    .select(columns)
    .where('council_id', '=', councilId)
    .where('uprn', '=', sql<number>`any(${uprns}::bigint[])`)
    .execute();
}

export async function countProperties(db: Queryable, councilId: string): Promise<number> {
  const row = await db
    .selectFrom('properties')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('council_id', '=', councilId)
    .executeTakeFirstOrThrow();
  return row.count;
}

/**
 * The council's property nearest a point within `metres` (through properties_position_idx), to
 * say which ward a reported location is in.
 */
export async function nearestProperty(
  db: Queryable,
  councilId: string,
  point: { lat: number; long: number },
  metres: number,
): Promise<PropertyRecord | undefined> {
  const box = boundingBox(point, metres);
  const row = await db
    .selectFrom('properties')
    .select(columns)
    .where('council_id', '=', councilId)
    .where('latitude', '>=', box.minLat)
    .where('latitude', '<=', box.maxLat)
    .where('longitude', '>=', box.minLong)
    .where('longitude', '<=', box.maxLong)
    // Near enough to plane geometry at this scale, with longitude shrunk by the latitude.
    .orderBy(sql`power(latitude - ${point.lat}, 2) + power((longitude - ${point.long}) * ${longitudeScale(point.lat)}, 2)`)
    .limit(1)
    .executeTakeFirst();
  return row ?? undefined;
}

/** The middle of the council's properties (where its map opens); undefined when it has none with coordinates. */
export async function centreOfProperties(db: Queryable, councilId: string): Promise<{ lat: number; long: number } | undefined> {
  const row = await db
    .selectFrom('properties')
    .select([sql<number | null>`avg(latitude)::float8`.as('lat'), sql<number | null>`avg(longitude)::float8`.as('long')])
    .where('council_id', '=', councilId)
    .where('latitude', 'is not', null)
    .executeTakeFirst();
  return row?.lat != null && row.long != null ? { lat: row.lat, long: row.long } : undefined;
}
