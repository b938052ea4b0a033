// Synthetic but realistic customers of a council on the Shropshire–Wales border, for the
// customers benchmark. Customer i is a pure function of (seed, i), so the benchmark can load a
// million of them and later re-create any one to build a query that should find it.
//
// Names follow a Zipf-like frequency (many Joneses, Davieses, Smiths and Williamses, a long tail),
// with Welsh given and family names; postcodes are real SY postcodes; phone numbers are valid UK
// numbers from ranges libphonenumber accepts (not Ofcom's drama range 07700 900xxx, which it rejects).
import { POSTCODE_DISTRICTS, postTownOf, readReferencePostcodes } from '../src/demo/gazetteer.ts';
import { pick, seededRandom as prng } from '../src/demo/people.ts';

export { pick, prng };

/** A weighted draw: the index of the item a uniform number falls on (never one of weight 0). */
export function weighted(weights: readonly number[]): (random: () => number) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) cumulative.push((total += weight));
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! <= target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** Draws from `items` with weight 1/rank^exponent, the shape of real name frequencies. */
function zipf<T>(items: readonly T[], exponent: number): (random: () => number) => T {
  const draw = weighted(items.map((_, rank) => 1 / (rank + 1) ** exponent));
  return (random) => items[draw(random)]!;
}

/**
 * A version 4 style UUID unique to (stream, row): its first 32 bits are the row number through a
 * bijection (xor-shifts and odd multipliers), the next 16 the stream, the rest random. A seeded
 * generator's 32-bit state alone would repeat itself among millions of rows.
 */
export function uuid(stream: number, row: number, random: () => number): string {
  let x = (row ^ 0x5bd1e995) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  const bits = (count: number) => Math.floor(random() * 2 ** count);
  return `${hex(x, 8)}-${hex(stream & 0xffff, 4)}-4${hex(bits(12), 3)}-${hex(8 + bits(2), 1)}${hex(bits(12), 3)}-${hex(bits(24), 6)}${hex(bits(24), 6)}`;
}

/** The uuid() stream of customer ids; the data generator's records use streams 1 and up. */
const CUSTOMER_STREAM = 0;

// The commonest family names of the English–Welsh border, roughly in order of frequency.
const COMMON_FAMILY_NAMES = `Jones Davies Williams Smith Evans Roberts Thomas Hughes Edwards Morris Lewis Griffiths
  Price Morgan Taylor Brown Owen Wilson Wright Johnson Jenkins Lloyd Pritchard Parry Powell Rees Phillips James Bowen
  Hall Green Wood Walker Harris Clarke Turner Watkins Cooper Baker Ward Moore Richards Harrison Bennett Allen Jackson
  White Martin Thompson Robinson Clark Lee Young King Hill Mason Bailey Mills Jarvis Ellis Pugh Vaughan Howells
  Probert Bevan Gwynne Llewellyn Meredith Prosser Beddoes Corfield Onions Preece Gittins Hamer Breeze Ashley Tudor
  Humphreys Cadwaladr Nicholls Foulkes Arthur Mcdonald Murphy Kelly Patel Khan Singh Kowalski Nowak Adeyemi Okafor
  Cook Carter Shaw Chapman Bradley Dawson Marshall Stevens Parker Collins Barker Holmes Fisher Saunders Palmer
  Gibson Webb Knight Butler Simpson Matthews Dixon Stephens Mitchell Ellis Hunt Lawrence Ball Fox Rogers Russell
  Reynolds Gray Wells Hayes Woods Cole Pearce Day Spencer Lane Burton Hudson Barnes Webster Austin Holland Kent
  Sharp Hope Lamb Rowlands Bebb Maddox Gough Trevor Kynaston Bromley Sandland Tomkins Whittingham Cartwright`
  .split(/\s+/)
  .filter((name, index, all) => name && all.indexOf(name) === index);

const SURNAME_STARTS = `Ash Brad Brom Carl Chad Craw Dal Dray Eld Fair Farn Gar Hal Hart Hay Hol Kent Lang Lock Mar Mill
  Nor Oak Pen Pres Rad Ram Ros Sal Shel Stan Thorn Tre Wal War Wes Whit Win Wor Ack Bal Bel Bird Black Brook Bur Cal
  Cran Dun Ed Elm Fen Ford Glen Good Green Hard Hen Kil Lin Marsh Mor New Park Pit Rid Rock Rush Sand Sher Stock Swin`
  .split(/\s+/)
  .filter(Boolean);
const SURNAME_ENDS = `ley ton well worth field ford wood by ham more stone ridge croft hurst land wick combe dale gate bury
  shaw cott den low ridge row stead thorpe brook son man er ington ings lake leigh hall wright smith hill cliffe bourne`
  .split(/\s+/)
  .filter((end, index, all) => end && all.indexOf(end) === index);

function familyNames(): string[] {
  const tail: string[] = [];
  for (const start of SURNAME_STARTS) for (const end of SURNAME_ENDS) tail.push(start + end);
  const random = prng(7);
  // A fixed shuffle, so that the long tail is not alphabetical in frequency.
  for (let i = tail.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tail[i], tail[j]] = [tail[j]!, tail[i]!];
  }
  const common = new Set(COMMON_FAMILY_NAMES);
  return [...COMMON_FAMILY_NAMES, ...tail.filter((name) => !common.has(name))];
}

const FEMALE_NAMES = `Sarah Emma Rebecca Catherine Elizabeth Rachel Claire Nicola Susan Margaret Helen Karen Julie Jane
  Mary Ann Carys Siân Ffion Cerys Megan Rhian Bethan Eleri Nia Lowri Seren Gwen Angharad Llinos Glenys Mair Elin
  Olivia Amelia Isla Ava Mia Sophie Grace Lily Freya Ella Chloe Hannah Lucy Jessica Ellie Ruby Alice Evie Poppy
  Jennifer Linda Patricia Barbara Dorothy Joan Joyce Pauline Christine Janet Gillian Diane Lisa Michelle Joanne
  Kelly Amy Laura Charlotte Victoria Natalie Zoe Hayley Gemma Kirsty Samantha Kathryn Heledd Non Branwen Gwenllian
  Priya Aisha Fatima Agnieszka Zofia Oluwaseun Chiamaka Mei Anna Maria`
  .split(/\s+/)
  .filter(Boolean);
const MALE_NAMES = `David John Michael Paul Andrew Mark Peter Richard Christopher Stephen James Robert Ian Gareth Rhys
  Dafydd Dylan Owain Huw Gwyn Emyr Aled Iwan Ieuan Gethin Tomos Osian Cai Iolo Rhodri Geraint Meirion Idris Alun
  Oliver George Harry Jack Charlie Thomas Oscar William Noah Leo Alfie Arthur Freddie Henry Theo Archie Joshua
  Daniel Matthew Adam Luke Ryan Jamie Craig Lee Darren Simon Neil Gary Kevin Brian Alan Keith Trevor Colin Roger
  Kenneth Graham Martin Anthony Philip Nicholas Jonathan Benjamin Samuel Joseph Edward Tom Jon Mohammed Ali Omar
  Tomasz Piotr Chinedu Arjun Wei`
  .split(/\s+/)
  .filter(Boolean);

const STREETS = `Church Street, High Street, Station Road, Mill Lane, Park Road, Victoria Road, Chapel Street,
  Castle Street, Willow Street, Oswald Road, Beatrice Street, Welsh Walls, Salop Road, Upper Brook Street, Gobowen Road,
  Shrewsbury Road, Llanforda Rise, Morda Road, Middleton Road, Oak Drive, Ash Grove, Elm Close, Meadow View, Orchard Way,
  The Crescent, Green Lane, School Lane, Bridge Street, King Street, Queen Street, New Street, Brook Street, Hill Crest,
  Heol y Dwr, Ffordd yr Eglwys, Maes y Llan, Stryd Fawr, Cae Glas, Bryn Awel, Pen y Bryn, Glan Hafren, Lon Derw,
  Abbey Foregate, Wyle Cop, Frankwell, Coleham Head, Longden Road, Belle Vue Road, Sutton Road, Copthorne Road,
  Mount Pleasant Road, Ellesmere Road, Whitchurch Road, Berwick Road, Pride Hill, Mardol, Claremont Bank,
  Broad Street, Severn Street, Corve Street, Mill Street, Bull Ring, Sandford Avenue, Shrewsbury Street`
  .split(',')
  .map((street) => street.trim())
  .filter(Boolean);

const EMAIL_DOMAINS = ['gmail.com', 'hotmail.co.uk', 'outlook.com', 'btinternet.com', 'yahoo.co.uk', 'icloud.com', 'sky.com'];
// Ranges libphonenumber accepts as valid in full (checked by the benchmark before it loads).
const MOBILE_PREFIXES = ['074', '075', '078'];
const AREA_CODES = ['01691', '01743', '01938', '01686', '01970', '01948', '01939', '01584', '01588', '01654', '01694'];
const ORGANISATION_KINDS = ['Bowling Club', 'Community Association', 'Food Bank', 'Tenants Association', 'Youth Club'];

/**
 * Real SY postcodes (ONS NSPL), read as the demo gazetteer reads them (ONEDOOR_REFERENCE_DATA, or
 * ../shared/data); a synthetic set of the same size and shape when the file is not there.
 */
export function loadPostcodes(): string[] {
  const reference = readReferencePostcodes();
  if (reference) return reference.map(({ postcode }) => postcode);
  // A stand-in of the same shape: SYn nAA, over all the SY districts.
  const random = prng(11);
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  return Array.from({ length: 17_000 }, () => {
    const district = pick(random, POSTCODE_DISTRICTS);
    return `${district} ${Math.floor(random() * 10)}${pick(random, [...letters])}${pick(random, [...letters])}`;
  });
}

export interface Phone {
  /** E.164, as stored. */
  number: string;
  kind: 'mobile' | 'landline';
  /** The national number as digits, e.g. 01691234567. */
  national: string;
}

export interface Person {
  id: string;
  kind: 'person' | 'organisation';
  title: string | null;
  givenName: string | null;
  familyName: string | null;
  organisationName: string | null;
  dateOfBirth: string | null;
  preferredLanguage: string;
  phones: Phone[];
  email: string | null;
  address: { line1: string; town: string; postcode: string };
  previousNames: { givenName: string; familyName: string }[];
}

export interface PeopleGenerator {
  person(index: number): Person;
  postcodes: string[];
}

export function createPeopleGenerator(seed: number, postcodes = loadPostcodes()): PeopleGenerator {
  const families = familyNames();
  const familyName = zipf(families, 0.85);
  const femaleName = zipf(FEMALE_NAMES, 0.9);
  const maleName = zipf(MALE_NAMES, 0.9);
  // Each postcode is one street, as most are: a house number on it makes the address.
  const streetOf = (postcode: string) => {
    let hash = 0;
    for (const character of postcode) hash = (Math.imul(hash, 31) + character.charCodeAt(0)) | 0;
    return STREETS[Math.abs(hash) % STREETS.length]!;
  };

  function phone(random: () => number, kind: 'mobile' | 'landline'): Phone {
    const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
    const national =
      kind === 'mobile'
        ? `${pick(random, MOBILE_PREFIXES)}${digits(8)}`
        : `${pick(random, AREA_CODES)}${2 + Math.floor(random() * 7)}${digits(5)}`;
    return { number: `+44${national.slice(1)}`, kind, national };
  }

  function person(index: number): Person {
    const random = prng(Math.imul(index + 1, 0x9e3779b1) ^ seed);
    const id = uuid(CUSTOMER_STREAM, index, random);
    const postcode = pick(random, postcodes);
    const address = {
      line1: `${1 + Math.floor(random() * 120)} ${streetOf(postcode)}`,
      town: postTownOf(postcode) ?? 'Shrewsbury',
      postcode,
    };
    if (random() < 0.005) {
      const name = `${address.town} ${pick(random, ORGANISATION_KINDS)}`;
      return {
        id,
        kind: 'organisation',
        title: null,
        givenName: null,
        familyName: null,
        organisationName: name,
        dateOfBirth: null,
        preferredLanguage: 'en',
        phones: [phone(random, 'landline')],
        email: random() < 0.7 ? `info@${name.toLowerCase().replace(/[^a-z]+/g, '')}${index % 1000}.org.uk` : null,
        address,
        previousNames: [],
      };
    }
    const female = random() < 0.51;
    const givenName = female ? femaleName(random) : maleName(random);
    const family = familyName(random);
    const age = 18 + Math.floor(random() * 78);
    const born = new Date(Date.UTC(2026 - age, Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
    const phones = [phone(random, random() < 0.75 ? 'mobile' : 'landline')];
    if (random() < 0.35) phones.push(phone(random, phones[0]!.kind === 'mobile' ? 'landline' : 'mobile'));
    const local = pick(random, [
      `${givenName}.${family}`,
      `${givenName}${family}`,
      `${givenName[0]}${family}`,
      `${givenName}_${family}`,
    ]);
    const email =
      random() < 0.7
        ? `${local
            .normalize('NFD')
            .replace(/[^A-Za-z._]/g, '')
            .toLowerCase()}${Math.floor(random() * 1000)}@${pick(random, EMAIL_DOMAINS)}`
        : null;
    // Some married women were known by another family name.
    const previousNames = female && age > 25 && random() < 0.15 ? [{ givenName, familyName: familyName(random) }] : [];
    return {
      id,
      kind: 'person',
      title: female ? pick(random, ['Mrs', 'Ms', 'Miss', null]) : pick(random, ['Mr', 'Mr', null]),
      givenName,
      familyName: family,
      organisationName: null,
      dateOfBirth: born.toISOString().slice(0, 10),
      preferredLanguage: random() < 0.06 ? 'cy' : 'en',
      phones,
      email,
      address,
      previousNames: previousNames.filter((name) => name.familyName !== family),
    };
  }

  return { person, postcodes };
}

/** The generator's range of phone numbers, for the benchmark to check against libphonenumber. */
export const PHONE_RANGES = { mobilePrefixes: MOBILE_PREFIXES, areaCodes: AREA_CODES };
