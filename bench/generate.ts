// A council of a given size, for benchmarks and demonstrations: customers (bench/people.ts), years
// of contacts across every channel, cases with their timelines, and complaints with their stages,
// all loaded through COPY into an empty, migrated database.
//
//   npm run bench:generate -- --customers=100000 --years=3 --contacts=1000000 --cases=100000 --complaints=10000 [--seed=S]
//
// Every row is a pure function of the seed, its row number and the day the run is made for
// (`until`, today's midnight UTC by default), so two runs on one day load the same council.
// Secondary indexes and foreign keys are dropped before the load and put back from their own
// definitions after it (each key validated once, over the whole table); the name-word and roll-up
// triggers are off and their tables filled afterwards by the same SQL the migrations use
// (`--rollups=trigger` leaves the roll-up triggers on, to compare). bench/README.md has the figures.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import * as organisationsRepo from '../src/organisations/repo.ts';
import { foldRollups } from '../src/performance/repo.ts';
import { copyInto, copyLine, type CopyValue } from './copy.ts';
import { openDatabase } from './customers.ts';
import {
  addForeignKeys,
  CUSTOMER_TABLES,
  dropForeignKeys,
  dropSecondaryIndexes,
  fillNameWords,
  insertCouncil,
  pauseNameWords,
  rebuildIndexes,
  refuseLoadedDatabase,
  useBulkLoadSettings,
} from './loading.ts';
import { createPeopleGenerator, prng, uuid, weighted } from './people.ts';
import { machine, type BenchResult } from './results.ts';

export interface CouncilSize {
  customers: number;
  years: number;
  contacts: number;
  cases: number;
  complaints: number;
  seed: number;
}

export interface GenerateOptions extends CouncilSize {
  /** The end of the generated history (exclusive); today's midnight UTC by default. */
  until?: Date;
  /** 'rebuild' (default): roll-up triggers off, roll-ups built once afterwards; 'trigger': left on and folded. */
  rollups?: 'rebuild' | 'trigger';
  /** Also COPY the customer rows into a bare copy of the customers table, as the baseline. */
  baseline?: boolean;
  log?: (line: string) => void;
}

export interface Step {
  name: string;
  rows: number;
  seconds: number;
}

export interface GeneratedCouncil {
  councilId: string;
  steps: Step[];
  /** The whole load, from the first COPY to the end of VACUUM (ANALYZE). */
  seconds: number;
  /** Everything the customers took: five tables, their indexes and the name words. */
  customerSeconds: number;
  /** The customers table alone, and the same rows into an unindexed, trigger-free copy of it. */
  customersTableSeconds: number;
  baselineSeconds: number | null;
}

export const QUICK_SIZE: CouncilSize = { customers: 10_000, years: 2, contacts: 50_000, cases: 5_000, complaints: 500, seed: 1 };

const DAY = 86_400_000;
const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// The council: teams and the services residents ask for most, with their SLAs and weights (how
// often each is asked about, raised as a case, complained about).

interface ServiceSpec {
  code: string;
  name: string;
  team: string;
  lgsl: number;
  slaWorkingDays: number;
  /** Share of contacts, of cases, of complaints. */
  weights: [number, number, number];
  reason: string;
  descriptions: string[];
}

const TEAMS = [
  { code: 'street-scene', name: 'Street Scene' },
  { code: 'highways', name: 'Highways' },
  { code: 'environmental-health', name: 'Environmental Health' },
  { code: 'revenues-benefits', name: 'Revenues and Benefits' },
  { code: 'housing', name: 'Housing' },
  { code: 'planning', name: 'Planning' },
];

const SERVICES: ServiceSpec[] = [
  {
    code: 'missed-bin',
    name: 'Report a missed bin collection',
    team: 'street-scene',
    lgsl: 524,
    slaWorkingDays: 3,
    weights: [14, 24, 10],
    reason: 'Missed bin collection',
    descriptions: [
      'Green bin not emptied on collection day.',
      'Recycling box missed again this week.',
      'Black bin left at the kerb, street done but not us.',
    ],
  },
  {
    code: 'bulky-waste',
    name: 'Book a bulky waste collection',
    team: 'street-scene',
    lgsl: 525,
    slaWorkingDays: 10,
    weights: [5, 8, 3],
    reason: 'Bulky waste collection',
    descriptions: ['Sofa and two armchairs to collect.', 'Old fridge freezer, front garden.'],
  },
  {
    code: 'fly-tipping',
    name: 'Report fly-tipping',
    team: 'street-scene',
    lgsl: 1005,
    slaWorkingDays: 5,
    weights: [4, 10, 3],
    reason: 'Fly-tipping',
    descriptions: ['Bags of rubbish dumped in the lay-by.', 'Mattress and tyres in the lane by the farm gate.'],
  },
  {
    code: 'garden-waste',
    name: 'Garden waste subscription',
    team: 'street-scene',
    lgsl: 1123,
    slaWorkingDays: 5,
    weights: [6, 4, 2],
    reason: 'Garden waste subscription',
    descriptions: ['Renewal paid but no sticker arrived.', 'Want a second garden waste bin.'],
  },
  {
    code: 'pothole',
    name: 'Report a pothole',
    team: 'highways',
    lgsl: 1126,
    slaWorkingDays: 20,
    weights: [5, 14, 8],
    reason: 'Pothole',
    descriptions: ['Deep pothole outside the school, "dangerous" for cyclists.', 'Road breaking up at the junction.'],
  },
  {
    code: 'street-light',
    name: 'Report a street light fault',
    team: 'highways',
    lgsl: 1137,
    slaWorkingDays: 10,
    weights: [2, 6, 2],
    reason: 'Street light fault',
    descriptions: ['Light flickering all night.', 'Two lights out on the footpath to the station.'],
  },
  {
    code: 'noise',
    name: 'Report noise',
    team: 'environmental-health',
    lgsl: 477,
    slaWorkingDays: 10,
    weights: [3, 6, 6],
    reason: 'Noise nuisance',
    descriptions: ['Barking dog next door through the night.', 'Loud music from the flat above\nmost weekends.'],
  },
  {
    code: 'pest-control',
    name: 'Pest control',
    team: 'environmental-health',
    lgsl: 413,
    slaWorkingDays: 5,
    weights: [2, 4, 2],
    reason: 'Pest control',
    descriptions: ['Rats in the back garden.', 'Wasps nest in the loft.'],
  },
  {
    code: 'council-tax',
    name: 'Council Tax: moving, paying, discounts',
    team: 'revenues-benefits',
    lgsl: 57,
    slaWorkingDays: 10,
    weights: [28, 12, 25],
    reason: 'Council Tax',
    descriptions: ['Moving out on the 14th, please close the account.', 'Single person discount, partner moved out.'],
  },
  {
    code: 'benefits',
    name: 'Housing Benefit and Council Tax Reduction',
    team: 'revenues-benefits',
    lgsl: 1133,
    slaWorkingDays: 15,
    weights: [14, 6, 18],
    reason: 'Benefits claim',
    descriptions: ['Change of circumstances: new job from Monday.', 'Asking how the claim is going.'],
  },
  {
    code: 'housing-repair',
    name: 'Report a repair in a council home',
    team: 'housing',
    lgsl: 1039,
    slaWorkingDays: 20,
    weights: [10, 8, 18],
    reason: 'Housing repair',
    descriptions: ['Damp and mould in the back bedroom.', 'Boiler not working, no hot water.'],
  },
  {
    code: 'planning',
    name: 'Planning enquiry',
    team: 'planning',
    lgsl: 1183,
    slaWorkingDays: 15,
    weights: [7, 2, 5],
    reason: 'Planning enquiry',
    descriptions: ['Do I need permission for a rear extension?', 'Objecting to the application next door.'],
  },
];

interface CouncilRecords {
  councilId: string;
  teams: Map<string, string>;
  services: { id: string; teamId: string; spec: ServiceSpec }[];
}

async function createCouncil(db: Db): Promise<CouncilRecords> {
  await refuseLoadedDatabase(db, 'The database already has customers: the generator fills an empty, migrated database');
  return await db.transaction().execute(async (trx) => {
    const councilId = await insertCouncil(trx, {
      code: 'generated-council',
      name: 'Generated District Council',
      nameCy: 'Cyngor Dosbarth Cynhyrchedig',
    });
    const teams = new Map<string, string>();
    for (const team of TEAMS)
      teams.set(
        team.code,
        await organisationsRepo.insertTeam(trx, { organisationId: councilId, code: team.code, name: team.name }),
      );
    const services = [];
    for (const spec of SERVICES) {
      const teamId = teams.get(spec.team)!;
      const row = await trx
        .insertInto('services')
        .values({
          council_id: councilId,
          organisation_id: councilId,
          team_id: teamId,
          code: spec.code,
          name: spec.name,
          lgsl: spec.lgsl,
          sla_working_days: spec.slaWorkingDays,
          first_contact_resolvable: spec.weights[0] > spec.weights[1],
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      services.push({ id: row.id, teamId, spec });
    }
    return { councilId, teams, services };
  });
}

// ---------------------------------------------------------------------------------------------
// Pure functions of (seed, stream, row): random numbers, identifiers, draws with weights.

const STREAMS = { contacts: 1, cases: 2, complaints: 3, customerRecords: 4 } as const;

function randomFor(seed: number, stream: number, row: number): () => number {
  return prng(Math.imul(row + 1, 0x9e3779b1) ^ Math.imul(stream, 0x85ebca6b) ^ seed);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MASK40 = (1n << 40n) - 1n;

/**
 * ODR-7K4M-2Q9P style: row numbers scrambled by a bijection of 40 bits (multiply by an odd
 * number, fold the high half in, multiply again), so references look random and never collide.
 */
function referenceOf(prefix: string, seed: number, row: number): string {
  let x = (BigInt(row) + BigInt(seed >>> 0) * 0x9e37n) & MASK40;
  x = (x * 0x5deece66dn) & MASK40;
  x ^= x >> 20n;
  x = (x * 0x2545f4914fn) & MASK40;
  let characters = '';
  for (let index = 0; index < 8; index++) {
    characters = CROCKFORD[Number(x & 31n)] + characters;
    x >>= 5n;
  }
  return `${prefix}-${characters.slice(0, 4)}-${characters.slice(4)}`;
}

/** A channel mix, split into its staffed and its other channels, each drawn from on its own. */
function channelMix(items: readonly (readonly [Channel, number])[]) {
  const staffed = items.filter(([channel]) => STAFFED.has(channel));
  const other = items.filter(([channel]) => !STAFFED.has(channel));
  const total = (list: typeof items) => list.reduce((sum, [, weight]) => sum + weight, 0);
  return { staffedShare: total(staffed) / total(items), staffed: choose(staffed), other: choose(other) };
}

function choose<T>(items: readonly (readonly [T, number])[]): (random: () => number) => T {
  const draw = weighted(items.map(([, weight]) => weight));
  return (random) => items[draw(random)]![0];
}

/** Roughly normal, mean 0 and standard deviation 1 (the sum of four uniforms). */
function gauss(random: () => number): number {
  return (random() + random() + random() + random() - 2) * 1.732;
}

// ---------------------------------------------------------------------------------------------
// Time: days of the history weighted by weekday and season, hours by the channel's day, London
// wall-clock time turned into UTC; working days skip weekends (bank holidays are not modelled,
// beside Christmas and New Year's Day, when the offices are shut).

type Channel = 'phone' | 'face_to_face' | 'web' | 'email' | 'kiosk' | 'mobile_bus' | 'letter' | 'social' | 'chat';
/** Staffed channels happen in opening hours on working days; the others at any time. */
const STAFFED: ReadonlySet<Channel> = new Set(['phone', 'face_to_face', 'kiosk', 'mobile_bus', 'letter', 'chat']);

// January's bills and bins after Christmas, March's Council Tax bills, a quiet August and December.
const SEASON = [1.15, 1.0, 1.25, 1.15, 1.0, 0.95, 0.95, 0.85, 1.0, 1.0, 0.95, 0.75];
const STAFFED_WEEKDAY = [0, 1.3, 1.1, 1.0, 0.95, 0.85, 0]; // Sunday first
const DIGITAL_WEEKDAY = [0.5, 1.2, 1.1, 1.05, 1.0, 0.9, 0.55];
// Opening hours 8:30–17:30, busiest mid-morning and after lunch.
const STAFFED_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.4, 1.5, 1.3, 0.9, 1.1, 1.2, 1.0, 0.8, 0.4, 0, 0, 0, 0, 0, 0];
const DIGITAL_HOURS = [
  0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.0, 1.2, 1.2, 1.1, 1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.1, 0.9, 0.6, 0.4,
];

function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay());
}

/** London's offset from UTC in hours on a UTC day (British Summer Time from the last Sunday of March to October's). */
function londonOffset(dayMs: number): number {
  const year = new Date(dayMs).getUTCFullYear();
  return dayMs >= lastSunday(year, 2) && dayMs < lastSunday(year, 9) ? 1 : 0;
}

interface Calendar {
  firstDay: number;
  until: number;
  /**
   * Row `row` of `count`, in day order: the day where (row + a random fraction) / count falls in
   * the history's weights for a channel mix with `staffedShare` staffed, and whether the row's
   * channel is staffed. Rows in time order fill one monthly partition after another.
   */
  orderedDay(row: number, count: number, staffedShare: number, random: () => number): { day: number; staffed: boolean };
  /** A moment on that day, in the channel's hours, as UTC ms. */
  moment(day: number, staffed: boolean, random: () => number): number;
}

function calendarOf(until: number, years: number): Calendar {
  const firstDay = until - Math.round(years * 365.25) * DAY;
  const days: number[] = [];
  const staffedWeights: number[] = [];
  const digitalWeights: number[] = [];
  for (let day = firstDay; day < until; day += DAY) {
    const date = new Date(day);
    const shut =
      (date.getUTCMonth() === 11 && date.getUTCDate() >= 25 && date.getUTCDate() <= 26) ||
      (date.getUTCMonth() === 0 && date.getUTCDate() === 1);
    const season = SEASON[date.getUTCMonth()]!;
    days.push(day);
    staffedWeights.push(shut ? 0 : season * STAFFED_WEEKDAY[date.getUTCDay()]!);
    digitalWeights.push(season * DIGITAL_WEEKDAY[date.getUTCDay()]! * (shut ? 0.4 : 1));
  }
  const staffedHour = weighted(STAFFED_HOURS);
  const digitalHour = weighted(DIGITAL_HOURS);
  const staffedTotal = staffedWeights.reduce((sum, weight) => sum + weight, 0);
  const digitalTotal = digitalWeights.reduce((sum, weight) => sum + weight, 0);
  const mixes = new Map<number, { draw: (random: () => number) => number; staffedOdds: number[] }>();
  const mixOf = (share: number) => {
    let mix = mixes.get(share);
    if (!mix) {
      const staffedParts = staffedWeights.map((weight) => (share * weight) / staffedTotal);
      const combined = digitalWeights.map((weight, index) => staffedParts[index]! + ((1 - share) * weight) / digitalTotal);
      mix = {
        draw: weighted(combined),
        staffedOdds: combined.map((weight, index) => (weight ? staffedParts[index]! / weight : 0)),
      };
      mixes.set(share, mix);
    }
    return mix;
  };
  return {
    firstDay,
    until,
    orderedDay(row, count, staffedShare, random) {
      const mix = mixOf(staffedShare);
      const position = (row + random()) / count;
      const index = mix.draw(() => position);
      return { day: days[index]!, staffed: random() < mix.staffedOdds[index]! };
    },
    moment(day, staffed, random) {
      const hour = (staffed ? staffedHour : digitalHour)(random);
      return day + (hour - londonOffset(day)) * HOUR + Math.floor(random() * HOUR);
    },
  };
}

function isWeekend(ms: number): boolean {
  const weekday = new Date(ms).getUTCDay();
  return weekday === 0 || weekday === 6;
}

function addWorkingDays(ms: number, days: number): number {
  let at = ms;
  for (let left = days; left > 0;) {
    at += DAY;
    if (!isWeekend(at)) left--;
  }
  return at;
}

function workingDaysBetween(from: number, to: number): number {
  let count = 0;
  for (let at = from + DAY; at <= to; at += DAY) if (!isWeekend(at)) count++;
  return count;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Customers who get in touch often are few: row numbers drawn with a skew towards the low ones. */
function customerIndex(random: () => number, customers: number): number {
  return Math.min(customers - 1, Math.floor(customers * random() ** 1.6));
}

/** When row `row` of `count` arrived and by which channel of `mix`, in day order (Calendar.orderedDay). */
function arrivalOf(context: Context, mix: ReturnType<typeof channelMix>, row: number, count: number, random: () => number) {
  const { day, staffed } = context.calendar.orderedDay(row, count, mix.staffedShare, random);
  const channel = staffed ? mix.staffed(random) : mix.other(random);
  return { channel, at: context.calendar.moment(day, staffed, random) };
}

/** The columns of a table, checked against the app's schema (src/db/schema.ts). */
type Columns<Table extends keyof Database> = readonly (keyof Database[Table] & string)[];

// ---------------------------------------------------------------------------------------------
// Contacts

const CONTACT_CHANNEL = channelMix([
  ['phone', 38],
  ['web', 25],
  ['email', 12],
  ['face_to_face', 9],
  ['chat', 5],
  ['letter', 3],
  ['social', 3],
  ['kiosk', 3],
  ['mobile_bus', 2],
]);
/** Median handling time by channel, seconds. */
const HANDLING: Record<Channel, number> = {
  phone: 330,
  face_to_face: 720,
  web: 180,
  email: 360,
  kiosk: 240,
  mobile_bus: 600,
  letter: 480,
  social: 300,
  chat: 540,
};
type Outcome = 'resolved_first_contact' | 'case_raised' | 'transferred' | 'signposted' | 'abandoned';
const VOICE_OUTCOME = choose<Outcome>([
  ['resolved_first_contact', 74],
  ['case_raised', 11],
  ['transferred', 6],
  ['signposted', 5],
  ['abandoned', 4],
]);
const WRITTEN_OUTCOME = choose<Outcome>([
  ['resolved_first_contact', 72],
  ['case_raised', 19],
  ['transferred', 5],
  ['signposted', 4],
]);
// About one contact in six need not have happened (NI 14), and why.
const AVOIDABLE = choose<string | null>([
  [null, 83],
  ['chasing_progress', 7],
  ['repeat', 4],
  ['wrong_place', 2.5],
  ['unclear_information', 2],
  ['service_not_delivered', 1.5],
]);
const CONTACT_NOTES = [
  'Explained the new collection day.',
  'Caller hard of hearing: spoke slowly, confirmed by text.',
  'Paid by card.\nReceipt emailed.',
  'Gave the reference and the date to expect a visit.',
  'Chasing a report made last week; apologised for the delay.',
  'Signposted to Citizens Advice for debt help.',
];

const CONTACT_COLUMNS: Columns<'contacts'> = [
  'id',
  'council_id',
  'customer_id',
  'channel',
  'service_code',
  'reason',
  'outcome',
  'avoidable_reason',
  'notes',
  'started_at',
  'ended_at',
  'created_at',
  'updated_at',
];

interface Context {
  options: CouncilSize & { until: number };
  council: CouncilRecords;
  customerIds: string[];
  calendar: Calendar;
  contactService: (random: () => number) => number;
  caseService: (random: () => number) => number;
  complaintService: (random: () => number) => number;
}

function contactOf(context: Context, row: number): CopyValue[] {
  const { options, council, customerIds } = context;
  const random = randomFor(options.seed, STREAMS.contacts, row);
  const id = uuid(STREAMS.contacts, row, random);
  const { channel, at: started } = arrivalOf(context, CONTACT_CHANNEL, row, options.contacts, random);
  const voice = channel === 'phone' || channel === 'chat';
  const outcome = voice ? VOICE_OUTCOME(random) : WRITTEN_OUTCOME(random);
  const seconds =
    outcome === 'abandoned'
      ? 15 + Math.floor(random() * 90)
      : Math.min(7200, Math.max(20, Math.round(HANDLING[channel] * Math.exp(0.55 * gauss(random)))));
  const service = council.services[context.contactService(random)]!.spec;
  const avoidable = outcome === 'abandoned' ? null : AVOIDABLE(random);
  const notes = random() < 0.15 ? CONTACT_NOTES[Math.floor(random() * CONTACT_NOTES.length)]! : null;
  const ended = iso(started + seconds * 1000);
  return [
    id,
    council.councilId,
    customerIds[customerIndex(random, customerIds.length)],
    channel,
    service.code,
    service.reason,
    outcome,
    avoidable,
    notes,
    iso(started),
    ended,
    ended,
    ended,
  ];
}

// ---------------------------------------------------------------------------------------------
// Cases and their timelines

const CASE_CHANNEL = channelMix([
  ['web', 55],
  ['phone', 28],
  ['email', 8],
  ['face_to_face', 4],
  ['chat', 2],
  ['letter', 1],
  ['social', 1],
  ['kiosk', 0.5],
  ['mobile_bus', 0.5],
]);
const PRIORITY = choose<string>([
  ['normal', 80],
  ['high', 12],
  ['low', 6],
  ['urgent', 2],
]);
const PUBLIC_UPDATES = [
  'An officer will visit this week.',
  'We have ordered the part and will be back to finish the job.',
  'Thank you for your patience: this is with the contractor.',
];
/** Scores 1 to 5 less one: residents who rate a closed case are mostly pleased. */
const CASE_SATISFACTION = weighted([1, 1, 2, 4, 5]);
const AWAITING = 'We need a little more information: please reply to the email we have sent you.';
const INTERNAL_NOTES = ['Checked the round sheet: crew reported access blocked.', 'Spoke to the resident; photos on file.'];
const RESOLUTIONS = [
  'Done: collected today.',
  'Repaired and made safe.',
  'Account updated and a new bill sent.',
  'Visited; no further action needed.',
];

interface CaseEvent {
  at: number;
  kind: string;
  visibility: 'public' | 'internal';
  body: string | null;
  from: string | null;
  to: string | null;
  actorType: 'staff' | 'system' | 'resident';
  actorLabel: string | null;
  details: string | null;
}

interface GeneratedCase {
  row: CopyValue[];
  id: string;
  events: CaseEvent[];
}

const CASE_COLUMNS: Columns<'cases'> = [
  'id',
  'council_id',
  'reference',
  'tracking_token',
  'service_id',
  'customer_id',
  'channel',
  'description',
  'status',
  'priority',
  'team_id',
  'organisation_id',
  'received_at',
  'due_at',
  'due_soon_at',
  'resolved_at',
  'closed_at',
  'escalated_at',
  'satisfaction',
  'satisfaction_at',
  'created_at',
  'updated_at',
];

function caseOf(context: Context, row: number): GeneratedCase {
  const { options, council, customerIds } = context;
  const until = options.until;
  const random = randomFor(options.seed, STREAMS.cases, row);
  const id = uuid(STREAMS.cases, row, random);
  const service = council.services[context.caseService(random)]!;
  const { channel, at: received } = arrivalOf(context, CASE_CHANNEL, row, options.cases, random);
  const sla = service.spec.slaWorkingDays;
  const due = addWorkingDays(received, sla);
  const officer = `${TEAMS.find((team) => team.code === service.spec.team)!.name} officer`;
  // Most are resolved within the SLA (the median takes 60% of it), a tail is late, and one
  // recent case in a hundred is stuck: the backlog's old end.
  const stuck = until - received < 120 * DAY && random() < 0.01;
  const workingDays = sla * Math.exp(-0.5 + 0.6 * gauss(random));
  const resolvedAt = stuck
    ? until + 365 * DAY
    : addWorkingDays(received, Math.floor(workingDays)) + Math.floor((workingDays % 1) * 8 * HOUR) + HOUR;
  const span = resolvedAt - received;
  const within = (from: number, to: number) => received + Math.floor(span * (from + random() * (to - from)));

  const events: CaseEvent[] = [];
  const event = (at: number, kind: string, fields: Partial<CaseEvent>) =>
    events.push({
      at,
      kind,
      visibility: 'internal',
      body: null,
      from: null,
      to: null,
      actorType: 'staff',
      actorLabel: officer,
      details: null,
      ...fields,
    });
  event(received, 'received', {
    visibility: 'public',
    to: 'submitted',
    actorType: channel === 'web' ? 'resident' : 'staff',
    actorLabel: channel === 'web' ? null : 'Customer Services advisor',
  });
  event(within(0.02, 0.15), 'status_changed', { from: 'submitted', to: 'in_progress' });
  if (random() < 0.3) event(within(0.2, 0.28), 'internal_note', { body: INTERNAL_NOTES[row % INTERNAL_NOTES.length]! });
  if (random() < 0.15) {
    event(within(0.3, 0.45), 'status_changed', {
      visibility: 'public',
      body: AWAITING,
      from: 'in_progress',
      to: 'awaiting_customer',
    });
    event(within(0.5, 0.65), 'status_changed', {
      from: 'awaiting_customer',
      to: 'in_progress',
      body: 'The resident replied with the details.',
    });
  }
  if (random() < 0.4)
    event(within(0.7, 0.8), 'public_update', { visibility: 'public', body: PUBLIC_UPDATES[row % PUBLIC_UPDATES.length]! });
  const statusAfter = (list: CaseEvent[]) => list.findLast((entry) => entry.to !== null)!.to!;
  event(resolvedAt, 'status_changed', {
    visibility: 'public',
    body: RESOLUTIONS[row % RESOLUTIONS.length]!,
    from: statusAfter(events),
    to: 'resolved',
  });
  const closedAt = resolvedAt + Math.floor((2 + random() * 8) * DAY);
  event(closedAt, 'status_changed', { from: 'resolved', to: 'closed' });
  let satisfaction: number | null = null;
  if (random() < 0.2) {
    satisfaction = 1 + CASE_SATISFACTION(random);
    event(closedAt + HOUR + Math.floor(random() * 7 * DAY), 'satisfaction', {
      actorType: 'resident',
      actorLabel: null,
      details: JSON.stringify({ score: satisfaction }),
    });
  }
  // What has happened by now; an open case past its due time has been escalated by the job.
  const happened = events.filter((entry) => entry.at < until);
  const escalatedAt = due + HOUR < until && due < resolvedAt ? due + HOUR : null;
  if (escalatedAt !== null)
    happened.push({
      ...happened[0]!,
      at: escalatedAt,
      kind: 'escalated',
      visibility: 'internal',
      to: null,
      actorType: 'system',
      actorLabel: null,
      body: null,
    });
  happened.sort((a, b) => a.at - b.at);
  const now = statusAfter(happened);
  const given = happened.find((entry) => entry.kind === 'satisfaction');
  const closed = now === 'closed' ? closedAt : null;
  const caseRow: CopyValue[] = [
    id,
    council.councilId,
    referenceOf('ODR', options.seed, row),
    createHash('sha256').update(`${options.seed}:case:${row}`).digest('base64url'),
    service.id,
    customerIds[customerIndex(random, customerIds.length)],
    channel,
    service.spec.descriptions[row % service.spec.descriptions.length]!,
    now,
    PRIORITY(random),
    service.teamId,
    council.councilId,
    iso(received),
    iso(due),
    iso(due - DAY),
    iso(now === 'resolved' || now === 'closed' ? resolvedAt : null),
    iso(closed),
    iso(escalatedAt),
    given ? satisfaction : null,
    given ? iso(given.at) : null,
    iso(received),
    iso(happened.at(-1)!.at),
  ];
  return { row: caseRow, id, events: happened };
}

const CASE_EVENT_COLUMNS: Columns<'case_events'> = [
  'case_id',
  'council_id',
  'occurred_at',
  'kind',
  'visibility',
  'body',
  'status_from',
  'status_to',
  'actor_type',
  'actor_label',
  'details',
];

function caseEventRows(councilId: string, { id, events }: GeneratedCase): CopyValue[][] {
  return events.map((event) => [
    id,
    councilId,
    iso(event.at),
    event.kind,
    event.visibility,
    event.body,
    event.from,
    event.to,
    event.actorType,
    event.actorLabel,
    event.details,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Complaints: stage 1 acknowledged in 5 working days and answered in 10 more (the Complaint
// Handling Code), some extended; a fifth of those not upheld escalated to stage 2 (20 working
// days); a few of those taken to the Ombudsman.

const COMPLAINT_KIND = choose<'complaint' | 'compliment' | 'comment'>([
  ['complaint', 85],
  ['compliment', 11],
  ['comment', 4],
]);
const COMPLAINT_CHANNEL = channelMix([
  ['web', 45],
  ['email', 25],
  ['phone', 20],
  ['letter', 7],
  ['face_to_face', 3],
]);
const CATEGORY = choose<string>([
  ['delay', 30],
  ['quality_of_service', 25],
  ['communication', 15],
  ['policy_or_decision', 12],
  ['staff_conduct', 10],
  ['other', 5],
  ['equality_or_accessibility', 3],
]);
const STAGE1_OUTCOME = choose<string>([
  ['upheld', 30],
  ['partly_upheld', 25],
  ['not_upheld', 45],
]);
const STAGE2_OUTCOME = choose<string>([
  ['upheld', 20],
  ['partly_upheld', 25],
  ['not_upheld', 55],
]);
/** Scores 1 to 5 less one: those who rate a closed complaint are mostly not. */
const COMPLAINT_SATISFACTION = weighted([4, 2, 2, 2, 1]);
const OMBUDSMAN_OUTCOME = choose<string>([
  ['not_investigated', 45],
  ['not_upheld', 25],
  ['upheld', 20],
  ['partly_upheld', 10],
]);

interface Stage {
  stage: 1 | 2;
  received: number;
  acknowledgeBy: number;
  acknowledged: number | null;
  respondBy: number;
  extendedTo: number | null;
  extensionDays: number | null;
  extendedAt: number | null;
  responded: number | null;
  outcome: string | null;
}

interface ComplaintEvent {
  at: number;
  kind: string;
  stage: number | null;
  body: string | null;
  details: string | null;
}

interface GeneratedComplaint {
  row: CopyValue[];
  id: string;
  stages: Stage[];
  events: ComplaintEvent[];
}

/** One stage as it stands at `until`: acknowledged, perhaps extended, answered, mostly in time. */
function stageOf(
  random: () => number,
  stage: 1 | 2,
  received: number,
  until: number,
  outcome: (random: () => number) => string,
): Stage {
  const acknowledgeBy = addWorkingDays(received, 5);
  const acknowledged =
    addWorkingDays(received, random() < 0.92 ? Math.floor(random() * 5) : 5 + Math.ceil(random() * 4)) +
    Math.floor(random() * 6 * HOUR) +
    HOUR;
  const respondWithin = stage === 1 ? 10 : 20;
  const respondBy = addWorkingDays(acknowledged, respondWithin);
  const extensionDays = random() < 0.08 ? 5 + Math.floor(random() * 6) : null;
  const extendedTo = extensionDays === null ? null : addWorkingDays(respondBy, extensionDays);
  const extendedAt = extensionDays === null ? null : acknowledged + Math.floor((respondBy - acknowledged) * 0.7);
  const deadline = extendedTo ?? respondBy;
  const responded =
    random() < 0.87
      ? acknowledged + Math.floor((deadline - acknowledged) * (0.4 + random() * 0.58))
      : addWorkingDays(deadline, 1 + Math.floor(random() * 10));
  const drawn = outcome(random);
  if (acknowledged >= until)
    return {
      stage,
      received,
      acknowledgeBy,
      acknowledged: null,
      respondBy: addWorkingDays(received, 5 + respondWithin),
      extendedTo: null,
      extensionDays: null,
      extendedAt: null,
      responded: null,
      outcome: null,
    };
  const extended = extendedAt !== null && extendedAt < until;
  const answered = responded < until;
  return {
    stage,
    received,
    acknowledgeBy,
    acknowledged,
    respondBy,
    extendedTo: extended ? extendedTo : null,
    extensionDays: extended ? extensionDays : null,
    extendedAt: extended ? extendedAt : null,
    responded: answered ? responded : null,
    outcome: answered ? drawn : null,
  };
}

const COMPLAINT_COLUMNS: Columns<'complaints'> = [
  'id',
  'council_id',
  'reference',
  'kind',
  'customer_id',
  'channel',
  'category',
  'service_id',
  'team_id',
  'description',
  'outcome_wanted',
  'ombudsman_scheme',
  'stage',
  'status',
  'received_at',
  'closed_at',
  'ombudsman_referred_at',
  'ombudsman_reference',
  'ombudsman_decided_at',
  'ombudsman_outcome',
  'ombudsman_maladministration',
  'ombudsman_service_failure',
  'satisfaction',
  'satisfaction_at',
  'created_at',
  'updated_at',
];

interface Ombudsman {
  referred: number;
  decided: number | null;
  outcome: string | null;
  reference: string;
}

/** About one stage 2 answer in seven taken to the Ombudsman, as it stands at `until`. */
function ombudsmanOf(random: () => number, second: Stage, until: number, reference: string): Ombudsman | null {
  if (second.responded === null || random() >= 0.15) return null;
  const referred = second.responded + Math.floor((10 + random() * 50) * DAY);
  const decided = referred + Math.floor((60 + random() * 120) * DAY);
  if (referred >= until) return null;
  return {
    referred,
    decided: decided < until ? decided : null,
    outcome: decided < until ? OMBUDSMAN_OUTCOME(random) : null,
    reference,
  };
}

function complaintOf(context: Context, row: number): GeneratedComplaint {
  const { options, council, customerIds } = context;
  const until = options.until;
  const random = randomFor(options.seed, STREAMS.complaints, row);
  const id = uuid(STREAMS.complaints, row, random);
  const kind = COMPLAINT_KIND(random);
  const service = council.services[context.complaintService(random)]!;
  const { channel, at: received } = arrivalOf(context, COMPLAINT_CHANNEL, row, options.complaints, random);
  const customerId = customerIds[customerIndex(random, customerIds.length)];
  const events: ComplaintEvent[] = [];
  const event = (
    at: number,
    eventKind: string,
    stage: number | null,
    body: string | null = null,
    details: string | null = null,
  ) => {
    if (at < until) events.push({ at, kind: eventKind, stage, body, details });
  };
  const stages: Stage[] = [];
  let status: 'open' | 'with_ombudsman' | 'closed' = 'open';
  let closedAt: number | null = null;
  let ombudsman: Ombudsman | null = null;

  if (kind !== 'complaint') {
    event(received, 'received', null);
    closedAt = received + Math.floor((1 + random() * 2) * DAY);
    event(closedAt, 'closed', null);
    if (closedAt < until) status = 'closed';
    else closedAt = null;
  } else {
    const first = stageOf(random, 1, received, until, STAGE1_OUTCOME);
    stages.push(first);
    event(received, 'received', 1);
    const record = (stage: Stage) => {
      if (stage.acknowledged !== null) event(stage.acknowledged, 'acknowledged', stage.stage);
      if (stage.extendedAt !== null)
        event(
          stage.extendedAt,
          'extended',
          stage.stage,
          'Waiting for the contractor’s report.',
          JSON.stringify({ days: stage.extensionDays }),
        );
      if (stage.responded !== null)
        event(stage.responded, 'responded', stage.stage, `Outcome: ${stage.outcome!.replace('_', ' ')}.`);
    };
    record(first);
    let last = first;
    const escalates = first.outcome !== null && first.outcome !== 'upheld' && random() < 0.2;
    const askedAt = first.responded === null ? 0 : first.responded + Math.floor((2 + random() * 23) * DAY);
    if (escalates && askedAt < until) {
      const second = stageOf(random, 2, askedAt, until, STAGE2_OUTCOME);
      stages.push(second);
      event(askedAt, 'escalated', 2, 'Not satisfied with the stage 1 answer.');
      record(second);
      last = second;
      ombudsman = ombudsmanOf(
        random,
        second,
        until,
        `${service.spec.code === 'housing-repair' ? 'HOS' : 'LGSCO'}-${24_000 + row}`,
      );
    }
    if (last.responded !== null) {
      closedAt = last.responded + 5 * 60_000;
      event(closedAt, 'closed', last.stage);
      status = 'closed';
    }
    if (ombudsman) {
      event(ombudsman.referred, 'referred_to_ombudsman', null, null, JSON.stringify({ reference: ombudsman.reference }));
      if (ombudsman.decided !== null) {
        event(ombudsman.decided, 'ombudsman_decision', null, null, JSON.stringify({ outcome: ombudsman.outcome }));
        closedAt = ombudsman.decided;
      } else {
        status = 'with_ombudsman';
        closedAt = null;
      }
    }
  }
  let satisfaction: number | null = null;
  let satisfactionAt: number | null = null;
  if (status === 'closed' && closedAt !== null && random() < 0.25) {
    const at = closedAt + Math.floor((3 + random() * 17) * DAY);
    if (at < until) {
      satisfaction = 1 + COMPLAINT_SATISFACTION(random);
      satisfactionAt = at;
      event(at, 'satisfaction', null, null, JSON.stringify({ score: satisfaction }));
    }
  }
  events.sort((a, b) => a.at - b.at);
  const upheld = ombudsman?.outcome === 'upheld' || ombudsman?.outcome === 'partly_upheld';
  const complaintRow: CopyValue[] = [
    id,
    council.councilId,
    referenceOf('CMP', options.seed, row),
    kind,
    customerId,
    channel,
    kind === 'complaint' ? CATEGORY(random) : null,
    service.id,
    service.teamId,
    kind === 'compliment'
      ? 'The crew were so helpful, thank you.'
      : `${service.spec.descriptions[row % service.spec.descriptions.length]!} Nobody has got back to me.`,
    kind === 'complaint' ? 'An apology and the job done.' : null,
    service.spec.code === 'housing-repair' ? 'housing' : 'lgsco',
    kind === 'complaint' ? stages.length : null,
    status,
    iso(received),
    iso(closedAt),
    iso(ombudsman?.referred ?? null),
    ombudsman?.reference ?? null,
    iso(ombudsman?.decided ?? null),
    ombudsman?.outcome ?? null,
    ombudsman?.outcome ? upheld : null,
    ombudsman?.outcome ? upheld && random() < 0.5 : null,
    satisfaction,
    iso(satisfactionAt),
    iso(received),
    iso(events.at(-1)?.at ?? received),
  ];
  return { row: complaintRow, id, stages, events };
}

const STAGE_COLUMNS: Columns<'complaint_stages'> = [
  'complaint_id',
  'stage',
  'council_id',
  'received_at',
  'acknowledge_by',
  'acknowledged_at',
  'respond_by',
  'extended_to',
  'extension_days',
  'extension_reason',
  'extended_at',
  'responded_at',
  'outcome',
  'maladministration',
  'service_failure',
  'response_summary',
  'acknowledged_in_time',
  'responded_in_time',
  'working_days_taken',
  'created_at',
  'updated_at',
];

function stageRows(councilId: string, { id, stages }: GeneratedComplaint): CopyValue[][] {
  return stages.map((stage) => {
    const answered = stage.responded !== null;
    const upheld = stage.outcome === 'upheld' || stage.outcome === 'partly_upheld';
    return [
      id,
      stage.stage,
      councilId,
      iso(stage.received),
      iso(stage.acknowledgeBy),
      iso(stage.acknowledged),
      iso(stage.respondBy),
      iso(stage.extendedTo),
      stage.extensionDays,
      stage.extensionDays === null ? null : 'Waiting for the contractor’s report.',
      iso(stage.extendedAt),
      iso(stage.responded),
      stage.outcome,
      answered ? upheld && stage.outcome === 'upheld' : null,
      answered ? upheld : null,
      answered ? `We have looked into this. Outcome: ${stage.outcome!.replace('_', ' ')}.` : null,
      stage.acknowledged === null ? null : stage.acknowledged <= stage.acknowledgeBy,
      answered ? stage.responded! <= (stage.extendedTo ?? stage.respondBy) : null,
      answered ? workingDaysBetween(stage.received, stage.responded!) : null,
      iso(stage.received),
      iso(stage.responded ?? stage.acknowledged ?? stage.received),
    ];
  });
}

const COMPLAINT_EVENT_COLUMNS: Columns<'complaint_events'> = [
  'complaint_id',
  'council_id',
  'occurred_at',
  'kind',
  'stage',
  'body',
  'actor_type',
  'actor_label',
  'details',
];

function complaintEventRows(councilId: string, { id, events }: GeneratedComplaint): CopyValue[][] {
  return events.map((event) => {
    const system = event.kind === 'referred_to_ombudsman' || event.kind === 'ombudsman_decision' || event.kind === 'satisfaction';
    return [
      id,
      councilId,
      iso(event.at),
      event.kind,
      event.stage,
      event.body,
      system ? 'system' : 'staff',
      system ? null : 'Complaints officer',
      event.details,
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Customers, generated once into COPY lines for five tables (as bench/customers.ts's insertBatch
// fills them), so that the customers table and its baseline are COPYed from the same lines. All of
// them are held in memory until loaded (a few hundred bytes a customer): generating them during the
// COPYs instead would put Node's generating time into both the load and the baseline it is compared with.

type CustomerTable = (typeof CUSTOMER_TABLES)[number];

const CUSTOMER_COLUMNS: { [Table in CustomerTable]: Columns<Table> } = {
  customers: [
    'id',
    'council_id',
    'kind',
    'title',
    'given_name',
    'family_name',
    'organisation_name',
    'date_of_birth',
    'preferred_language',
  ],
  customer_emails: ['id', 'customer_id', 'email', 'is_primary'],
  customer_phones: ['id', 'customer_id', 'number', 'kind', 'is_primary'],
  customer_addresses: ['id', 'customer_id', 'address_line1', 'town', 'postcode'],
  customer_previous_names: ['id', 'customer_id', 'given_name', 'family_name'],
};

interface CustomerLines {
  ids: string[];
  /** Each table's lines, a thousand customers' to a string: fewer, larger strings. */
  chunks: Record<CustomerTable, string[]>;
}

function customerLines(councilId: string, seed: number, count: number): CustomerLines {
  const people = createPeopleGenerator(seed);
  const ids: string[] = [];
  const chunks = Object.fromEntries(CUSTOMER_TABLES.map((table) => [table, [] as string[]])) as CustomerLines['chunks'];
  const pending = Object.fromEntries(CUSTOMER_TABLES.map((table) => [table, ''])) as Record<CustomerTable, string>;
  const flush = () => {
    for (const table of CUSTOMER_TABLES) {
      if (pending[table]) chunks[table].push(pending[table]);
      pending[table] = '';
    }
  };
  for (let index = 0; index < count; index++) {
    const p = people.person(index);
    // Ids made here rather than by gen_random_uuid(): a volatile default makes COPY insert row by row.
    const random = randomFor(seed, STREAMS.customerRecords, index);
    ids.push(p.id);
    pending.customers += copyLine([
      p.id,
      councilId,
      p.kind,
      p.title,
      p.givenName,
      p.familyName,
      p.organisationName,
      p.dateOfBirth,
      p.preferredLanguage,
    ]);
    for (const [position, phone] of p.phones.entries())
      pending.customer_phones += copyLine([
        uuid(STREAMS.customerRecords, index * 2 + position, random),
        p.id,
        phone.number,
        phone.kind,
        position === 0,
      ]);
    if (p.email !== null)
      pending.customer_emails += copyLine([uuid(STREAMS.customerRecords, index, random), p.id, p.email, true]);
    pending.customer_addresses += copyLine([
      uuid(STREAMS.customerRecords, index, random),
      p.id,
      p.address.line1,
      p.address.town,
      p.address.postcode,
    ]);
    for (const [position, name] of p.previousNames.entries())
      pending.customer_previous_names += copyLine([
        uuid(STREAMS.customerRecords, index * 2 + position, random),
        p.id,
        name.givenName,
        name.familyName,
      ]);
    if (index % 1000 === 999) flush();
  }
  flush();
  return { ids, chunks };
}

// ---------------------------------------------------------------------------------------------
// Loading

const LOADED_TABLES = [
  ...CUSTOMER_TABLES,
  'contacts',
  'cases',
  'case_events',
  'complaints',
  'complaint_stages',
  'complaint_events',
] as const;

/** COPY lines for records 0 to count - 1, each giving its table's rows. */
function* linesOf(count: number, rowsOf: (row: number) => CopyValue[][]): Generator<string> {
  for (let row = 0; row < count; row++) for (const values of rowsOf(row)) yield copyLine(values);
}

/**
 * What goes into each of the other tables. A case's events, and a complaint's stages and events,
 * are made again from its row number for their own COPY rather than kept from the first: it costs
 * a little Node time, and keeps memory flat whatever the size of the council.
 */
function recordTables(context: Context): { table: string; columns: readonly string[]; lines: Iterable<string> }[] {
  const { options, council } = context;
  const caseRows = (rowsOf: (generated: GeneratedCase) => CopyValue[][]) =>
    linesOf(options.cases, (row) => rowsOf(caseOf(context, row)));
  const complaintRows = (rowsOf: (generated: GeneratedComplaint) => CopyValue[][]) =>
    linesOf(options.complaints, (row) => rowsOf(complaintOf(context, row)));
  return [
    { table: 'contacts', columns: CONTACT_COLUMNS, lines: linesOf(options.contacts, (row) => [contactOf(context, row)]) },
    { table: 'cases', columns: CASE_COLUMNS, lines: caseRows((generated) => [generated.row]) },
    {
      table: 'case_events',
      columns: CASE_EVENT_COLUMNS,
      lines: caseRows((generated) => caseEventRows(council.councilId, generated)),
    },
    { table: 'complaints', columns: COMPLAINT_COLUMNS, lines: complaintRows((generated) => [generated.row]) },
    {
      table: 'complaint_stages',
      columns: STAGE_COLUMNS,
      lines: complaintRows((generated) => stageRows(council.councilId, generated)),
    },
    {
      table: 'complaint_events',
      columns: COMPLAINT_EVENT_COLUMNS,
      lines: complaintRows((generated) => complaintEventRows(council.councilId, generated)),
    },
  ];
}

/** Generates one council into the empty, migrated database at `url` (see the file's head). */
export async function generateCouncil(url: string, options: GenerateOptions): Promise<GeneratedCouncil> {
  const log = options.log ?? (() => undefined);
  const until = options.until?.getTime() ?? Math.floor(Date.now() / DAY) * DAY;
  const { db } = createDb(url, 2);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const steps: Step[] = [];
  const timed = async <T>(name: string, run: () => Promise<T>, rows?: (result: T) => number): Promise<T> => {
    const began = performance.now();
    const result = await run();
    const step = { name, rows: rows ? rows(result) : 0, seconds: (performance.now() - began) / 1000 };
    steps.push(step);
    log(`  ${name}: ${step.rows ? `${step.rows.toLocaleString('en-GB')} rows in ` : ''}${step.seconds.toFixed(1)} s`);
    return result;
  };
  const secondsOf = (name: string) => steps.find((step) => step.name === name)!.seconds;
  try {
    if (options.customers < 1) throw new Error('A council needs at least one customer');
    const council = await createCouncil(db);
    await useBulkLoadSettings(client);

    const calendar = calendarOf(until, options.years);
    const months = Math.ceil(((until - calendar.firstDay) / DAY + 31) / 30) + 4;
    const firstMonth = new Date(calendar.firstDay).toISOString().slice(0, 10);
    for (const table of ['contacts', 'case_events'])
      await client.query('select ensure_monthly_partitions($1, $2::date, $3)', [table, firstMonth, months]);

    const customers = await timed(
      'generate customers (Node)',
      async () => customerLines(council.councilId, options.seed, options.customers),
      (result) => result.ids.length,
    );

    let baselineSeconds: number | null = null;
    if (options.baseline !== false) {
      const baseline = 'baseline: customers into a bare copy of the table';
      // What the same rows cost with nothing to keep up: no keys, no indexes, no triggers, no checks.
      await client.query('create table generate_baseline_customers (like customers including defaults)');
      // A first chunk, not timed, so that neither side pays for a cold start.
      const copyBaseline = (chunks: string[]) =>
        copyInto(client, 'generate_baseline_customers', CUSTOMER_COLUMNS.customers, chunks);
      await copyBaseline(customers.chunks.customers.slice(0, 1));
      await client.query('truncate generate_baseline_customers');
      await timed(baseline, () => copyBaseline(customers.chunks.customers), Number);
      baselineSeconds = secondsOf(baseline);
      await client.query('drop table generate_baseline_customers');
    }

    const began = performance.now();
    const indexes = await dropSecondaryIndexes(client, LOADED_TABLES);
    const foreignKeys = await dropForeignKeys(client, LOADED_TABLES);
    await pauseNameWords(client);
    const rebuildRollups = options.rollups !== 'trigger';
    if (rebuildRollups) {
      await client.query('alter table contacts disable trigger contacts_rollup_insert');
      await client.query('alter table cases disable trigger cases_rollup_insert');
    }

    for (const table of CUSTOMER_TABLES) {
      await timed(table, () => copyInto(client, table, CUSTOMER_COLUMNS[table], customers.chunks[table]), Number);
      customers.chunks[table].length = 0;
    }

    const weightsOf = (column: 0 | 1 | 2) => weighted(council.services.map((service) => service.spec.weights[column]));
    const context: Context = {
      options: { ...options, until },
      council,
      customerIds: customers.ids,
      calendar,
      contactService: weightsOf(0),
      caseService: weightsOf(1),
      complaintService: weightsOf(2),
    };
    for (const { table, columns, lines } of recordTables(context))
      await timed(table, () => copyInto(client, table, columns, lines), Number);

    const isCustomers = (index: { table: string }) => (CUSTOMER_TABLES as readonly string[]).includes(index.table);
    await timed('customer indexes', () => rebuildIndexes(client, indexes.filter(isCustomers)));
    await timed('customer name words', () => fillNameWords(client));
    await timed('contact, case and complaint indexes', () =>
      rebuildIndexes(
        client,
        indexes.filter((index) => !isCustomers(index)),
      ),
    );
    await timed('foreign keys (added back, validated)', () => addForeignKeys(client, foreignKeys));
    await timed(rebuildRollups ? 'performance roll-ups (rebuilt)' : 'performance roll-ups (deltas folded)', async () => {
      if (rebuildRollups) {
        await client.query('alter table contacts enable trigger contacts_rollup_insert');
        await client.query('alter table cases enable trigger cases_rollup_insert');
        // The migration's own SQL (0017), over everything now loaded.
        await client.query(
          'truncate contact_rollups, contact_hourly_rollups, contact_rollup_deltas, case_rollups, case_rollup_deltas',
        );
        await client.query('select build_contact_rollups()');
        await client.query('select case_rollup_contribution(c, 1) from cases c');
      }
      await foldRollups(db);
    });
    await timed('vacuum (analyze)', () =>
      client.query(
        `vacuum (analyze) ${[...LOADED_TABLES, 'customer_name_words', 'contact_rollups', 'contact_hourly_rollups', 'case_rollups'].join(', ')}`,
      ),
    );
    const seconds = (performance.now() - began) / 1000;
    const customerSeconds = steps.filter((step) => step.name.startsWith('customer')).reduce((sum, step) => sum + step.seconds, 0);
    return {
      councilId: council.councilId,
      steps,
      seconds,
      customerSeconds,
      customersTableSeconds: secondsOf('customers'),
      baselineSeconds,
    };
  } finally {
    await client.end();
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The command line

export function printGenerated(size: CouncilSize, result: GeneratedCouncil): void {
  const rows = result.steps.map((step) => [
    step.name,
    step.rows ? step.rows.toLocaleString('en-GB') : '',
    step.seconds.toFixed(1),
    step.rows ? Math.round(step.rows / step.seconds).toLocaleString('en-GB') : '',
  ]);
  const header = ['step', 'rows', 'seconds', 'rows/s'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  const rate = (seconds: number) => Math.round(size.customers / seconds).toLocaleString('en-GB');
  console.log(`\nload (everything after generating the customers): ${result.seconds.toFixed(1)} s`);
  if (result.baselineSeconds !== null) {
    console.log(
      `customers table alone: ${rate(result.customersTableSeconds)} customers/s; baseline (same lines, bare table): ${rate(result.baselineSeconds)} customers/s; ratio ${(result.customersTableSeconds / result.baselineSeconds).toFixed(2)}×`,
    );
    console.log(
      `customers with everything (5 tables, indexes, name words): ${rate(result.customerSeconds)} customers/s; ratio to the baseline ${(result.customerSeconds / result.baselineSeconds).toFixed(2)}×`,
    );
  }
  console.log(`machine: ${machine()}`);
}

/** Migrates a throwaway database (bench/customers.ts's openDatabase), generates a council into it and prints the steps. */
async function generateIntoThrowaway(size: GenerateOptions): Promise<GeneratedCouncil> {
  const { url, stop } = await openDatabase();
  try {
    const { db } = createDb(url, 1);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    const result = await generateCouncil(url, { ...size, log: console.log });
    console.log('');
    printGenerated(size, result);
    return result;
  } finally {
    await stop();
  }
}

/** `npm run bench -- --only=generate`: the load as benchmark results, against the bare-table baseline. */
export async function benchGenerate(size: CouncilSize & Pick<GenerateOptions, 'rollups'>): Promise<BenchResult[]> {
  const result = await generateIntoThrowaway(size);
  const label = `${size.customers.toLocaleString('en-GB')} customers`;
  const rate = (seconds: number) => Math.round(size.customers / seconds);
  const baseline = rate(result.baselineSeconds!);
  const againstBaseline = (name: string, seconds: number): BenchResult => ({
    name,
    size: label,
    value: rate(seconds),
    unit: 'customers/s',
    baseline: 'COPY of the same customer rows into a bare copy of the customers table',
    baselineValue: baseline,
    ratio: Number((rate(seconds) / baseline).toFixed(3)),
  });
  return [
    againstBaseline('generate: customers loaded per second (5 tables by COPY, indexes, name words)', result.customerSeconds),
    againstBaseline('generate: customers table alone per second (COPY, primary key and checks)', result.customersTableSeconds),
    {
      name: 'generate: the whole council loaded (COPY, indexes, roll-ups, VACUUM ANALYZE)',
      size: `${label}, ${size.contacts.toLocaleString('en-GB')} contacts, ${size.cases.toLocaleString('en-GB')} cases, ${size.complaints.toLocaleString('en-GB')} complaints, ${size.years} years`,
      value: Number(result.seconds.toFixed(1)),
      unit: 's',
      baseline: 'none',
      baselineValue: null,
      ratio: null,
    },
  ];
}

export function sizeFromArguments(argv: readonly string[]): CouncilSize & { rollups: 'rebuild' | 'trigger' } {
  const option = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const number = (name: keyof CouncilSize) => {
    const text = option(name);
    if (text === undefined) return QUICK_SIZE[name];
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
    return value;
  };
  return {
    customers: number('customers'),
    years: number('years'),
    contacts: number('contacts'),
    cases: number('cases'),
    complaints: number('complaints'),
    seed: number('seed'),
    rollups: option('rollups') === 'trigger' ? 'trigger' : 'rebuild',
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = sizeFromArguments(process.argv);
  console.log(
    `Generating a council: ${size.customers.toLocaleString('en-GB')} customers, ${size.years} years, ${size.contacts.toLocaleString('en-GB')} contacts, ` +
      `${size.cases.toLocaleString('en-GB')} cases, ${size.complaints.toLocaleString('en-GB')} complaints (seed ${size.seed})`,
  );
  await generateIntoThrowaway(size);
  process.exit(0);
}
