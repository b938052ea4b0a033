// The demo council's gazetteer: about 20,000 made-up addresses on real SY postcodes (from the
// ONS postcode list in the shared reference data, which is read where it lies and never copied
// into the repository), with plausible streets, house numbers and names, towns, wards and
// positions a few metres from their postcode's. On a machine without the reference data, a few
// hundred addresses on a handful of well-known postcodes written below. The same seed always
// gives the same addresses, so seeding again changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { NewProperty } from '../gazetteer/repo.ts';
import { normalisePostcode } from '../customers/contactPoints.ts';
import { PROJECT_ROOT } from '../platform/assets.ts';
import { between, pick, seededRandom, type Random } from './people.ts';

export const POSTCODES_FILE = 'postcodes_SY.csv';

/** Synthetic UPRNs start here: far above the ranges real councils have been given. */
export const DEMO_UPRN_BASE = 990_000_000_000;

/** True when the reference postcode list is where referenceDataDir() says (else the demo falls back). */
export function hasReferencePostcodes(): boolean {
  return fs.existsSync(path.join(referenceDataDir(), POSTCODES_FILE));
}

/** Where the shared reference data is: ONEDOOR_REFERENCE_DATA, or ../shared/data beside the project. */
export function referenceDataDir(): string {
  return process.env.ONEDOOR_REFERENCE_DATA || path.resolve(PROJECT_ROOT, '../shared/data');
}

export interface DemoGazetteer {
  properties: NewProperty[];
  /** Where the postcodes came from: the reference list, or the small set written here. */
  source: 'reference' | 'fallback';
}

export interface ReferencePostcode {
  postcode: string;
  latitude: number;
  longitude: number;
}

// The post towns of the SY postcode districts.
const POST_TOWNS: Readonly<Record<string, string>> = {
  SY1: 'Shrewsbury',
  SY2: 'Shrewsbury',
  SY3: 'Shrewsbury',
  SY4: 'Shrewsbury',
  SY5: 'Shrewsbury',
  SY6: 'Church Stretton',
  SY7: 'Craven Arms',
  SY8: 'Ludlow',
  SY9: 'Bishops Castle',
  SY10: 'Oswestry',
  SY11: 'Oswestry',
  SY12: 'Ellesmere',
  SY13: 'Whitchurch',
  SY14: 'Malpas',
  SY15: 'Montgomery',
  SY16: 'Newtown',
  SY17: 'Caersws',
  SY18: 'Llanidloes',
  SY19: 'Llanbrynmair',
  SY20: 'Machynlleth',
  SY21: 'Welshpool',
  SY22: 'Llanfyllin',
  SY23: 'Aberystwyth',
  SY24: 'Borth',
  SY25: 'Tregaron',
};

/** The SY postcode districts, SY1 to SY25. */
export const POSTCODE_DISTRICTS: readonly string[] = Object.keys(POST_TOWNS);

/** The post town of a postcode ("SY11 2AB" is Oswestry), or undefined outside the SY districts. */
export function postTownOf(postcode: string): string | undefined {
  return POST_TOWNS[districtOf(postcode)];
}

/** How many times more addresses a district gets than its share: the council sits around Oswestry. */
const DISTRICT_WEIGHT: Record<string, number> = { SY10: 4, SY11: 4, SY12: 4, SY4: 1.5, SY13: 1.5, SY21: 1.5, SY22: 1.5 };

// Wards by district; a postcode sector (SY11 2) falls in one of its district's wards.
const WARDS: Record<string, string[]> = {
  SY10: ['Gobowen, Selattyn and Weston Rhyn', 'Llanymynech', 'Whittington', 'Oswestry West'],
  SY11: ['Oswestry East', 'Oswestry South', 'Oswestry West', 'St Martin’s'],
  SY12: ['Ellesmere Urban', 'The Meres', 'Ellesmere Urban'],
  SY13: ['Whitchurch North', 'Whitchurch South', 'Prees'],
  SY4: ['Wem', 'Ruyton and Baschurch', 'Hodnet'],
  SY1: ['Castlefields and Ditherington', 'Quarry and Coton Hill'],
  SY2: ['Abbey', 'Column and Sutton'],
  SY3: ['Porthill', 'Meole', 'Bayston Hill'],
  SY5: ['Rea Valley', 'Loton'],
  SY21: ['Welshpool Castle', 'Welshpool Llanerchyddol', 'Guilsfield'],
  SY22: ['Llanfyllin', 'Llansantffraid'],
};

const STREET_NAMES = [
  'Church',
  'Castle',
  'Mill',
  'Station',
  'Chapel',
  'Park',
  'Victoria',
  'Willow',
  'Oak',
  'Beech',
  'Albert',
  'King',
  'Queen',
  'Bridge',
  'Orchard',
  'Meadow',
  'School',
  'Brook',
  'Ash',
  'Elm',
  'Salop',
  'Leg',
  'Beatrice',
  'Bailey',
  'English',
  'Welsh',
  'Hawthorn',
  'Broad',
  'Cross',
  'Oswald',
  'Offa',
  'Morda',
  'Croeswylan',
  'Maesbury',
  'Gatacre',
  'Middleton',
  'Wat’s Dyke',
  'Llwyn',
  'Trefonen',
  'Severn',
  'Vyrnwy',
  'Tanat',
  'Perry',
  'Roden',
  'Wrekin',
  'Berwyn',
  'Mere',
  'Dyke',
  'Sandford',
] as const;
const STREET_KINDS = [
  'Street',
  'Road',
  'Lane',
  'Close',
  'Avenue',
  'Drive',
  'Way',
  'Crescent',
  'Gardens',
  'View',
  'Court',
  'Place',
];
const WELSH_STREETS = [
  'Ffordd Glyndŵr',
  'Heol y Capel',
  'Maes y Dre',
  'Ffordd yr Orsaf',
  'Stryd Fawr',
  'Bryn Awel',
  'Maes Hyfryd',
  'Heol Offa',
  'Lôn Las',
  'Ffordd Berwyn',
  'Cae Glas',
  'Tan y Bryn',
  'Pen y Bont',
  'Maes Glas',
  'Heol y Llan',
] as const;
const HOUSE_NAMES = [
  'Rose Cottage',
  'The Old Rectory',
  'Ivy House',
  'The Laurels',
  'Orchard House',
  'Brook Cottage',
  'The Croft',
  'Yew Tree Farm',
  'Holly Bank',
  'The Old School House',
  'Glan Llyn',
  'Tŷ Gwyn',
  'Bryn Eithin',
  'Hafod',
  'Pen y Bryn',
  'Lower House Farm',
  'Upper Farm',
  'The Barn',
  'Mill House',
  'Fron Deg',
  'Meadow View',
  'The Coach House',
  'Church View',
  'Ty Newydd',
  'The Paddocks',
  'Well Cottage',
  'Ash Grove',
  'Hillside',
] as const;
const HAMLETS = [
  'Maesbury Marsh',
  'Trefonen',
  'Nantmawr',
  'Pant',
  'Knockin',
  'Kinnerley',
  'Dudleston Heath',
  'Welsh Frankton',
  'Lyneal',
  'Tetchill',
  'Rhydycroesau',
  'Llanyblodwel',
  'Hengoed',
  'Weston Lullingfields',
  'Cockshutt',
  'Brynhafod',
] as const;
const BLOCK_NAMES = ['Castle Court', 'Bailey Mews', 'Offa House', 'Severn Heights', 'Llys Hafren', 'Mill Court'] as const;

/** Postcodes to fall back on when the reference list is not there. */
const FALLBACK_POSTCODES: ReferencePostcode[] = [
  { postcode: 'SY11 1AB', latitude: 52.85959, longitude: -3.05589 },
  { postcode: 'SY11 2AB', latitude: 52.85649, longitude: -3.05737 },
  { postcode: 'SY11 1PZ', latitude: 52.86067, longitude: -3.05427 },
  { postcode: 'SY11 3AA', latitude: 52.92245, longitude: -3.00988 },
  { postcode: 'SY10 7AA', latitude: 52.86993, longitude: -3.05072 },
  { postcode: 'SY10 9AA', latitude: 52.84869, longitude: -3.07093 },
  { postcode: 'SY12 0AA', latitude: 52.90691, longitude: -2.8962 },
  { postcode: 'SY12 9AE', latitude: 52.88522, longitude: -2.88648 },
  { postcode: 'SY1 1AA', latitude: 52.71315, longitude: -2.74911 },
  { postcode: 'SY3 8AA', latitude: 52.7038, longitude: -2.7785 },
  { postcode: 'SY4 5AA', latitude: 52.85578, longitude: -2.72318 },
  { postcode: 'SY21 7AA', latitude: 52.65877, longitude: -3.14722 },
];

/**
 * Builds the demo gazetteer: about `size` addresses (20,000 unless said) from the reference
 * postcodes, or about 300 on the fallback postcodes when the reference file cannot be read.
 */
export function buildDemoGazetteer(options: { dataDir?: string; size?: number; seed?: number } = {}): DemoGazetteer {
  const random = seededRandom(options.seed ?? 20_250_601);
  // The council's own districts: those it has wards in.
  const reference = (readReferencePostcodes(options.dataDir) ?? []).filter((postcode) => districtOf(postcode.postcode) in WARDS);
  const fromReference = reference.length > 0;
  const postcodes = fromReference ? choosePostcodes(random, reference, options.size ?? 20_000) : FALLBACK_POSTCODES;
  const target = fromReference ? (options.size ?? 20_000) : 300;
  const perPostcode = Math.max(1, Math.round(target / postcodes.length));

  const properties: NewProperty[] = [];
  for (const postcode of postcodes) {
    const count = Math.max(1, Math.round(perPostcode * (0.3 + 1.4 * random())));
    properties.push(...addressesOn(random, postcode, count, DEMO_UPRN_BASE + properties.length + 1));
    if (properties.length >= target) break;
  }
  return { properties: properties.slice(0, target), source: fromReference ? 'reference' : 'fallback' };
}

/**
 * The SY postcodes in the reference list (in `dataDir`, or where referenceDataDir says), with their
 * positions; undefined when the file cannot be read.
 */
export function readReferencePostcodes(dataDir = referenceDataDir()): ReferencePostcode[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, POSTCODES_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const postcodes: ReferencePostcode[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const [raw, lat, long] = line.split(',');
    if (!raw || !lat || !long) continue; // a postcode without a position (retired, or a PO box)
    const postcode = normalisePostcode(raw);
    if (!postcode || postTownOf(postcode) === undefined) continue;
    postcodes.push({ postcode, latitude: Number(lat), longitude: Number(long) });
  }
  return postcodes.length > 0 ? postcodes : undefined;
}

/** A deterministic sample of postcodes, more of them around Oswestry, about 14 addresses each. */
function choosePostcodes(random: Random, postcodes: ReferencePostcode[], size: number): ReferencePostcode[] {
  const wanted = Math.ceil(size / 14);
  const totalWeight = postcodes.reduce((sum, postcode) => sum + (DISTRICT_WEIGHT[districtOf(postcode.postcode)] ?? 1), 0);
  const chosen = postcodes.filter(
    (postcode) => random() < ((DISTRICT_WEIGHT[districtOf(postcode.postcode)] ?? 1) * wanted * 1.1) / totalWeight,
  );
  return chosen;
}

function addressesOn(random: Random, postcode: ReferencePostcode, count: number, firstUprn: number): NewProperty[] {
  const district = districtOf(postcode.postcode);
  const town = postTownOf(postcode.postcode) ?? 'Oswestry';
  const wards = WARDS[district] ?? ['Oswestry East'];
  const sector = postcode.postcode.slice(0, -2);
  const ward = wards[hash(sector) % wards.length]!;
  const style = random();
  const street = random() < 0.12 ? pick(random, WELSH_STREETS) : `${pick(random, STREET_NAMES)} ${pick(random, STREET_KINDS)}`;
  const properties: NewProperty[] = [];
  const near = () => ({
    // Within about 10 metres of the postcode's position.
    latitude: round(postcode.latitude + (random() - 0.5) * 0.00018),
    longitude: round(postcode.longitude + (random() - 0.5) * 0.0003),
  });
  const add = (line1: string, line2: string | null) =>
    properties.push({ uprn: firstUprn + properties.length, line1, line2, town, postcode: postcode.postcode, ward, ...near() });

  if (style < 0.2) {
    // A rural postcode: named houses along a lane or in a hamlet.
    const place = random() < 0.5 && ['SY10', 'SY11', 'SY12'].includes(district) ? pick(random, HAMLETS) : street;
    const names = new Set<string>();
    while (names.size < Math.min(count, HOUSE_NAMES.length)) names.add(pick(random, HOUSE_NAMES));
    for (const name of names) add(name, place);
  } else if (style < 0.27) {
    // A block of flats.
    const block = pick(random, BLOCK_NAMES);
    const number = between(random, 1, 60);
    for (let flat = 1; flat <= count; flat++) add(`Flat ${flat}, ${block}`, `${number} ${street}`);
  } else {
    // A street: one side (odd or even numbers) or both, and now and then a 12A.
    const step = random() < 0.6 ? 2 : 1;
    let number = step === 2 ? between(random, 1, 2) + 2 * between(random, 0, 30) : between(random, 1, 60);
    for (let i = 0; i < count; i++) {
      add(`${number}${random() < 0.03 ? 'A' : ''} ${street}`, null);
      number += step;
    }
  }
  return properties;
}

function districtOf(postcode: string): string {
  return postcode.split(' ')[0]!;
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  return value;
}

function round(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}
